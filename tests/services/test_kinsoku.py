"""Chinese line breaking (禁则) as a pure function, and the template check that keeps text off
seal, photo and QR boxes."""

from __future__ import annotations

import pytest

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.printing import load_template, shipped_template
from jiangxin_desktop.services.printing.kinsoku import CLOSING, OPENING, break_lines, tokens
from jiangxin_desktop.services.printing.layout import fitting_size, wrap


def one_per_char(s: str) -> float:
    """Every character one unit wide: line widths are character counts."""
    return float(len(s))


BODY = (
    "　　李玥，性别女，身份证号 320706199803150021，于2026年9月14日至2026年9月25日参加海州区示例"
    "职业技能培训中心承办的康养服务技能培训“养老护理员（五级/初级工）”培训，共40课时，经考核合格，"
    "特发此证。证书编号 320706001-2026-000001，发证日期二〇二六年十二月三日。"
)
UNBREAKABLE = (
    "320706199803150021",
    "2026年9月14日",
    "2026年9月25日",
    "320706001-2026-000001",
    "二〇二六年十二月三日",
    "40课时",
)


def test_tokens_keep_dates_numbers_and_punctuation_together():
    parts = tokens(BODY)
    assert "".join(parts) == BODY
    for whole in UNBREAKABLE:
        assert any(whole in p for p in parts), whole
    assert tokens("2026-12-03") == ["2026-12-03"]
    assert "（五" in parts and "工）”" in parts and "“养" in parts  # opening → next, closing → previous


@pytest.mark.parametrize("width", range(6, 40))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(width):
    lines = break_lines(BODY, one_per_char, width)
    assert "".join(lines).replace(" ", "") == BODY.replace(" ", "")
    for line in lines:
        assert line and line[0] not in CLOSING, (width, line)
        assert line[-1] not in OPENING, (width, line)
        assert len(line) <= width or any(u in line for u in UNBREAKABLE), (width, line)
    text = "".join(lines)
    for whole in UNBREAKABLE:  # every date and number is on one line
        if whole in text:
            assert any(whole in line for line in lines), (width, whole)


def test_a_token_wider_than_the_line_stays_whole_and_the_text_shrinks():
    assert break_lines("证书号 320706001-2026-000001", one_per_char, 10) == ["证书号", "320706001-2026-000001"]
    # the roster's 证书号 column: the number prints smaller instead of being split
    width = 20 * 72 / 25.4 - 2 * 1.2 * 72 / 25.4  # 20 mm column, 1.2 mm padding
    size = fitting_size("320706001-2026-000001", "wqy-microhei", 9, width)
    assert size < 9
    assert wrap("320706001-2026-000001", "wqy-microhei", size, width) == ["320706001-2026-000001"]


def test_engine_wrap_breaks_before_an_opening_bracket_not_after_it():
    text = "参加康养服务技能培训“养老护理员（五级/初级工）”培训"
    for width in range(40, 200, 3):
        lines = wrap(text, "uming", 12, width)
        assert all(line[-1] not in OPENING for line in lines if line), lines
        assert all(line[0] not in CLOSING for line in lines if line), lines


SEAL = """
[page]
size = "A4"
orientation = "landscape"

[fonts]
body = "uming"

[[box]]
x = 204
y = 128
width = 46
height = 46
dash = true
label = "发证机构（盖章）"

[[text]]
name = "station"
text = "{station}"
x = 172
width = 110
y = 150
size = 14
align = "center"
label = "发证机构"
"""


def test_a_template_whose_text_crosses_its_seal_box_is_refused_naming_both(tmp_path):
    path = tmp_path / "seal.toml"
    path.write_text(SEAL, encoding="utf-8")
    with pytest.raises(KnownError) as caught:
        load_template(path)
    message = str(caught.value)
    assert "[[text]] 第 1 项" in message and "发证机构" in message
    assert "[[box]] 第 1 项" in message and "盖章" in message and "重叠" in message
    path.write_text(SEAL.replace("y = 150", "y = 180"), encoding="utf-8")
    assert load_template(path).texts  # below the seal box: accepted


def test_a_text_over_the_photo_area_is_refused(tmp_path):
    path = tmp_path / "photo.toml"
    path.write_text(
        SEAL.replace("y = 150", "y = 180")
        + '\n[[custom]]\nname = "photo"\nx = 40\ny = 60\nwidth = 25\nheight = 35\n'
        + '\n[[text]]\ntext = "{body}"\nx = 50\nwidth = 150\ny = 70\nheight = 30\n',
        encoding="utf-8",
    )
    with pytest.raises(KnownError, match=r"\[\[custom\]\] 第 1 项.*照片"):
        load_template(path)


@pytest.mark.parametrize("name", ["certificate", "roster", "signin"])
def test_the_shipped_templates_pass_the_check(name):
    load_template(shipped_template(name))


def test_a_paragraph_never_ends_in_one_lone_character():
    """花名册's 人员类别 cell printed 农村转移劳动 / 力: the line before gives the last one a token."""
    assert break_lines("农村转移劳动力", one_per_char, 6) == ["农村转移劳", "动力"]
    assert break_lines("农村转移劳动力。", one_per_char, 6) == ["农村转移劳", "动力。"]  # 力。 is still alone
    assert break_lines("离校未就业高校毕业生", one_per_char, 6) == ["离校未就业高", "校毕业生"]  # nothing to mend
    assert break_lines("证书号 320706001-2026-000001", one_per_char, 10) == ["证书号", "320706001-2026-000001"]
    assert break_lines("甲乙 丙", one_per_char, 2) == ["甲乙", "丙"]  # a space before it: a word of its own


def test_the_mended_last_line_still_fits():
    def wide(token: str) -> float:
        return 3.0 * len(token) if token.isdigit() or token == "力" else float(len(token))

    # 甲乙12345 fills 17; moving 12345 (15) down beside 力 (3) would make 18 > 17: 力 stays alone
    assert break_lines("甲乙12345力", wide, 17) == ["甲乙12345", "力"]
    assert break_lines("甲乙12345力", wide, 18) == ["甲乙", "12345力"]  # 18 fits: mended
