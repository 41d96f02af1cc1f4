"""The signed QR payload printed on a certificate, and its verification.

Format 1, as text::

    JX1:<BASE32(body ‖ signature)>        RFC 4648 alphabet, "=" padding removed

Only characters of the QR alphanumeric set (0-9, A-Z, ":"), so the QR code uses
alphanumeric mode (5.5 bits a character: about 8.8 bits per payload byte, against 10.7
for base64 text in byte mode), and the text can be pasted into a shell unquoted.
Lower case and surrounding white space are accepted when verifying. The printed code puts the
payload in a verification address, ``<verify_base_url>?c=JX1:…`` (or after a Chinese first
line with the number and name); verifying accepts the address, that text or the payload alone.

``body``, big-endian::

    key_id        8 bytes  the signing key's id (first 8 bytes of SHA-256 of the raw public key)
    serial        3 bytes  the serial of the certificate number
    issue_day     2 bytes  issue date as days since 2000-01-01
    reissue       1 byte   0 for the original, n for the n-th 补发 (reprint)
    occupation    3 bytes  a national-classification code's 7 digits as a number
                           (4-10-01-05 → 4100105), or 0 when the code has another shape
    then strings, each a 1-byte length and UTF-8:
    station_code, certificate_type (code), level (code, may be empty),
    [occupation_code, only when ``occupation`` is 0], occupation_name,
    masked_name (李*), id_visible (first 6 + last 4 of the ID number)

    signature     64 bytes Ed25519 over b"JX1:" ‖ body (the prefix separates certificate
                           signatures from the station's other signatures, e.g. sync batches)

The certificate number is not carried whole: it is ``{station_code}-{year of issue_day}-
{serial:06d}`` (format_number). A typical payload is 124–135 bytes, 200–220 characters:
QR version 8 (49 × 49 modules) at error correction M.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum
from urllib.parse import unquote

from jiangxin_desktop.domain.masking import STAR
from jiangxin_desktop.services.security import StationSigner, key_id_for, raw_public_key, verify

PREFIX = "JX1:"
EPOCH = date(2000, 1, 1)
KEY_ID_BYTES = 8
SIGNATURE_BYTES = 64
_HEAD = struct.Struct(">8s3sHB3s")  # key_id, serial (24 bits), issue_day, reissue, occupation
_OCCUPATION = re.compile(r"^([1-8])-(\d{2})-(\d{2})-(\d{2})$")
_HIDDEN_ID = 8  # characters of an 18-character ID number hidden by mask_id


def format_number(station_code: str, year: int, serial: int) -> str:
    """``320706001-2026-000001``: station, year of issue, serial within that station and year."""
    return f"{station_code}-{year}-{serial:06d}"


@dataclass(frozen=True)
class CertificateClaims:
    """What the QR code says about a certificate (no full name or ID number in here)."""

    station_code: str
    serial: int
    issue_date: date
    reissue: int
    certificate_type: str
    level: str
    occupation_code: str
    occupation_name: str
    masked_name: str
    masked_id: str  # 320706********0021

    @property
    def number(self) -> str:
        return format_number(self.station_code, self.issue_date.year, self.serial)

    def to_json(self) -> dict:
        return {"number": self.number, **asdict(self), "issue_date": self.issue_date.isoformat()}


class VerifyStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"  # genuine, but the local database knows it was revoked
    TAMPERED = "tampered"  # the signature does not match the content
    UNKNOWN_KEY = "unknown_key"  # signed by a key we were not given
    MALFORMED = "malformed"  # not a certificate payload, or damaged


@dataclass(frozen=True)
class VerifyResult:
    status: VerifyStatus
    message: str  # for the user, in Chinese
    key_id: str | None = None
    claims: CertificateClaims | None = None  # only when the signature is good

    @property
    def valid(self) -> bool:
        return self.status is VerifyStatus.VALID

    def to_json(self) -> dict:
        return {
            "status": self.status.value,
            "valid": self.valid,
            "message": self.message,
            "key_id": self.key_id,
            "certificate": self.claims.to_json() if self.claims else None,
        }


# --- encoding ------------------------------------------------------------------------------


def encode_body(claims: CertificateClaims, key_id: str) -> bytes:
    if not 0 < claims.serial < 1 << 24:
        raise ValueError(f"serial {claims.serial} out of range")
    day = (claims.issue_date - EPOCH).days
    if not 0 <= day < 1 << 16:
        raise ValueError(f"issue date {claims.issue_date} out of range")
    packed = _OCCUPATION.match(claims.occupation_code)
    occupation = int("".join(packed.groups())) if packed else 0
    head = _HEAD.pack(
        bytes.fromhex(key_id),
        claims.serial.to_bytes(3, "big"),
        day,
        min(claims.reissue, 255),
        occupation.to_bytes(3, "big"),
    )
    strings = [claims.station_code, claims.certificate_type, claims.level]
    strings += [] if packed else [claims.occupation_code]
    strings += [claims.occupation_name, claims.masked_name, _id_visible(claims.masked_id)]
    return head + b"".join(_string(s) for s in strings)


def sign_payload(signer: StationSigner, claims: CertificateClaims) -> str:
    """The text to put in the QR code. Ed25519 is deterministic: same claims, same text."""
    body = encode_body(claims, signer.key_id)
    signature = signer.sign(PREFIX.encode("ascii") + body)
    return PREFIX + base64.b32encode(body + signature).decode("ascii").rstrip("=")


def decode_body(body: bytes) -> tuple[str, CertificateClaims]:
    """(key id, claims); ValueError when the bytes do not have the format's shape."""
    key_raw, serial, day, reissue, occupation_raw = _HEAD.unpack_from(body)
    occupation = int.from_bytes(occupation_raw, "big")
    pos = _HEAD.size
    strings = []
    for _ in range(6 if occupation else 7):
        length = body[pos]
        strings.append(body[pos + 1 : pos + 1 + length].decode("utf-8"))
        pos += 1 + length
        if pos > len(body):
            raise ValueError("truncated")
    if pos != len(body):
        raise ValueError("trailing bytes")
    if occupation:
        digits = f"{occupation:07d}"
        strings.insert(3, f"{digits[0]}-{digits[1:3]}-{digits[3:5]}-{digits[5:]}")
    station, kind, level, occupation_code, occupation_name, masked_name, visible = strings
    if len(visible) != 10:
        raise ValueError("id_visible must have 10 characters")
    claims = CertificateClaims(
        station_code=station,
        serial=int.from_bytes(serial, "big"),
        issue_date=EPOCH + timedelta(days=day),
        reissue=reissue,
        certificate_type=kind,
        level=level,
        occupation_code=occupation_code,
        occupation_name=occupation_name,
        masked_name=masked_name,
        masked_id=visible[:6] + STAR * _HIDDEN_ID + visible[6:],
    )
    return key_raw.hex(), claims


# --- verification ----------------------------------------------------------------------------


def verify_payload(
    text: str,
    public_keys: Iterable[str | bytes],
    *,
    revoked: Mapping[str, str] | None = None,
) -> VerifyResult:
    """Check a scanned payload against ``public_keys`` (PEM, base64 or raw; retired keys too).

    ``revoked`` maps certificate numbers the local database knows to be revoked to a short
    description (when and by whom); without it a revoked certificate still reads as valid,
    which the message of a valid result says.
    """
    data = _unframe(text)
    if isinstance(data, VerifyResult):
        return data
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    key_id = body[:KEY_ID_BYTES].hex()
    keys = {key_id_for(raw): raw for raw in (raw_public_key(k) for k in public_keys)}
    if key_id not in keys:
        return VerifyResult(
            VerifyStatus.UNKNOWN_KEY,
            f"该二维码由签名密钥 {key_id} 签发，不是已知服务站的密钥，无法确认真伪。"
            "请用签发服务站的公钥（--public-key）核验，或联系签发服务站。",
            key_id,
        )
    if not verify(keys[key_id], PREFIX.encode("ascii") + body, signature):
        return VerifyResult(
            VerifyStatus.TAMPERED,
            "二维码内容与签名不符：证书信息被改动过，或二维码是伪造的。请勿采信，并向签发服务站核实。",
            key_id,
        )
    try:
        _, claims = decode_body(body)
    except (ValueError, IndexError, struct.error, UnicodeDecodeError):
        return VerifyResult(
            VerifyStatus.MALFORMED, "二维码签名正确，但内容格式无法识别。请联系技术支持。", key_id
        )
    if revoked and claims.number in revoked:
        return VerifyResult(
            VerifyStatus.REVOKED,
            f"证书 {claims.number} 已撤销（{revoked[claims.number]}），不再有效。请勿采信。",
            key_id,
            claims,
        )
    extra = f"（第 {claims.reissue} 次补发）" if claims.reissue else ""
    return VerifyResult(
        VerifyStatus.VALID,
        f"证书 {claims.number}{extra} 签名有效，由服务站 {claims.station_code} 签发。"
        + ("" if revoked is not None else "（未查询撤销记录）"),
        key_id,
        claims,
    )


_IN_URL = re.compile(r"[?&]c=([^&#\s]+)")
_IN_TEXT = re.compile(rf"{PREFIX}[A-Z2-7=\s]+", re.I)


def extract_payload(text: str) -> str:
    """The signed payload in what a scanner read: a verification address ``…?c=JX1:…``, a
    Chinese first line and the payload, or the payload alone."""
    found = _IN_URL.search(text)
    if found:
        return unquote(found.group(1))
    found = _IN_TEXT.search(text)
    return found.group(0) if found else text


def _unframe(text: str) -> bytes | VerifyResult:
    cleaned = "".join(extract_payload(text).split()).upper()
    if not cleaned.startswith(PREFIX):
        return VerifyResult(
            VerifyStatus.MALFORMED,
            f"这不是匠心证书二维码：内容应含以 {PREFIX} 开头的签名数据（或核验地址中的 c=）。"
            "请扫描证书上的二维码。",
        )
    encoded = cleaned[len(PREFIX) :]
    try:
        data = base64.b32decode(encoded + "=" * (-len(encoded) % 8))
    except (binascii.Error, ValueError):
        data = b""
    if len(data) < _HEAD.size + 6 + SIGNATURE_BYTES:
        return VerifyResult(
            VerifyStatus.MALFORMED,
            "二维码内容不完整或已损坏，无法读取。请重新扫描；若仍失败，请向签发服务站核实。",
        )
    return data


def _string(value: str) -> bytes:
    raw = value.encode("utf-8")
    if len(raw) > 255:
        raise ValueError(f"{value!r} is too long for the payload")
    return bytes([len(raw)]) + raw


def _id_visible(masked_id: str) -> str:
    """``320706********0021`` → ``3207060021`` (the payload never carries the stars)."""
    if len(masked_id) != 18 or masked_id[6:14] != STAR * _HIDDEN_ID:
        raise ValueError("expected an ID number masked as first 6 + 8 stars + last 4")
    return masked_id[:6] + masked_id[14:]
