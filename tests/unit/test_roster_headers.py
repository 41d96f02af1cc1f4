"""Recognising roster headers: synonyms, decorations, title rows, two-row headers."""

from __future__ import annotations

import pytest

from jiangxin_desktop.services.exchange.roster_headers import find_header, match_header
from jiangxin_desktop.services.exchange.spreadsheet_safety import cell_text, safe_cell_text


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("姓名", "name"),
        ("学员姓名", "name"),
        ("姓　名", "name"),
        ("＊姓名", "name"),
        ("姓名*", "name"),
        ("公民身份号码", "id_number"),
        ("身份证号码\n(18位)*", "id_number"),
        ("身份证号码（18位）", "id_number"),
        ("身份证件号码", "id_number"),
        ("联系电话（手机）", "phone"),
        ("手机号", "phone"),
        ("户籍性质", "hukou"),
        ("学历", "education"),
        ("证明材料", "evidence_type"),
        ("证件编号", "evidence_number"),
        ("社保卡/银行账号", "bank_card"),
        ("银行账号", "bank_card"),
        ("住址", "address"),
        ("序号", "seq"),
        ("性别", "sex"),
        ("工作单位", "employer"),
        ("备 注", "note"),
        ("出生日期", None),
        ("", None),
        (3.0, None),
    ],
)
def test_match_header(text: object, field: str | None) -> None:
    assert match_header(text) == field


def test_header_below_title_rows() -> None:
    rows = [
        ["连云港市培训学员花名册", "", ""],
        ["填报单位：某某镇", "", ""],
        ["序号", "姓名", "身份证号"],
        [1.0, "张三", "320703198001011234"],
    ]
    layout = find_header(rows)
    assert layout is not None
    assert (layout.first_row, layout.data_start) == (2, 3)
    assert dict(layout.columns) == {"seq": 0, "name": 1, "id_number": 2}


def test_two_row_header_is_used_only_when_it_names_more() -> None:
    rows = [
        ["序号", "姓名", "身份证号", "证明材料", "", "备注"],
        ["", "", "", "类型", "编号", ""],
        [1.0, "张三", "320703198001011234", "户口簿", "A1", ""],
    ]
    layout = find_header(rows)
    assert layout is not None
    assert layout.data_start == 2
    assert layout.columns["evidence_type"] == 3 and layout.columns["evidence_number"] == 4
    assert layout.header[3:5] == ("证明材料类型", "证明材料编号")
    single = find_header([rows[0], rows[2]])
    assert single is not None and single.data_start == 1


def test_no_header() -> None:
    assert find_header([["张三", "13812345678"]]) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+86 138", "'+86 138"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("张三", "张三"),
        (13812345678.0, "13812345678"),
        (2.5, "2.5"),
        (-3.0, "'-3"),
        (None, ""),
    ],
)
def test_safe_cell_text(value: object, text: str) -> None:
    assert safe_cell_text(value) == text


def test_cell_text_keeps_a_mangled_number_visible() -> None:
    assert cell_text(3.20703198001011e17) == "3.20703198001011e+17"
