"""The template engine on its own: real templates, real PDFs read back (tests/pdf_tools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.units import mm

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.printing import DrawArea, load_template, render_document
from jiangxin_desktop.services.printing.layout import wrap
from tests.pdf_tools import pdf_fonts, pdf_image_count, pdf_pages

CERTIFICATE = """
[template]
name = "合格证书（测试）"

[page]
size = "A5"
orientation = "landscape"
margins = { top = 10, right = 10, bottom = 10, left = 10 }

[fonts]
body = "wqy-microhei"
certificate = "uming"

[[text]]
text = "培训合格证书"
y = 14
size = 22
font = "certificate"
align = "center"

[[text]]
text = "{trainee.name} 同志："
label = "姓名"
x = 20
y = 40
size = 16
font = "certificate"

[[text]]
text = "身份证号：{trainee.id}"
x = 20
y = 55
size = 11

[[box]]
x = 150
y = 95
width = 40
height = 40
dash = true
label = "（盖章）"
label_align = "center"

[[custom]]
name = "qr"
x = 20
y = 100
width = 30
height = 30
"""

SHEET = """
[page]
size = "A4"
orientation = "portrait"
margins = { top = 12, right = 12, bottom = 14, left = 12 }

[fonts]
body = "wqy-microhei"

[[text]]
text = "测试名册"
y = 12
size = 16
align = "center"
pages = "first"

[[text]]
text = "名册（续）"
y = 10
pages = "rest"

[[text]]
text = "第 {page} 页 共 {pages} 页"
y = 287
size = 9
align = "center"

[[text]]
text = "经办人签字"
x = 12
y = 270
pages = "last"

[table]
rows = "rows"
y = 25
y_continued = 18
bottom = 280
bottom_last = 262

[[table.columns]]
title = "序号"
value = "{no}"
width = 15

[[table.columns]]
title = "姓名"
value = "{name}"
width = 40

[[table.columns]]
title = "身份证号"
value = "{id}"
width = 60
"""


def write(tmp_path: Path, text: str, name: str = "t.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def people(names: list[str]) -> list[dict]:
    return [
        {"no": i, "name": n, "id": f"320706********{i:04d}", "_subject": f"学员 {n}"}
        for i, n in enumerate(names, start=1)
    ]


def test_certificate_pages_embed_both_fonts_and_call_the_drawer(tmp_path):
    template = load_template(write(tmp_path, CERTIFICATE))
    seen: list[tuple[DrawArea, str]] = []

    def qr(canvas, area: DrawArea, context) -> None:
        seen.append((area, context["trainee"]["name"]))
        canvas.rect(area.left, area.bottom, area.width, area.height, fill=1)

    contexts = [
        {"trainee": {"name": "李玥", "id": "320706********0021"}},
        {"trainee": {"name": "刘䶮", "id": "320706********0013"}},  # UMing has 䶮
    ]
    result = render_document(template, contexts, tmp_path / "证书.pdf", drawers={"qr": qr})
    assert (result.pages, result.sheets, result.rows) == (2, 2, 0)
    pages = pdf_pages(result.file)
    assert "李玥" in pages[0] and "刘䶮" in pages[1] and "320706********0013" in pages[1]
    assert "（盖章）" in pages[0]
    fonts = pdf_fonts(result.file)
    # reportlab splits a subset every 256 glyphs: AAAAAA+UMingCN-0, AAAAAB+UMingCN-0, …
    assert {f["name"].split("+")[1].rsplit("-", 1)[0] for f in fonts} == {"UMingCN", "WenQuanYiMicroHei"}
    assert all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes" for f in fonts)
    assert [name for _, name in seen] == ["李玥", "刘䶮"]
    area = seen[0][0]
    assert area.left == pytest.approx(20 * mm) and area.width == pytest.approx(30 * mm)
    assert area.bottom == pytest.approx((148 - 130) * mm)  # A5 landscape is 148 mm high


def test_a_character_beyond_the_basic_plane_prints_and_reads_back(tmp_path):
    """𠇔 (U+201D4) is in UMing: drawn, and copy and search (the ToUnicode map) find 𠇔, not "”"."""
    template = load_template(write(tmp_path, CERTIFICATE))
    context = {"trainee": {"name": "王𠇔", "id": "320706********0013"}}
    result = render_document(template, [context], tmp_path / "c.pdf", drawers={"qr": lambda *_: None})
    assert "王𠇔" in pdf_pages(result.file)[0]


def test_an_image_prints_and_an_optional_absent_one_is_left_out(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), (200, 30, 30)).save(tmp_path / "logo.png")
    image = '\n[[image]]\nfile = "{}"\nx = 10\ny = 10\nwidth = 20\nheight = 10\noptional = true\n'
    with_logo = write(tmp_path, SHEET + image.format("logo.png"), "with.toml")
    without = write(tmp_path, SHEET + image.format("absent.png"), "without.toml")
    rows = {"rows": people(["李玥"])}
    assert pdf_image_count(render_document(load_template(with_logo), [rows], tmp_path / "a.pdf").file) == 1
    assert pdf_image_count(render_document(load_template(without), [rows], tmp_path / "b.pdf").file) == 0
    with pytest.raises(KnownError, match="absent.png 不存在"):
        load_template(
            write(tmp_path, SHEET + image.format("absent.png").replace("optional = true", ""), "x.toml")
        )


def test_table_continues_with_header_page_numbers_and_room_for_signatures(tmp_path):
    template = load_template(write(tmp_path, SHEET))
    names = [f"学员{i:03d}" for i in range(1, 71)] + ["李玥"]
    result = render_document(template, [{"rows": people(names)}], tmp_path / "名册.pdf")
    pages = pdf_pages(result.file)
    assert result.pages == len(pages) >= 3 and result.rows == 71
    for n, text in enumerate(pages, start=1):
        assert "身份证号" in text  # the header repeats
        assert f"第{n}页共{len(pages)}页" in "".join(text.split())  # text extraction drops narrow spaces
        assert ("测试名册" in text) == (n == 1) and ("名册（续）" in text) == (n > 1)
        assert ("经办人签字" in text) == (n == len(pages))
    counts = [text.count("320706*") for text in pages]
    assert min(counts[:-1]) >= 30 and counts[-1] >= 1  # full pages; the signatures follow rows
    printed = "".join(pages)
    assert all(name in printed for name in names)  # every row, none lost between pages
    assert printed.index("学员070") < printed.index("李玥")


def test_a_missing_glyph_refuses_before_anything_is_written(tmp_path):
    template = load_template(write(tmp_path, SHEET))
    out = tmp_path / "out" / "名册.pdf"
    with pytest.raises(KnownError) as caught:
        render_document(template, [{"rows": people(["李玥", "刘䶮", "王𠇔"])}], out)
    message = caught.value.message
    assert "学员 刘䶮 的姓名中的“䶮”在字体“文泉驿微米黑”中没有字形" in message
    assert "学员 王𠇔 的姓名中的“𠇔”在字体“文泉驿微米黑”中没有字形" in message
    assert "文鼎明体" in message  # which shipped font has them
    assert not out.exists() and not out.parent.exists()

    out.parent.mkdir()
    out.write_bytes(b"an earlier roster")
    with pytest.raises(KnownError):
        render_document(template, [{"rows": people(["刘䶮"])}], out)
    assert out.read_bytes() == b"an earlier roster"  # not truncated or replaced
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_a_template_edit_changes_the_pdf_without_code(tmp_path):
    original = write(tmp_path, SHEET)
    edited = write(tmp_path, SHEET.replace('"测试名册"', '"学员签名册（修改后）"'), "copy.toml")
    rows = {"rows": people(["李玥"])}
    before = pdf_pages(render_document(load_template(original), [rows], tmp_path / "a.pdf").file)
    after = pdf_pages(render_document(load_template(edited), [rows], tmp_path / "b.pdf").file)
    assert "测试名册" in before[0] and "学员签名册（修改后）" not in before[0]
    assert "学员签名册（修改后）" in after[0] and "测试名册" not in after[0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("size = 16\n", 'size = "大"\n', "“size”应是数字"),
        ("size = 16\n", "sise = 16\n", "“sise”不是可用的项"),
        (
            'y = 12\nsize = 16\nalign = "center"\npages = "first"',
            'y = 12\nfont = "title"',
            "[fonts] 中没有它",
        ),
        ('body = "wqy-microhei"', 'body = "SimSun"', "“body”不是程序带的字体"),
        ('"测试名册"', '"测试名册', "第 11 行"),
        ('"{no}"', '"{no"', "没有配对"),
        ("width = 60", "width = 160", "超出了右边距"),
        ('"测试名册"', '"测试䶮"', "“䶮”在字体“文泉驿微米黑”中没有字形"),
        ('pages = "last"', 'pages = "end"', "“pages”应是 all、first、rest、last 之一"),
        ("bottom_last = 262", "bottom_last = 30", "放不下表头和一行"),
    ],
)
def test_a_bad_template_names_the_file_and_the_key(tmp_path, old, new, expected):
    assert old in SHEET
    path = write(tmp_path, SHEET.replace(old, new, 1), "坏模板.toml")
    with pytest.raises(KnownError) as caught:
        load_template(path)
    assert "坏模板.toml" in caught.value.message and expected in caught.value.message


def test_a_bad_key_in_an_element_says_which_element(tmp_path):
    path = write(tmp_path, SHEET.replace("x = 12\ny = 270", "x = 12\ny = 900"), "坏模板.toml")
    with pytest.raises(KnownError) as caught:
        load_template(path)
    assert "[[text]] 第 4 项 的“y”应在 0 到 297 之间" in caught.value.message


def test_an_unknown_field_or_drawer_is_a_template_error_and_writes_nothing(tmp_path):
    template = load_template(write(tmp_path, CERTIFICATE.replace("{trainee.name}", "{trainee.nmae}")))
    out = tmp_path / "证书.pdf"
    with pytest.raises(KnownError) as caught:
        render_document(template, [{"trainee": {"name": "李玥", "id": ""}}], out, drawers={"qr": print})
    assert "{trainee.nmae}" in caught.value.message and "{trainee.name}" in caught.value.message
    template = load_template(write(tmp_path, CERTIFICATE))
    with pytest.raises(KnownError) as caught:
        render_document(template, [{"trainee": {"name": "李玥", "id": ""}}], out)
    assert "“qr”" in caught.value.message
    assert not out.exists()


def test_wrap_keeps_numbers_whole_and_punctuation_off_the_line_start():
    width = 60  # points
    lines = wrap("离校未就业高校毕业生，失业人员", "wqy-microhei", 9, width)
    assert all(not line.startswith(("，", "。", "）")) for line in lines)
    assert "".join(lines) == "离校未就业高校毕业生，失业人员"
    assert wrap("编号 320706199803150021", "wqy-microhei", 9, 100)[-1] == "320706199803150021"
    assert "".join(wrap("320706199803150021", "wqy-microhei", 9, 40)) == "320706199803150021"


def test_letter_spacing_widens_lines_and_wrapping_counts_it():
    from jiangxin_desktop.services.printing import fonts

    text = "培训合格证书培训合格证书"
    plain = fonts.string_width("uming", text, 20)
    assert wrap(text, "uming", 20, plain + 1) == [text]
    spaced = wrap(text, "uming", 20, plain + 1, spacing=10)  # 11 gaps of 10 pt do not fit
    assert len(spaced) == 2 and "".join(spaced) == text
    assert wrap(text, "uming", 20, plain + 110 + 1, spacing=10) == [text]  # the last gap is not drawn


def test_fixed_elements_are_one_shared_form_and_empty_texts_print_nothing(tmp_path):
    spaced = CERTIFICATE.replace('text = "培训合格证书"', 'text = "培训合格证书"\nletter_spacing = 8')
    spaced += '\n[[text]]\ntext = "{mark}"\nx = 150\ny = 20\nsize = 14\n'
    template = load_template(write(tmp_path, spaced))
    contexts = [
        {"trainee": {"name": f"学员{i}", "id": "320706********0021"}, "mark": "补发" if i == 2 else ""}
        for i in range(3)
    ]
    result = render_document(template, contexts, tmp_path / "c.pdf", drawers={"qr": lambda *_: None})
    pages = pdf_pages(result.file)
    assert len(pages) == 3 and all("（盖章）" in p for p in pages)
    assert ["补发" in p for p in pages] == [False, False, True]
    data = result.file.read_bytes()
    assert data.count(b"/Subtype /Form") == 2  # the seal box and the fixed title, once for all pages
