"""Joining the city: the enrolment file the city issued, the sealed registration it asks for, and
the city's signed acknowledgement of it.

The enrolment file (``protocol.batch.Enrolment``) names the station, the city's public keys (RSA
for encryption, Ed25519 for its signatures), the receiver's address and its TLS certificate. The
station answers with a registration (its own Ed25519 public key and the file's one-time token),
signed with that key and sealed to the city. Importing another file replaces the active enrolment;
the old row stays, inactive, for the record.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiangxin_desktop import envelope
from jiangxin_desktop.errors import describe_error
from jiangxin_desktop.protocol.batch import REGISTRATION, DocumentError, Enrolment, Registration, read_enrolment
from jiangxin_desktop.services.security import parse_iso
from jiangxin_desktop.services.sync.model import EnrolmentInfo, SyncError
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.sync_models import SyncEnrolment

REGISTERED = "jiangxin.registered"  # typ of the city's signed acknowledgement of a registration
MAX_FILE = 1024 * 1024


@dataclass(frozen=True)
class City:
    """What the active enrolment says about the city: where it is and which keys to trust."""

    enrolment_id: str
    station_code: str
    name: str
    url: str
    encryption_key: RSAPublicKey
    encryption_kid: str
    signing_key: Ed25519PublicKey
    signing_kid: str
    tls_certificate: str
    station_key_id: str
    registration: str
    registered_at: str | None

    def key_for_kid(self, kid: str) -> Ed25519PublicKey | None:
        """The city's signing key, for ``envelope.verify``: no other key is trusted."""
        return self.signing_key if kid == self.signing_kid else None


def city_of(row: SyncEnrolment) -> City:
    encryption, signing = json.loads(row.encryption_key), json.loads(row.signing_key)
    return City(
        row.enrolment_id, row.station_code, row.city_name, row.url,
        envelope.rsa_from_jwk(encryption), envelope.key_id(encryption),
        envelope.ed25519_from_jwk(signing), envelope.key_id(signing),
        row.tls_certificate, row.station_key_id, row.registration, row.registered_at,
    )


def active_row(session: Session) -> SyncEnrolment | None:
    return session.scalar(
        select(SyncEnrolment).where(SyncEnrolment.active.is_(True)).order_by(SyncEnrolment.seq.desc()).limit(1)
    )


def info_of(row: SyncEnrolment) -> EnrolmentInfo:
    return EnrolmentInfo(row.enrolment_id, row.city_name, row.url, row.station_code, row.imported_at,
                         row.expires_at, row.registered_at, row.imported_by)


def read_source(path_or_text: str | Path) -> tuple[bytes, str]:
    """The enrolment document's bytes and how to name it: a file, its text pasted, or that text in base64."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str) and len(path_or_text) < 4096 and "{" not in path_or_text
        and _is_file(path_or_text)
    ):
        path = Path(path_or_text)
        try:
            if path.stat().st_size > MAX_FILE:
                raise SyncError(f"注册文件 {path.name} 太大，不是市里发的注册文件。")
            return path.read_bytes(), f"注册文件 {path.name}"
        except OSError as exc:
            raise SyncError(f"无法读取注册文件 {path}：{describe_error(exc)}。") from exc
    text = str(path_or_text).strip()
    if _looks_like_a_path(text):
        raise SyncError(f"找不到注册文件 {text}：请检查路径，或把文件复制到本机后再选。")
    if text.startswith("{"):
        return text.encode("utf-8"), "粘贴的注册文件内容"
    try:
        padded = "".join(text.split())
        data = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_") + "=" * (-len(padded) % 4))
    except (binascii.Error, ValueError):
        data = b""
    if data.lstrip().startswith(b"{"):
        return data, "粘贴的注册码"
    raise SyncError("粘贴的内容不是市里的注册文件：请粘贴注册文件的全部文字，或选择注册文件本身。")


def _looks_like_a_path(text: str) -> bool:
    """A mistyped file name, not pasted content (which is JSON, or a long base64 code)."""
    return len(text) < 300 and "\n" not in text and "{" not in text and (
        text.lower().endswith((".json", ".txt")) or text.startswith(("/", "~", "./", "..", "\\"))
        or (len(text) > 2 and text[1] == ":" and text[2] in "\\/"))


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def check_enrolment(data: bytes, source: str, *, station_code: str, now: datetime) -> Enrolment:
    """The enrolment, checked: its form, that it is for this station, not expired, keys and certificate sound."""
    try:
        enrolment = read_enrolment(data)
    except DocumentError as exc:
        raise SyncError(f"{source} 不是有效的注册文件（{exc.user_message}）。请向市里重新索取。") from None
    if enrolment.station_code != station_code:
        raise SyncError(
            f"{source} 是发给服务站 {enrolment.station_code} 的，本站编码是 {station_code}。"
            "请向市里索取本站的注册文件。"
        )
    try:
        expires = parse_iso(enrolment.expires_at)
    except ValueError:
        raise SyncError(f"{source} 的有效期写法不对，请向市里重新索取。") from None
    if expires <= now:
        raise SyncError(f"{source} 已于 {enrolment.expires_at[:10]} 过期，请向市里重新索取注册文件。")
    try:
        envelope.rsa_from_jwk(enrolment.encryption_key)
        envelope.ed25519_from_jwk(enrolment.signing_key)
    except envelope.EnvelopeError as exc:
        raise SyncError(f"{source} 里的市里公钥有误：{exc.user_message}请向市里重新索取。") from None
    if not enrolment.url.startswith("https://"):
        raise SyncError(f"{source} 里的市里地址 {enrolment.url} 不是 https 地址，不能使用。请向市里核实。")
    try:
        x509.load_pem_x509_certificate(enrolment.tls_certificate.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SyncError(f"{source} 里的市里服务器证书无法读取，请向市里重新索取。") from None
    return enrolment


def store_enrolment(session: Session, enrolment: Enrolment, *, signer: Any, now_iso: str, actor: str) -> SyncEnrolment:
    """Seal the registration and make this enrolment the active one (audited), in ``session``."""
    registration = Registration(
        enrolment_id=enrolment.enrolment_id, station_code=enrolment.station_code, token=enrolment.token,
        key_id=signer.key_id, public_key=signer.public_key_b64, created_at=now_iso,
    ).document()
    sealed = envelope.seal(
        registration, signer=signer.private_key, kid=signer.key_id, typ=REGISTRATION,
        recipient=envelope.rsa_from_jwk(enrolment.encryption_key),
        recipient_kid=envelope.key_id(enrolment.encryption_key),
    )
    previous = active_row(session)
    session.execute(update(SyncEnrolment).values(active=False))
    row = SyncEnrolment(
        enrolment_id=enrolment.enrolment_id, station_code=enrolment.station_code,
        city_name=enrolment.city_name, url=enrolment.url,
        encryption_key=json.dumps(dict(enrolment.encryption_key), sort_keys=True),
        signing_key=json.dumps(dict(enrolment.signing_key), sort_keys=True),
        tls_certificate=enrolment.tls_certificate, token=enrolment.token, station_key_id=signer.key_id,
        registration=sealed, issued_at=enrolment.issued_at, expires_at=enrolment.expires_at,
        imported_at=now_iso, imported_by=actor, registered_at=None, active=True,
    )
    session.add(row)
    audit(
        session, actor=actor, action="sync.enrol" if previous is None else "sync.reenrol",
        object_type="sync_enrolment", object_id=enrolment.enrolment_id,
        before=None if previous is None else {"enrolment_id": previous.enrolment_id, "city": previous.city_name,
                                              "station_key_id": previous.station_key_id},
        after={"enrolment_id": enrolment.enrolment_id, "city": enrolment.city_name, "url": enrolment.url,
               "station_key_id": signer.key_id, "expires_at": enrolment.expires_at},
    )
    return row


def accept_ack(session: Session, token: str, *, now_iso: str, actor: str, how: str) -> bool:
    """The city's signed acknowledgement of the active registration; True when it registered us now.

    One that does not verify is a SyncError (``detail``: the code); the caller audits it with
    :func:`ack_refused` in a transaction of its own.
    """
    row = active_row(session)
    if row is None:
        raise SyncError("本站尚未导入注册文件，不能接受市里的注册回执。")
    city = city_of(row)
    try:
        opened = envelope.verify(token, key_for_kid=city.key_for_kid, typ=REGISTERED)
        document = json.loads(opened.document)
    except envelope.EnvelopeError as exc:
        raise SyncError(f"市里的注册回执未通过验证：{exc.user_message}", detail=exc.code) from None
    except ValueError:
        raise SyncError("市里的注册回执内容无法读取。") from None
    if not isinstance(document, dict):
        raise SyncError("市里的注册回执内容无法读取。")
    for name, mine in (("station_code", row.station_code), ("enrolment_id", row.enrolment_id),
                       ("key_id", row.station_key_id)):
        theirs = document.get(name)
        if theirs is not None and theirs != mine:
            raise SyncError(f"市里的注册回执不是本次注册的（{name} 为 {theirs}，本站为 {mine}），未采用。")
    if row.registered_at is not None:
        return False
    row.registered_at = now_iso
    audit(session, actor=actor, action="sync.registered", object_type="sync_enrolment",
          object_id=row.enrolment_id, after={"city": row.city_name, "how": how, "key_id": row.station_key_id})
    return True


def ack_refused(session: Session, code: str, how: str, actor: str) -> None:
    row = active_row(session)
    audit(session, actor=actor, action="sync.ack_refused", object_type="sync_enrolment",
          object_id=None if row is None else row.enrolment_id, after={"code": code, "how": how})
