"""The shipped import template: up to date with the code lists, and readable by the reader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.services.exchange.roster_fields import ROSTER_FIELDS
from jiangxin_desktop.services.exchange.roster_reader import read_roster
from jiangxin_desktop.services.exchange.roster_template import (
    TEMPLATE_HEADERS,
    build_template,
    drop_down_values,
    shipped_template_path,
)

TODAY = date(2025, 6, 1)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(n: int) -> str:
    body = f"32070319900101{n:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


@pytest.fixture(scope="module")
def codes():
    return parse_code_catalog(read_shipped_codes())


def content(path: Path) -> dict:
    """What a user sees and gets from the file (not timestamps or zip layout)."""
    workbook = load_workbook(path)
    out = {}
    for sheet in workbook.worksheets:
        out[sheet.title] = {
            "state": sheet.sheet_state,
            "cells": [[c.value for c in row] for row in sheet.iter_rows()],
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "validations": sorted(
                (str(v.sqref), v.type, v.formula1, v.error) for v in sheet.data_validations.dataValidation
            ),
            "formats": {k: d.number_format for k, d in sheet.column_dimensions.items()},
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "freeze": sheet.freeze_panes,
        }
    return out


def test_committed_template_is_what_the_script_writes(tmp_path: Path, codes) -> None:
    fresh = tmp_path / "template.xlsx"
    build_template(codes, fresh)
    assert content(shipped_template_path()) == content(fresh), (
        "forms/roster-import-template.xlsx is out of date: run "
        "python -m jiangxin_desktop.services.exchange.roster_template"
    )


def test_template_layout(codes) -> None:
    workbook = load_workbook(shipped_template_path())
    sheet = workbook["花名册"]
    headers = [c.value for c in sheet[3]]
    assert headers == [TEMPLATE_HEADERS[f] for f in ROSTER_FIELDS]
    assert headers[:2] == ["姓名*", "公民身份号码*"]
    assert "性别" not in headers  # derived from the ID
    assert "身份证" in sheet["A2"].value  # the instruction row
    # ID, phone and card columns are text, so Excel keeps all digits.
    for field in ("id_number", "phone", "bank_card"):
        letter = chr(ord("A") + ROSTER_FIELDS.index(field))
        assert sheet.column_dimensions[letter].number_format == "@"
    assert workbook["代码表"].sheet_state == "hidden"
    # 户口性质, 民族, 文化程度, 人员类别, 证明材料类型, 就业状态
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert len(lists) == 6 and all(f.startswith("'代码表'!$") for f in lists)


def test_empty_template_reads_as_a_roster_without_rows(codes) -> None:
    parsed = read_roster(shipped_template_path(), codes, today=TODAY)
    assert parsed.header_row == 3
    assert set(parsed.columns) == set(ROSTER_FIELDS)
    assert (parsed.data_rows, parsed.rows, parsed.problems) == (0, [], [])


def test_every_drop_down_label_is_accepted(tmp_path: Path, codes) -> None:
    """A clerk who picks from the lists never gets a code error."""
    path = tmp_path / "filled.xlsx"
    build_template(codes, path)
    workbook = load_workbook(path)
    sheet = workbook["花名册"]
    options = drop_down_values(codes)
    column = {f: i for i, f in enumerate(ROSTER_FIELDS)}
    longest = max(len(v) for f, v in options.items() if f != "target_group")
    filled = []
    for n in range(longest):
        row = [""] * len(ROSTER_FIELDS)
        row[column["name"]], row[column["id_number"]] = "王芳", make_id(n)
        for field, labels in options.items():
            if field != "target_group":
                row[column[field]] = labels[n % len(labels)]
        filled.append(row)
    for n, group in enumerate(codes["target_group"], start=longest):
        row = [""] * len(ROSTER_FIELDS)
        row[column["name"]], row[column["id_number"]] = "李雷", make_id(n)
        row[column["target_group"]] = group.label
        row[column["evidence_type"]] = next(iter(group.extra.get("evidence", ())), "")
        filled.append(row)
    for row in filled:
        sheet.append(row)
    workbook.save(path)
    parsed = read_roster(path, codes, today=TODAY)
    assert parsed.problems == []
    assert len(parsed.rows) == len(filled)
