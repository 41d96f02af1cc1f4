"""What a printed certificate shows, page by page, with its signed QR payload.

The certificate template (the PDF engine) takes these pages as they are: every field is
text or a date, ``reissued`` says whether to print 补发, and ``qr_payload`` goes to
certificate_qr.draw_qr. The page is the holder's own document and prints the full ID number
(``id_number``); the QR payload and every list stay masked (``masked_id``). ``issuer_name``
is who the page names as issuer: the evaluation body (社会培训评价组织, with its 备案编号) of a
职业技能等级证书, else the training institution. ``photo`` is the trainee's 一寸 photo, if any.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from jiangxin_desktop.domain.masking import mask_id, mask_name
from jiangxin_desktop.services.certificates.payload import CertificateClaims, sign_payload
from jiangxin_desktop.services.certificates.qr import qr_prefix, qr_text
from jiangxin_desktop.services.certificates.records import CertificateRecord
from jiangxin_desktop.services.security import StationSigner
from jiangxin_desktop.store.models import TrainingClass


@dataclass(frozen=True)
class CertificatePage:
    """Everything one printed certificate shows. ``masked_id`` is what the page prints."""

    number: str
    certificate_type: str  # label, e.g. 培训合格证书
    name: str
    sex: str
    masked_id: str
    project_name: str
    occupation_code: str
    occupation_name: str
    level: str  # label, e.g. 五级/初级工; "" for certificates without a level
    class_code: str
    class_name: str
    start_date: date
    end_date: date
    class_hours: int
    institution_name: str
    station_code: str
    station_name: str
    issue_date: date
    reissued: bool  # print 补发 on the page
    reissue_count: int
    reissued_on: date | None
    qr_payload: str  # draw with certificate_qr.draw_qr
    id_number: str = ""  # the full number, printed on the holder's own certificate
    issuer_name: str = ""
    issuer_filing_number: str = ""  # 备案编号 of an evaluation body; "" for an institution
    photo: bytes | None = field(default=None, repr=False)  # JPEG/PNG, only with photo consent
    qr_prefix: bytes = b""  # before the payload in the code: the verification address (qr_prefix)

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("photo")
        data["qr_text"] = qr_text(self.qr_payload, data.pop("qr_prefix"))
        data["has_photo"] = self.photo is not None
        for key in ("start_date", "end_date", "issue_date", "reissued_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def build_pages(
    records: Sequence[CertificateRecord],
    klass: TrainingClass,
    sexes: Mapping[str, str],
    signer: StationSigner,
    station_name: str,
    photos: Mapping[str, bytes] | None = None,
    verify_base_url: str = "",
) -> list[CertificatePage]:
    photos = photos or {}
    return [
        CertificatePage(
            number=r.number,
            certificate_type=r.certificate_type_label,
            name=r.trainee_name,
            sex=sexes.get(r.trainee_uuid, ""),
            masked_id=mask_id(r.trainee_id_number),
            project_name=klass.project_name,
            occupation_code=r.occupation_code,
            occupation_name=r.occupation_name,
            level=r.level_label,
            class_code=klass.code,
            class_name=klass.name,
            start_date=klass.start_date,
            end_date=klass.end_date,
            class_hours=klass.class_hours,
            institution_name=klass.institution_name,
            station_code=r.station_code,
            station_name=station_name,
            issue_date=r.issue_date,
            reissued=r.reissued,
            reissue_count=r.reissue_count,
            reissued_on=r.reissued_on,
            qr_payload=sign_payload(signer, claims_of(r)),
            id_number=r.trainee_id_number,
            issuer_name=r.issuer_name or klass.institution_name,
            issuer_filing_number=r.issuer_filing_number or "",
            photo=photos.get(r.trainee_uuid),
            qr_prefix=qr_prefix(verify_base_url, r.number, mask_name(r.trainee_name)),
        )
        for r in records
    ]


def claims_of(record: CertificateRecord) -> CertificateClaims:
    """What the QR code of ``record`` says: masked name and ID, never the full ones."""
    return CertificateClaims(
        station_code=record.station_code,
        serial=record.serial,
        issue_date=record.issue_date,
        reissue=record.reissue_count,
        certificate_type=record.certificate_type,
        level=record.level,
        occupation_code=record.occupation_code,
        occupation_name=record.occupation_name,
        masked_name=mask_name(record.trainee_name),
        masked_id=mask_id(record.trainee_id_number),
    )
