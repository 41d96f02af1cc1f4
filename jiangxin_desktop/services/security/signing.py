"""The station's Ed25519 signing key: it signs certificates' QR codes and sync batches.

The private key is protected exactly as well as the database key: it is encrypted with
AES-256-GCM under a key derived (HKDF-SHA256) from the database key and stored in the
``signing_key`` table. It lives inside the encrypted database, travels in its backups,
and opens wherever the database opens (keyring or passphrase). The key id, bound in as
associated data, stops a wrapped key from being passed off as another row's.

Anyone may verify a signature with the public key (:func:`verify`); it is shown by
``jiangxin-desktop station show`` and will travel to the city with the station.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import SigningKey

ALGORITHM = "Ed25519"
HKDF_INFO = b"jiangxin station signing key"
SYSTEM_ACTOR = "system"  # audit actor when the program adds a key to an older database by itself


@dataclass(frozen=True)
class PublicKeyInfo:
    """What may be shown to anyone: no secret in here."""

    key_id: str
    algorithm: str
    public_key: str  # base64 of the raw 32 bytes
    created_at: str
    created_by: str

    def pem(self) -> str:
        return public_key_pem(_unb64(self.public_key))


def key_id_for(raw_public_key: bytes) -> str:
    """First 16 hex characters of SHA-256 of the raw public key."""
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def public_key_pem(raw_public_key: bytes) -> str:
    key = Ed25519PublicKey.from_public_bytes(raw_public_key)
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def wrap_private_key(raw_private_key: bytes, db_key: bytes, key_id: str) -> str:
    """The raw private key encrypted under the database key (JSON text for the table)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_wrapping_key(db_key)).encrypt(nonce, raw_private_key, key_id.encode("ascii"))
    return json.dumps(
        {
            "format": 1,
            "kdf": "HKDF-SHA256",
            "cipher": "AES-256-GCM",
            "nonce": _b64(nonce),
            "sealed": _b64(sealed),
        }
    )


def unwrap_private_key(wrapped: str, db_key: bytes, key_id: str) -> bytes:
    try:
        data = json.loads(wrapped)
        nonce, sealed = _unb64(data["nonce"]), _unb64(data["sealed"])
    except (ValueError, KeyError, TypeError) as exc:
        raise KnownError(f"服务站签名密钥 {key_id} 的存储格式无法识别。请联系技术支持。") from exc
    try:
        return AESGCM(_wrapping_key(db_key)).decrypt(nonce, sealed, key_id.encode("ascii"))
    except InvalidTag:
        raise KnownError(
            f"无法解开服务站签名密钥 {key_id}：它不属于这个数据库的密钥。请联系管理员从备份恢复。"
        ) from None


class StationSigner:
    """The active signing key, unwrapped in memory for signing."""

    def __init__(self, key_id: str, private_key: Ed25519PrivateKey) -> None:
        self.key_id = key_id
        self._private_key = private_key

    @classmethod
    def create(cls, db: Database, actor: str) -> StationSigner:
        """A new key pair for a station that has none (audited as ``signing_key.create``)."""
        with db.write() as session:
            if _active_row(session) is not None:
                raise KnownError("本服务站已有签名密钥，不能重复生成。")
            return cls._create_in(session, db.key, actor)

    @classmethod
    def load(cls, db: Database) -> StationSigner:
        """The active key; refused with a clear message where the station has none."""
        with db.read() as session:
            row = _active_row(session)
            if row is None:
                raise KnownError("本服务站还没有签名密钥。请重新打开程序，它会自动生成。")
            key_id, wrapped = row.key_id, row.private_key_wrapped
        raw = unwrap_private_key(wrapped, db.key, key_id)
        return cls(key_id, Ed25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def _create_in(cls, session: Session, db_key: bytes, actor: str) -> StationSigner:
        private_key = Ed25519PrivateKey.generate()
        raw_public = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        raw_private = private_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        key_id = key_id_for(raw_public)
        session.add(
            SigningKey(
                key_id=key_id,
                algorithm=ALGORITHM,
                public_key=_b64(raw_public),
                private_key_wrapped=wrap_private_key(raw_private, db_key, key_id),
                created_at=utc_now(),
                created_by=actor,
                retired_at=None,
            )
        )
        audit(
            session,
            actor=actor,
            action="signing_key.create",
            object_type="signing_key",
            object_id=key_id,
            after={"key_id": key_id, "algorithm": ALGORITHM, "public_key": _b64(raw_public)},
        )
        return cls(key_id, private_key)

    def sign(self, data: bytes) -> bytes:
        return self._private_key.sign(data)

    @property
    def private_key(self) -> Ed25519PrivateKey:
        """The key object, for the JOSE envelope of sync documents (joserfc signs with it)."""
        return self._private_key

    @property
    def public_key_raw(self) -> bytes:
        return self._private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_key_b64(self) -> str:
        return _b64(self.public_key_raw)

    def public_key_pem(self) -> str:
        return public_key_pem(self.public_key_raw)


def rotate_signing_key(db: Database, actor: str, reason: str) -> tuple[str, str]:
    """Retire the active key and make a new one, in one transaction (audited with the reason).

    For a key that may have leaked (a lost backup, a stolen PC) or the city's request. The old
    public key stays on record: certificates' QR codes signed with it still verify, and the
    city keeps it for batches sealed before. Sync needs a new enrolment from the city (the
    同步 page says so). Returns (old key id, new key id).
    """
    reason = reason.strip()
    if not reason:
        raise KnownError("请写明更换签名密钥的原因（例如：备份 U 盘丢失、电脑被盗、市里要求）。")
    with db.write() as session:
        row = _active_row(session)
        if row is None:
            raise KnownError("本服务站还没有签名密钥，无须更换。")
        row.retired_at = utc_now()
        old = row.key_id
        session.flush()
        new = StationSigner._create_in(session, db.key, actor).key_id
        audit(session, actor=actor, action="signing_key.rotate", object_type="signing_key", object_id=new,
              before={"key_id": old}, after={"key_id": new, "reason": reason})
    return old, new


def ensure_signing_key(db: Database, actor: str = SYSTEM_ACTOR) -> bool:
    """Give a database from before signing keys (or a demo one) its key. True when one was made."""
    with db.read() as session:
        if _active_row(session) is not None:
            return False
    with db.write() as session:
        if _active_row(session) is not None:  # another program window was quicker
            return False
        StationSigner._create_in(session, db.key, actor)
    return True


def active_public_key(db: Database) -> PublicKeyInfo | None:
    """The active key's public half, without unwrapping anything."""
    with db.read() as session:
        row = _active_row(session)
        if row is None:
            return None
        return PublicKeyInfo(row.key_id, row.algorithm, row.public_key, row.created_at, row.created_by)


def verify(public_key: str | bytes, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the station's signature of ``data``.

    ``public_key``: a PEM text, the base64 of the raw 32 bytes, or the raw bytes.
    A malformed key is a KnownError; a wrong signature is simply False.
    """
    try:
        key = _load_public_key(public_key)
    except ValueError as exc:
        raise KnownError("服务站公钥格式无法识别：应为 PEM 文本或 32 字节公钥的 Base64。") from exc
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def raw_public_key(public_key: str | bytes) -> bytes:
    """The raw 32 bytes of a public key given as PEM text, base64 or raw bytes."""
    try:
        key = _load_public_key(public_key)
    except ValueError as exc:
        raise KnownError("服务站公钥格式无法识别：应为 PEM 文本或 32 字节公钥的 Base64。") from exc
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def all_public_keys(db: Database) -> list[PublicKeyInfo]:
    """Every key this station has had, retired ones too: old certificates stay verifiable."""
    with db.read() as session:
        rows = session.scalars(select(SigningKey).order_by(SigningKey.seq))
        return [PublicKeyInfo(r.key_id, r.algorithm, r.public_key, r.created_at, r.created_by) for r in rows]


def _load_public_key(public_key: str | bytes) -> Ed25519PublicKey:
    if isinstance(public_key, bytes) and not public_key.lstrip().startswith(b"-----BEGIN"):
        return Ed25519PublicKey.from_public_bytes(public_key)
    text = public_key.decode("ascii") if isinstance(public_key, bytes) else public_key
    if text.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def _active_row(session: Session) -> SigningKey | None:
    return session.scalar(
        select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.seq.desc()).limit(1)
    )


def _wrapping_key(db_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(db_key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
