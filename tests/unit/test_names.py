"""姓名 normalisation and validation."""

from __future__ import annotations

import unicodedata

import pytest

from jiangxin_desktop.domain.checks import FieldCheck
from jiangxin_desktop.domain.names import check_name, is_cjk, normalize_name


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "张小明",
        "欧阳小明",
        "𠇔明",  # U+201D4, Extension B
        "刘䶮",  # U+4DAE, Extension A
        "王堃",
        "张喆",
        "𰻞明",  # U+30EDE, Extension G
        "阿依古丽·买买提",
        "爱新觉罗·溥仪",
        "王〇",
        "Mary Smith",
        "José García",
    ],
)
def test_valid_names(name: str) -> None:
    assert check_name(name) == FieldCheck(name, True)


def test_rare_characters_are_single_code_points() -> None:
    assert len("𠇔明") == 2 and is_cjk("𠇔") and is_cjk("䶮") and is_cjk("\U00030ede")
    assert not is_cjk("A") and not is_cjk("·") and not is_cjk("1")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张三  ", "张三"),
        ("张　三", "张三"),  # ideographic space used to pad two-character names
        ("张  三", "张三"),
        ("\t张三\n", "张三"),
        ("Mary    Jane   Smith", "Mary Jane Smith"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("阿依古丽\u30fb买买提", "阿依古丽·买买提"),  # katakana middle dot
        ("阿依古丽\uff65买买提", "阿依古丽·买买提"),  # half-width katakana middle dot
        ("阿依古丽\u2022买买提", "阿依古丽·买买提"),  # bullet
        ("阿依古丽\u2027买买提", "阿依古丽·买买提"),  # hyphenation point
        ("阿依古丽．买买提", "阿依古丽·买买提"),  # full-width full stop between CJK
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("Ｍａｒｙ", "Mary"),
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected
    assert check_name(raw) == FieldCheck(expected, True)


def test_nfc_applied() -> None:
    decomposed = unicodedata.normalize("NFD", "José Li")
    assert decomposed != "José Li"
    assert check_name(decomposed) == FieldCheck("José Li", True)


def test_compatibility_ideograph_is_folded_by_nfc() -> None:
    assert check_name("\uf900明").value == "\u8c48明"


@pytest.mark.parametrize("raw", ["", "   ", "\u3000"])
def test_required(raw: str) -> None:
    assert check_name(raw) == FieldCheck("", False, "请输入姓名")


def test_single_character_rejected() -> None:
    result = check_name("张")
    assert not result.ok
    assert "至少2个字" in (result.message or "")
    assert not check_name("𠇔").ok


def test_length_limit() -> None:
    assert check_name("张" * 30).ok
    result = check_name("张" * 31)
    assert not result.ok and "30" in (result.message or "")


@pytest.mark.parametrize(
    "raw",
    ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+张三", "-张三", "＝张三", " =张三"],
)
def test_formula_injection_rejected(raw: str) -> None:
    result = check_name(raw)
    assert not result.ok
    assert "公式" in (result.message or "")


@pytest.mark.parametrize("raw", ["张\u200b三", "张三\x00", "\u202e张三", "张\ufeff三", "张\u00ad三"])
def test_control_and_format_characters_rejected(raw: str) -> None:
    result = check_name(raw)
    assert not result.ok
    assert "不可见字符" in (result.message or "")


@pytest.mark.parametrize("raw", ["张三1", "张三１", "李4"])
def test_digits_rejected(raw: str) -> None:
    result = check_name(raw)
    assert not result.ok
    assert "数字" in (result.message or "")


@pytest.mark.parametrize(
    ("raw", "bad"), [("张三!", "!"), ("张三😀", "😀"), ("Jean-Pierre", "-"), ("J. Smith", ".")]
)
def test_other_characters_rejected_and_named(raw: str, bad: str) -> None:
    result = check_name(raw)
    assert not result.ok
    assert bad in (result.message or "")


@pytest.mark.parametrize("raw", ["·张三", "张三·", "阿依古丽·", "\u30fb买买提"])
def test_dot_at_edges_rejected(raw: str) -> None:
    result = check_name(raw)
    assert not result.ok
    assert "开头或结尾" in (result.message or "")


@pytest.mark.parametrize("raw", ["阿依古丽··买买提", "阿依古丽·\u30fb买买提", "阿依古丽 · · 买买提"])
def test_double_dot_rejected(raw: str) -> None:
    result = check_name(raw)
    assert not result.ok
    assert "连续" in (result.message or "")


def test_value_is_normalised_even_when_invalid() -> None:
    assert check_name("  张三1 ").value == "张三1"
