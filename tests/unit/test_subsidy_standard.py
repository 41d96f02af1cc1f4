"""The roster's subsidy standard: catalog 元 × shortage uplift, half up to the fen, capped at the fee."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.services.catalog.training import parse_catalog, read_catalog_file, shipped_catalog_path
from jiangxin_desktop.services.exchange.roster_export import roster_totals, subsidy_standard, total_line

ELECTRICIAN = "6-31-01-03"  # category A, a shortage occupation in the shipped catalog


@pytest.fixture(scope="module")
def catalog():
    data, _ = read_catalog_file(shipped_catalog_path())
    data["subsidy_amounts"]["by_level"]["5"]["A"] = 1005
    return parse_catalog(data, parse_code_catalog(read_shipped_codes()))


def klass(fee_fen: int = 0, level: str = "5"):
    return SimpleNamespace(level=level, occupation_code=ELECTRICIAN, fee_fen=fee_fen)


def test_the_uplift_is_decimal_half_up_to_the_fen_not_float_half_even(catalog):
    assert round(1005 * (1 + 0.3)) == 1306  # what the float export wrote
    assert subsidy_standard(catalog, klass(), passed=True, subsidised=True) == 130650  # 1306.50 元


def test_the_standard_is_capped_at_the_fee_and_needs_a_pass(catalog):
    assert subsidy_standard(catalog, klass(fee_fen=120000), passed=True, subsidised=True) == 120000
    assert subsidy_standard(catalog, klass(), passed=False, subsidised=True) is None
    assert subsidy_standard(catalog, klass(), passed=True, subsidised=False) is None
    assert subsidy_standard(catalog, klass(level="4"), passed=True, subsidised=True) == 195000


def test_the_total_is_added_up_in_fen_and_never_in_exponent_form():
    rows = [{"_amount_fen": 130650, "_passed": True}] * 1000 + [{"_amount_fen": None, "_passed": False}]
    totals = roster_totals(rows, SimpleNamespace(class_hours=40))
    assert totals["amount_total"] == "1306500"
    assert "补贴金额 1306500 元" in total_line(totals)
