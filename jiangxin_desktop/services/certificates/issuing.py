"""Certificates (证书): issued to the trainees who passed a finished class, reprinted, revoked.

Numbers are ``{station_code}-{year}-{serial:06d}`` (e.g. ``320706001-2026-000001``): the
year is the issue date's, the serial counts up per station and year and is allocated
inside the write transaction (one writer at a time), after the highest serial ever given
in that year. Certificate rows are never deleted — a revoked one stays — so a number is
never given twice. Each certificate's QR code carries a payload signed with the station's
key (certificate_payload.py); a 补发 keeps the number, counts up the reissue counter, and
the page and the QR code both say 补发.

Who may do what: a clerk or an administrator issues and reprints; a reviewer or an
administrator revokes. Every change is audited and travels to the city.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.masking import mask_name
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.catalog import issuer_for
from jiangxin_desktop.services.certificates.pages import CertificatePage, build_pages, claims_of
from jiangxin_desktop.services.certificates.payload import (
    VerifyResult,
    format_number,
    sign_payload,
    verify_payload,
)
from jiangxin_desktop.services.certificates.qr import qr_prefix, qr_text
from jiangxin_desktop.services.certificates.records import STATUS_TEXT, CertificateRecord, IssueResult, Skipped
from jiangxin_desktop.services.training import STATUS_LABELS
from jiangxin_desktop.services.security import StationSigner, all_public_keys
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.claim_lock import frozen_claim, frozen_message
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import (
    Assessment,
    Certificate,
    Enrollment,
    Trainee,
    TraineePhoto,
    TrainingClass,
)

MAX_SERIAL = 999_999
__all__ = ["STATUS_TEXT", "CertificateRecord", "CertificateService", "IssueResult", "Skipped"]
class CertificateService:
    def __init__(
        self, db: Database, acting: Acting, codes: CodeCatalog, station_name: str = "", catalogs=None
    ) -> None:
        self.db = db
        self.acting = acting
        self.codes = codes
        self.station_name = station_name
        self.catalogs = catalogs  # CatalogService: evaluation bodies decide the certificate type
        self._signer: StationSigner | None = None

    # --- changes --------------------------------------------------------------------
    def issue(
        self,
        class_code: str,
        *,
        issue_date: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> IssueResult:
        """A certificate for every passed trainee of a finished class who has none yet.

        ``issue_date`` defaults to the class's end date. ``progress(done, total)`` is called
        per trainee inside the write transaction and may raise to cancel: then nothing is issued."""
        self.acting.require("clerk", "admin", action="发放证书")
        today = self.acting.today()
        catalog = self.catalogs.active() if self.catalogs is not None else None
        result = IssueResult()
        with self.db.write() as s:
            klass = self._class(s, class_code)
            day = issue_date or klass.end_date  # the class's end date unless the clerk picks one
            if klass.status != "finished":
                raise KnownError(
                    f"培训班 {klass.code} 现在是“{STATUS_LABELS.get(klass.status, klass.status)}”，"
                    "只有已结业的班才能发放证书。"
                )
            if day < klass.end_date:
                raise ValidationError([FieldError("发证日期", f"不能早于结业日期 {klass.end_date}")])
            if day > today:
                raise ValidationError([FieldError("发证日期", f"不能晚于今天（{today}）")])
            rows = s.execute(
                select(Enrollment, Trainee)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == klass.uuid, Enrollment.status == "enrolled")
                .order_by(Enrollment.seq)
            ).all()
            results = {
                a.enrollment_uuid: a.result
                for a in s.scalars(
                    select(Assessment)
                    .where(Assessment.enrollment_uuid.in_([e.uuid for e, _ in rows]))
                    .order_by(Assessment.attempt)
                )
            }
            has = set(
                s.scalars(select(Certificate.enrollment_uuid).where(Certificate.class_uuid == klass.uuid))
            )
            issuer = issuer_for(klass.certificate_type, klass.occupation_code, klass.occupation_name, catalog)
            result.note = issuer.note
            serial = self._last_serial(s, day.year)
            now = utc_now()
            for done, (enrollment, trainee) in enumerate(rows, start=1):
                if progress is not None:
                    progress(done - 1, len(rows))
                reason = (
                    "已有证书"
                    if enrollment.uuid in has
                    else "学员已注销"
                    if not trainee.active
                    else "未考核"
                    if enrollment.uuid not in results
                    else "考核不合格"
                    if results[enrollment.uuid] != "pass"
                    else None
                )
                if reason:
                    result.skipped.append(Skipped(trainee.name, reason))
                    continue
                serial += 1
                if serial > MAX_SERIAL:
                    raise KnownError(f"{day.year} 年的证书编号已用完（{MAX_SERIAL} 个）。请联系技术支持。")
                row = Certificate(
                    uuid=uuid7(),
                    station_code=self.acting.station_code,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    number=format_number(self.acting.station_code, day.year, serial),
                    year=day.year,
                    serial=serial,
                    class_uuid=klass.uuid,
                    enrollment_uuid=enrollment.uuid,
                    trainee_uuid=trainee.uuid,
                    certificate_type=issuer.certificate_type,
                    issuer_name=issuer.name,
                    issuer_filing_number=issuer.filing_number,
                    occupation_code=klass.occupation_code,
                    occupation_name=klass.occupation_name,
                    level=klass.level,
                    issue_date=day,
                    status="valid",
                    reissue_count=0,
                    issued_by=self.acting.actor,
                )
                s.add(row)
                result.issued.append(self._recorded(s, row, klass, trainee, None, "certificate.issue"))
            if progress is not None:
                progress(len(rows), len(rows))
        return result

    def reprint(self, number: str, reason: str) -> CertificateRecord:
        """补发: the same number, the reissue counter up by one; the page and QR code say 补发."""
        self.acting.require("clerk", "admin", action="补发证书")
        if not reason.strip():
            raise ValidationError([FieldError("补发原因", "请写明补发原因，如 原证遗失")])
        with self.db.write() as s:
            row, klass, trainee = self._certificate(s, number)
            if row.status == "revoked":
                raise KnownError(f"证书 {row.number} 已撤销，不能补发。")
            before = self._record(row, klass, trainee).to_json()
            row.reissue_count += 1
            row.reissued_on = self.acting.today()
            row.reissue_reason = reason.strip()
            return self._recorded(s, row, klass, trainee, before, "certificate.reprint")

    def revoke(self, number: str, reason: str) -> CertificateRecord:
        """撤销: the certificate stays (and its number is never given again) but is no longer valid."""
        user = self.acting.require("reviewer", "admin", action="撤销证书")
        if not reason.strip():
            raise ValidationError([FieldError("撤销原因", "请写明撤销原因")])
        with self.db.write() as s:
            row, klass, trainee = self._certificate(s, number)
            if row.status == "revoked":
                raise KnownError(f"证书 {row.number} 已于 {row.revoked_at} 撤销，无需重复撤销。")
            if claim := frozen_claim(s, row.enrollment_uuid):  # a reviewed subsidy claim rests on it
                raise KnownError(frozen_message(claim, "注销证书"))
            before = self._record(row, klass, trainee).to_json()
            row.status, row.revoked_at, row.revoked_by = "revoked", utc_now(), user.username
            row.revoked_reason = reason.strip()
            return self._recorded(s, row, klass, trainee, before, "certificate.revoke")

    # --- queries --------------------------------------------------------------------
    def list(self, class_code: str) -> builtins.list[CertificateRecord]:
        self.acting.require("clerk", "reviewer", "admin", action="查看证书")
        with self.db.read() as s:
            klass = self._class(s, class_code)
            rows = s.execute(
                select(Certificate, Trainee)
                .join(Trainee, Trainee.uuid == Certificate.trainee_uuid)
                .where(Certificate.class_uuid == klass.uuid)
                .order_by(Certificate.year, Certificate.serial)
            ).all()
            return [self._record(c, klass, t) for c, t in rows]

    def get(self, number: str) -> CertificateRecord:
        self.acting.require("clerk", "reviewer", "admin", action="查看证书")
        with self.db.read() as s:
            return self._record(*self._certificate(s, number))

    def pages(self, class_code: str, numbers: Sequence[str] | None = None) -> builtins.list[CertificatePage]:
        """The pages to print for a class (all its valid certificates, or only ``numbers``).

        A revoked certificate is never printed: naming one in ``numbers`` is refused."""
        self.acting.require("clerk", "admin", action="打印证书")
        records = self.list(class_code)
        if numbers is not None:
            wanted = {n.strip() for n in numbers}
            unknown = wanted - {r.number for r in records}
            if unknown:
                raise NotFoundError(f"培训班 {class_code} 没有证书 {'、'.join(sorted(unknown))}。")
            records = [r for r in records if r.number in wanted]
        revoked = [r.number for r in records if r.status == "revoked"]
        if numbers is not None and revoked:
            raise KnownError(f"证书 {'、'.join(revoked)} 已撤销，不能打印。")
        valid = [r for r in records if r.status == "valid"]
        with self.db.read() as s:
            klass = self._class(s, class_code)
            sexes = dict(
                s.execute(
                    select(Trainee.uuid, Trainee.sex).where(
                        Trainee.uuid.in_([r.trainee_uuid for r in records])
                    )
                ).all()
            )
            photos = dict(  # only with the trainee's separate consent to a face photo
                s.execute(
                    select(TraineePhoto.trainee_uuid, TraineePhoto.data)
                    .join(Trainee, Trainee.uuid == TraineePhoto.trainee_uuid)
                    .where(
                        TraineePhoto.trainee_uuid.in_([r.trainee_uuid for r in valid]),
                        Trainee.photo_consent.is_(True),
                    )
                ).all()
            )
        base = self.catalogs.active().verify_base_url if self.catalogs is not None else ""
        return build_pages(valid, klass, sexes, self.signer(), self.station_name, photos, base)

    def payload(self, number: str) -> str:
        """The QR payload of one certificate (what its printed page carries)."""
        record = self.get(number)
        if record.status == "revoked":
            raise KnownError(f"证书 {record.number} 已撤销，不再生成二维码。")
        return sign_payload(self.signer(), claims_of(record))

    def qr_content(self, number: str) -> str:
        """Everything the certificate's QR code says: the verification address carrying the
        signed payload (or a Chinese first line, then the payload)."""
        record = self.get(number)
        base = self.catalogs.active().verify_base_url if self.catalogs is not None else ""
        prefix = qr_prefix(base, record.number, mask_name(record.trainee_name))
        return qr_text(self.payload(number), prefix)

    def verify(self, text: str) -> VerifyResult:
        """Check a scanned payload with every key this station has had and what it knows of
        revocations. No login: the answer says nothing a printed certificate does not."""
        keys = [k.public_key for k in all_public_keys(self.db)]
        with self.db.read() as s:
            revoked = {
                n: f"撤销于 {_local_day(at)}"
                for n, at in s.execute(
                    select(Certificate.number, Certificate.revoked_at).where(Certificate.status == "revoked")
                )
            }
        return verify_payload(text, keys, revoked=revoked)

    def signer(self) -> StationSigner:
        if self._signer is None:
            self._signer = StationSigner.load(self.db)
        return self._signer

    # --- helpers --------------------------------------------------------------------
    def _last_serial(self, s: Session, year: int) -> int:
        return (
            s.scalar(
                select(func.max(Certificate.serial)).where(
                    Certificate.station_code == self.acting.station_code, Certificate.year == year
                )
            )
            or 0
        )

    def _recorded(
        self,
        s: Session,
        row: Certificate,
        klass: TrainingClass,
        trainee: Trainee,
        before: dict | None,
        action: str,
    ) -> CertificateRecord:
        if before is not None:
            row.version += 1
            row.updated_at = utc_now()
        s.flush()
        record = self._record(row, klass, trainee)
        self.acting.record(
            s,
            action=action,
            entity=outbox.CERTIFICATE,
            uuid=row.uuid,
            version=row.version,
            before=before,
            after=record.to_json(),
            subject=trainee.uuid,
        )
        return record

    @staticmethod
    def _class(s: Session, key: str) -> TrainingClass:
        key = key.strip()
        row = s.scalar(select(TrainingClass).where((TrainingClass.uuid == key) | (TrainingClass.code == key)))
        if row is None:
            raise NotFoundError(f"找不到培训班 {key}。请用 class list 查看班级编号。")
        return row

    @staticmethod
    def _certificate(s: Session, number: str) -> tuple[Certificate, TrainingClass, Trainee]:
        found = s.execute(
            select(Certificate, TrainingClass, Trainee)
            .join(TrainingClass, TrainingClass.uuid == Certificate.class_uuid)
            .join(Trainee, Trainee.uuid == Certificate.trainee_uuid)
            .where(Certificate.number == number.strip())
        ).first()
        if found is None:
            raise NotFoundError(f"找不到证书 {number.strip()}。请核对证书编号。")
        return found[0], found[1], found[2]

    def _record(self, row: Certificate, klass: TrainingClass, trainee: Trainee) -> CertificateRecord:
        return CertificateRecord(
            uuid=row.uuid,
            number=row.number,
            station_code=row.station_code,
            serial=row.serial,
            class_uuid=row.class_uuid,
            class_code=klass.code,
            enrollment_uuid=row.enrollment_uuid,
            trainee_uuid=row.trainee_uuid,
            trainee_name=trainee.name,
            trainee_id_number=trainee.id_number,
            certificate_type=row.certificate_type,
            certificate_type_label=self.codes["certificate_type"].label(row.certificate_type) or "",
            occupation_code=row.occupation_code,
            occupation_name=row.occupation_name,
            level=row.level,
            level_label=(self.codes["skill_level"].label(row.level) or "") if row.level else "",
            issue_date=row.issue_date,
            status=row.status,
            reissue_count=row.reissue_count,
            reissued_on=row.reissued_on,
            reissue_reason=row.reissue_reason,
            revoked_at=row.revoked_at,
            revoked_by=row.revoked_by,
            revoked_reason=row.revoked_reason,
            issued_by=row.issued_by,
            version=row.version,
            created_at=row.created_at,
            issuer_name=row.issuer_name,
            issuer_filing_number=row.issuer_filing_number,
        )


def _local_day(iso: str | None) -> str:
    if not iso:
        return "日期不详"
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().date().isoformat()
