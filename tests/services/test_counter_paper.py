"""Paper that passes at the counter: the 花名册 and the certificate as printed from a demo
database, read back with pypdf (text) and pypdfium2 (pixels)."""

from __future__ import annotations

import re

import pypdf
import pytest
from openpyxl import load_workbook

from jiangxin_desktop.errors import KnownError
from tests.services.test_certificate_documents import demo_db, open_as  # noqa: F401 (fixtures)


def page_texts(pdf) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(str(pdf)).pages]


def test_roster_numbers_are_whole_and_the_last_page_adds_up(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("reviewer")  # full ID numbers
    out = tmp_path / "花名册.pdf"
    result = ctx.class_documents().print_roster(codes[0], out)
    pages = page_texts(out)
    assert len(pages) == result["pages"] >= 2
    text = "\n".join(pages)
    valid = [n for n in numbers["all"] if n != numbers["revoked"]]
    for number in valid:  # on one line: never 320706001-\n2026-00000\n1
        assert number in text, number
    klass = ctx.classes.get(codes[0])
    ids = {p.id_number for p in (ctx.registry.get(e.trainee_uuid) for e in ctx.enrollments.list(klass.uuid))}
    assert len(ids) > 10
    for id_number in ids:
        assert id_number in text, id_number
    for n, page in enumerate(pages, start=1):
        assert re.search(rf"第\s*{n}\s*页\s*共\s*{len(pages)}\s*页", page), page[-200:]
    results = ctx.attendance.assessments(klass.uuid)
    passed = sum(1 for r in results.values() if r.result == "pass")
    last = "".join(pages[-1].split())
    assert f"合计：人数{len(ids)}人" in last and f"合格人数{passed}人" in last
    assert f"课时{klass.class_hours}" in last
    assert all("合计" not in p for p in pages[:-1])


def test_the_excel_roster_ends_with_a_total_row_and_wide_number_columns(open_as, tmp_path):
    login, codes, _ = open_as
    ctx = login("clerk")
    out = tmp_path / "花名册.xlsx"
    result = ctx.class_exports().export_roster(codes[0], out)
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    last = next(row for row in reversed(values) if any(v is not None for v in row))
    assert last[0] == "合计" and f"人数 {result['rows']} 人" in last[1] and "合格人数" in last[1]
    header = next(i for i, row in enumerate(values) if row[0] == "序号")
    column = values[header].index("证书号") + 1
    from openpyxl.utils import get_column_letter

    assert sheet.column_dimensions[get_column_letter(column)].width >= len("320706001-2026-000001")


def test_the_certificate_prints_the_full_id_and_an_empty_photo_box(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("clerk")
    out = tmp_path / "证书.pdf"
    ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"]])
    (page,) = page_texts(out)
    flat = "".join(page.split())
    assert "320706199803150021" in flat and "********" not in flat
    assert "照片" in flat and "（一寸）" in flat
    for date in re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", flat):
        assert date in page  # no date broken over two lines


def test_a_skill_level_certificate_names_the_catalog_s_evaluation_body(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("clerk")
    klass = ctx.classes.get(codes[0])
    body = ctx.catalogs.active().evaluation_body(klass.occupation_code)
    assert body is not None and body.filing_number  # the demo follows the rule
    record = ctx.certificates.get(numbers["rare"])
    assert record.certificate_type_label == "职业技能等级证书"
    assert (record.issuer_name, record.issuer_filing_number) == (body.name, body.filing_number)
    out = tmp_path / "证书.pdf"
    ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"]])
    flat = "".join(page_texts(out)[0].split())
    assert "职业技能等级证书" in flat and body.name in flat and f"备案编号：{body.filing_number}" in flat


def test_without_an_evaluation_body_an_institution_issues_a_training_certificate():
    from jiangxin_desktop.domain.codes import parse_code_catalog
    from jiangxin_desktop.services.catalog.codes import read_shipped_codes
    from jiangxin_desktop.services.catalog.issuer import issuer_for
    from jiangxin_desktop.services.catalog.training import (
        parse_catalog,
        read_catalog_file,
        shipped_catalog_path,
    )

    codes = parse_code_catalog(read_shipped_codes())
    data, _ = read_catalog_file(shipped_catalog_path())
    catalog = parse_catalog(data, codes)
    body = catalog.evaluation_body("4-10-01-05")
    assert body is not None and "示例" in catalog.verify_base_url + catalog.version
    kept = issuer_for("1", "4-10-01-05", "养老护理员", catalog)
    assert (kept.certificate_type, kept.name, kept.note) == ("1", body.name, "")
    data["evaluation_bodies"] = []
    bare = issuer_for("1", "4-10-01-05", "养老护理员", parse_catalog(data, codes))
    assert bare.certificate_type == "3" and bare.name is None  # 培训合格证书 by the institution
    assert "养老护理员" in bare.note and "社会培训评价组织" in bare.note
    assert issuer_for("3", "4-03-02-02", "中式面点师", catalog).certificate_type == "3"
    data["evaluation_bodies"] = [{"code": "X", "name": "某评价组织", "filing_number": "", "occupations": ["9-99"]}]
    with pytest.raises(KnownError, match="社会培训评价组织 第 1 项"):
        parse_catalog(data, codes)


def decoded_qr_codes(pdf, scale: float = 4.0) -> list[str]:
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        found = []
        for page in document:
            image = page.render(scale=scale).to_pil()
            codes = zxingcpp.read_barcodes(image)
            found += [r.text for r in codes if r.format == zxingcpp.BarcodeFormat.QRCode]
        return found
    finally:
        document.close()


def test_the_printed_qr_code_is_a_verification_address_that_verifies(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("clerk")
    out = tmp_path / "证书.pdf"
    ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"]])
    (text,) = decoded_qr_codes(out)
    base = ctx.catalogs.active().verify_base_url
    payload = ctx.certificates.payload(numbers["rare"])
    assert base and text == f"{base}?c={payload}"  # a phone shows an address, not a code
    assert text == ctx.certificates.qr_content(numbers["rare"])
    for form in (text, payload, f"匠心培训证书 {numbers['rare']} 李*\n{payload}"):
        result = ctx.certificates.verify(form)
        assert result.valid and result.claims is not None and result.claims.number == numbers["rare"]


def test_without_a_verification_address_the_code_starts_with_a_chinese_line(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from jiangxin_desktop.services.certificates.qr import draw_qr, qr_prefix

    payload = "JX1:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 6
    pdf = tmp_path / "qr.pdf"
    canvas = Canvas(str(pdf), pagesize=(100 * 72 / 25.4, 100 * 72 / 25.4))
    draw_qr(canvas, payload, 20, 20, 40, prefix=qr_prefix("", "320706001-2026-000001", "李*"))
    canvas.save()
    (text,) = decoded_qr_codes(pdf, scale=6)
    assert text == f"匠心培训证书 320706001-2026-000001 李*\n{payload}"


def test_a_photo_on_file_with_consent_fills_the_photo_box(open_as, tmp_path):
    from dataclasses import replace

    from PIL import Image

    from jiangxin_desktop.services.registry.trainees import TraineeInput
    from jiangxin_desktop.services.registry.photos import TraineePhotos

    login, codes, numbers = open_as
    ctx = login("clerk")
    holder = ctx.registry.find_by_id_number("320706199803150021")
    assert holder is not None
    picture = tmp_path / "一寸.jpg"
    Image.new("RGB", (295, 413), (200, 30, 30)).save(picture, "JPEG")  # a red 一寸 photo
    photos = TraineePhotos(ctx.db, ctx.acting)
    fields = {f: getattr(holder, f) for f in TraineeInput.__dataclass_fields__ if hasattr(holder, f)}
    without = replace(TraineeInput(**fields), photo_consent=False)
    holder = ctx.registry.update(holder.uuid, without, expected_version=holder.version)
    with pytest.raises(KnownError, match="没有同意采集面部照片"):
        photos.set(holder.id_number, picture)
    (tmp_path / "x.jpg").write_bytes(b"not a photo")
    with pytest.raises(KnownError, match="不是 JPEG 或 PNG"):
        photos.set(holder.id_number, tmp_path / "x.jpg")
    holder = ctx.registry.update(
        holder.uuid, replace(without, photo_consent=True), expected_version=holder.version
    )
    info = photos.set(holder.id_number, picture)
    assert (info.width, info.height, info.mime) == (295, 413, "image/jpeg")
    (page,) = ctx.certificates.pages(codes[0], [numbers["rare"]])
    assert page.photo == picture.read_bytes()

    out = tmp_path / "证书.pdf"
    ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"]])
    import pypdfium2

    document = pypdfium2.PdfDocument(str(out))
    image = document[0].render(scale=4 * 25.4 / 72).to_pil().convert("RGB")  # 4 px a mm
    document.close()
    red, green, _ = image.getpixel((4 * (38 + 12), 4 * (68 + 17)))  # the photo box's middle
    assert red > 150 > green  # the photo, not the empty box's label

    assert photos.remove(holder.id_number) and not photos.remove(holder.id_number)
    ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"]])
    document = pypdfium2.PdfDocument(str(out))
    image = document[0].render(scale=4 * 25.4 / 72).to_pil().convert("RGB")
    document.close()
    assert image.getpixel((4 * (38 + 2), 4 * (68 + 2))) == (255, 255, 255)  # empty again


def test_a_class_cannot_plan_a_skill_level_certificate_without_an_evaluation_body(open_as):
    from jiangxin_desktop.errors import ValidationError
    from tests.services.classes_helpers import class_input

    login, _, _ = open_as
    ctx = login("clerk")
    catalog = ctx.catalogs.active()
    assert catalog.evaluation_body("4-10-01-03") is None  # 保育师: no body in the example catalog
    data = class_input(name="保育师（初级）第一期", occupation_code="4-10-01-03")
    with pytest.raises(ValidationError) as caught:
        ctx.classes.create(data)
    assert "社会培训评价组织" in str(caught.value) and "保育师" in str(caught.value)
    _, errors = ctx.classes.check(class_input(certificate_type="3", level=""), catalog)
    assert not [e for e in errors if "评价组织" in e.message]
