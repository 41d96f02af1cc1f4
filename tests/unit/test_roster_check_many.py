"""RowChecker.check_many (a column at a time) gives what RowChecker.check gives row by row."""

from __future__ import annotations

import random
from datetime import date

import pytest

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.services.exchange.roster_fields import ROSTER_FIELDS, RowChecker

TODAY = date(2025, 6, 1)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(body: str) -> str:
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


MAN, WOMAN = _id("32070619850312901"), _id("32070619900101002")  # 17th digit odd: 男; even: 女
# Cells people put in each column: the usual, and what needs normalising or is wrong.
CELLS: dict[str, list[object]] = {
    "name": ["张三", "欧阳娜娜", " 张三", "张　三", "张", "=张三", "Zhang San", "", "  ", 3.0, "张3", "〇一"],
    "id_number": [
        MAN,
        WOMAN,
        MAN.lower(),
        " " + WOMAN,
        MAN[:17] + "0",
        3.20706e17,
        "",
        "3207061985031290",
        _id("32070620300101001"),
        _id("99070619850312901"),
        "３２０７０６１９８５０３１２９００７",
    ],
    "sex": ["男", "女", "男性", "", "-", "x", 1.0, " 男", "女 "],
    "phone": [
        "13812345678",
        "138 1234 5678",
        "",
        "-",
        "12345",
        13812345678.0,
        "+8613812345678",
        "１３８１２３４５６７８",
    ],
    "bank_card": [
        "6214830512345678909",
        "6214830512345678900",
        "",
        "/",
        6.2148305e18,
        "6214 8305 1234 5678 903",
    ],
    "employer": [
        "连云港某某有限公司",
        "",
        "=cmd|' /C calc'!A0",
        "a  b",
        " x",
        "ＡＢＣ公司",
        "x" * 201,
        "—",
        "-",
        5,
    ],
    "hukou": ["农业户口", "农业", "1", "", "-", 1.0, " 非农业 ", "火星"],
    "ethnicity": ["汉族", "汉", "01", 1, "", "火星族", "回 族"],
    "education": ["初中", "本科", "大专", "", "博士后"],
    "target_group": ["农村转移劳动力", "失业人员", "企业职工", "11", "", "贫困户", "离校未就业"],
    "evidence_type": ["户口簿", "就业创业证", "劳动合同", "毕业证", "", "户口薄", "毕业证 ", "学生证"],
    "evidence_number": ["ZM12345678", "", "x" * 61, "=1", "No. 5", "ＺＭ１"],
    "employment_status": ["未就业", "已就业", "创业", "", "退休"],
    "address": ["连云港市海州区新浦路1号", "", "x" * 201, "  路 ", "+86"],
    "note": ["", "备注", "@me", "\t"],
}
COLUMNS = ["seq", *ROSTER_FIELDS[:2], "sex", *ROSTER_FIELDS[2:]]


@pytest.fixture(scope="module")
def checker() -> RowChecker:
    return RowChecker(parse_code_catalog(read_shipped_codes()), {f: i for i, f in enumerate(COLUMNS)}, TODAY)


def _rows(seed: int, count: int, usual: float) -> list[list[object]]:
    """Rows of cells: each cell the usual one (first of its list) with probability ``usual``."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        row: list[object] = [n]
        for name in COLUMNS[1:]:
            cells = CELLS[name]
            row.append(cells[0] if rng.random() < usual else rng.choice(cells))
        if rng.random() < 0.05:
            row = row[: rng.randrange(2, len(row))]  # a short row: the cells after it are empty
        rows.append(row)
    return rows


@pytest.mark.parametrize(("seed", "usual"), [(1, 0.0), (2, 0.9), (3, 0.99), (4, 0.5)])
def test_check_many_is_check_row_by_row(checker: RowChecker, seed: int, usual: float) -> None:
    rows = _rows(seed, 1500, usual)
    values, checked = checker.check_many(rows)
    assert len(values) == len(rows)
    for i, row in enumerate(rows):
        one = checker.check(row)
        assert values[i] == one.values, (i, row)
        if i in checked:
            assert (checked[i].errors, checked[i].warnings) == (one.errors, one.warnings), (i, row)
        else:
            assert not one.errors and not one.warnings, (i, row)
    if usual == 0.99:  # 85% of these rows are all usual cells: they go the column-at-a-time way
        assert len(checked) < len(rows) / 4


def test_check_many_of_no_rows(checker: RowChecker) -> None:
    assert checker.check_many([]) == ([], {})
