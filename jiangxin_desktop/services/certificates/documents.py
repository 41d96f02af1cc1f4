"""Certificates (证书) printed through ``forms/certificate.toml``: one page per certificate.

:class:`CertificatePrinting` takes the pages from ``CertificateService.pages`` (which enforces
who may print and refuses a revoked certificate); each becomes a template context
(:func:`certificate_context`) and its signed payload is drawn as a vector QR code in the template's ``[[custom]] name = "qr"`` area.
A print is audited (``print.certificates``) with the class, the count and the certificate
numbers, never names or ID numbers. A cancelled print (``progress`` raising) leaves neither a
file nor an audit event.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.certificates.pages import CertificatePage
from jiangxin_desktop.services.certificates.qr import draw_qr
from jiangxin_desktop.services.printing import DrawArea, Drawer, render_document
from jiangxin_desktop.services.printing import load_template, shipped_template
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit

if TYPE_CHECKING:
    from jiangxin_desktop.services.certificates.issuing import CertificateService
    from jiangxin_desktop.services.training import ClassService

REISSUE_MARK = "补发"
QR_PAYLOAD = "_qr_payload"  # the context key the ``qr`` drawer reads (not a printable field)
QR_PREFIX = "_qr_prefix"  # bytes before the payload: the verification address
PHOTO = "_photo"  # the context key the ``photo`` drawer reads: JPEG/PNG bytes or None
_DIGITS = "〇一二三四五六七八九"

# What each field is called when a font cannot draw one of its characters.
FIELD_LABELS = {
    "name": "姓名",
    "sex": "性别",
    "id_number": "身份证号",
    "certificate_type": "证书类型",
    "project": "培训项目",
    "course": "职业（工种）和等级",
    "occupation_name": "职业（工种）",
    "level": "等级",
    "institution": "承训机构",
    "station": "经办服务站",
    "issuer": "发证机构",
    "issuer_filing": "备案编号",
    "class_name": "培训班名称",
}


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _number_cn(n: int) -> str:
    """1–31 as a certificate writes it: 一, 十, 十二, 二十, 二十一."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """``2026-12-20`` → 二〇二六年十二月二十日 (the issue date of a formal certificate)."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_number_cn(d.month)}月{_number_cn(d.day)}日"


def conclusion(page: CertificatePage) -> str:
    """The body's last sentence: an evaluation body certifies a level, an institution a course."""
    if page.issuer_filing_number:
        return "经职业技能等级认定合格，特发此证。"
    if "结业" in page.certificate_type:
        return "准予结业，特发此证。"
    return "经考核合格，特发此证。"


def certificate_context(page: CertificatePage) -> dict[str, Any]:
    """The fields ``forms/certificate.toml`` can use (forms/README.md lists them)."""
    course = f"{page.occupation_name}（{page.level}）" if page.level else page.occupation_name
    filing = page.issuer_filing_number
    return {
        "_subject": f"学员 {page.name}",
        "_labels": FIELD_LABELS,
        QR_PAYLOAD: page.qr_payload,
        QR_PREFIX: page.qr_prefix,
        PHOTO: page.photo,
        "number": page.number,
        "certificate_type": page.certificate_type,
        "name": page.name,
        "sex": page.sex,
        "id_number": page.id_number or page.masked_id,
        "masked_id": page.masked_id,
        "issuer": page.issuer_name or page.institution_name,
        "issuer_filing": f"（社会培训评价组织　备案编号：{filing}）" if filing else "",
        "conclusion": conclusion(page),
        "project": page.project_name,
        "occupation_code": page.occupation_code,
        "occupation_name": page.occupation_name,
        "level": page.level,
        "course": course,
        "class_code": page.class_code,
        "class_name": page.class_name,
        "start_date": _day(page.start_date),
        "end_date": _day(page.end_date),
        "hours": page.class_hours,
        "institution": page.institution_name,
        "station": page.station_name,
        "station_code": page.station_code,
        "issue_date": _day(page.issue_date),
        "issue_date_cn": chinese_date(page.issue_date),
        "reissue_mark": REISSUE_MARK if page.reissued else "",
        "reissue_note": f"补发日期：{_day(page.reissued_on)}" if page.reissued and page.reissued_on else "",
    }


def certificate_contexts(pages: Sequence[CertificatePage]) -> list[dict[str, Any]]:
    return [certificate_context(p) for p in pages]


def draw_photo_area(canvas: Canvas, area: DrawArea, context: Mapping[str, Any]) -> None:
    """The ``photo`` drawer: the trainee's photo filling the 一寸 box. Without a photo it draws
    nothing: the template's dashed box labelled 照片 (drawn once for all pages) stays empty for
    a paper photo."""
    photo = context.get(PHOTO)
    if not photo:
        return
    canvas.setFillColorRGB(1, 1, 1)  # the photo covers the box's label
    canvas.rect(area.left, area.bottom, area.width, area.height, stroke=0, fill=1)
    image = ImageReader(io.BytesIO(photo))
    left, bottom, width, height = area.left, area.bottom, area.width, area.height
    canvas.drawImage(image, left, bottom, width, height, preserveAspectRatio=True, anchor="c")
    canvas.setLineWidth(0.5)
    canvas.rect(area.left, area.bottom, area.width, area.height, stroke=1, fill=0)


def draw_qr_area(canvas: Canvas, area: DrawArea, context: Mapping[str, Any]) -> None:
    """The ``qr`` drawer: the payload's QR code, the largest square centred in the area."""
    side = min(area.width, area.height)
    left = area.left + (area.width - side) / 2
    bottom = area.bottom + (area.height - side) / 2
    prefix = context.get(QR_PREFIX, b"")
    draw_qr(canvas, context[QR_PAYLOAD], left / mm, bottom / mm, side / mm, prefix=prefix)


DRAWERS: dict[str, Drawer] = {"qr": draw_qr_area, "photo": draw_photo_area}


def _wanted(numbers: Sequence[str] | None) -> list[str] | None:
    if numbers is None:
        return None
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise KnownError("没有选择要打印的证书。请选择一份或多份证书后再打印。")
    return wanted


class CertificatePrinting:
    """Prints a class's certificates for the acting user (clerk or administrator) and audits it."""

    def __init__(
        self, db: Database, acting: Acting, classes: ClassService, certificates: CertificateService
    ) -> None:
        self.db = db
        self.acting = acting
        self.classes = classes
        self.certificates = certificates

    def print(
        self,
        class_code: str,
        out: Path,
        *,
        numbers: Sequence[str] | None = None,
        template: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict:
        """Print the class's valid certificates (or only ``numbers``) into one PDF, a page each.

        Returns ``{"file", "pages", "certificates", "class", "reissued"}``. ``progress(done, total)``
        is called after each page and may raise to cancel: then nothing is written or audited."""
        user = self.acting.require("clerk", "admin", action="打印证书")
        klass = self.classes.get(class_code)
        wanted = _wanted(numbers)
        pages = self.certificates.pages(klass.code, wanted)
        if not pages:
            if self.certificates.list(klass.code):
                raise KnownError(f"培训班 {klass.code} 的证书都已撤销，没有可打印的证书。")
            raise KnownError(
                f"培训班 {klass.code} 还没有发放证书。请先发证（已结业的班，为考核合格的学员发放证书），再打印。"
            )
        t = load_template(template or shipped_template("certificate"))
        title = f"{klass.name} 证书" if wanted is None else f"{klass.name} 证书（{len(pages)} 份）"
        result = render_document(
            t, certificate_contexts(pages), out, drawers=DRAWERS, title=title, progress=progress
        )
        reissued = sum(1 for p in pages if p.reissued)
        with self.db.write() as session:
            audit(
                session,
                actor=user.username,
                action="print.certificates",
                object_type="training_class",
                object_id=klass.uuid,
                after={
                    "class": klass.code,
                    "certificates": len(pages),
                    "reissued": reissued,
                    "pages": result.pages,
                    "numbers": [p.number for p in pages],
                    "template": t.name,
                },
            )
        return {
            "file": str(result.file),
            "pages": result.pages,
            "certificates": len(pages),
            "class": klass.code,
            "reissued": reissued,
        }
