"""Sealing (gzip → JWS Ed25519 → JWE RSA-OAEP-256/A256GCM) and opening, with joserfc.

The JWS protected header is ``{"alg": "Ed25519", "kid": <signer's key id>, "typ": <document
type>, "cty": "application/gzip"}``: the payload is the gzip of the document's canonical
JSON (gzip's mtime 0, so one document gives one payload). The JWE protected header is
``{"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": <recipient's key id>, "cty": "JOSE"}``
(the plaintext is the compact JWS). "Ed25519" is RFC 9864's fully specified name.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from joserfc import jwe, jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OKPKey, RSAKey

SIGNATURE_ALG = "Ed25519"
ENCRYPTION_ALG = "RSA-OAEP-256"
CONTENT_ENC = "A256GCM"
GZIP = "application/gzip"
MAX_ENVELOPE = 64 * 1024 * 1024  # bytes of compact serialisation accepted
MAX_DOCUMENT = 256 * 1024 * 1024  # bytes a payload may expand to (a gzip bomb stops here)
GZIP_LEVEL = 3  # level 6 makes a 50,000-row batch 21% smaller for 2.5x the time (docs/performance.md)


class _JWSRegistry(jws.JWSRegistry):
    # joserfc's defaults (128,000 bytes of JWS payload, 64 KiB of JWE ciphertext) are sized for
    # tokens; a batch of 5,000 rows is ~250 KB gzipped. Our own limits are MAX_ENVELOPE/MAX_DOCUMENT.
    max_payload_length = MAX_ENVELOPE


class _JWERegistry(jwe.JWERegistry):
    max_ciphertext_length = MAX_ENVELOPE


_SIGNING = _JWSRegistry(algorithms=[SIGNATURE_ALG])
_JWS_HEADER = frozenset(("alg", "kid", "typ", "cty"))  # nothing else: no crit, b64, jwk, x5u …
_ENCRYPTION = _JWERegistry(algorithms=[ENCRYPTION_ALG, CONTENT_ENC])


class EnvelopeError(Exception):
    """A container that cannot be opened or trusted. ``code`` is stable, for logs and HTTP answers.

    Codes: ``malformed`` (not compact JOSE, or not our parameters), ``not_for_us`` (cannot
    be decrypted with this key), ``unknown_key`` (signed by a key not on record),
    ``bad_signature``, ``wrong_type``, ``too_large``, ``bad_key``.
    """

    def __init__(self, code: str, message: str, user_message: str) -> None:
        super().__init__(message)
        self.code = code
        self.user_message = user_message


@dataclass(frozen=True)
class Opened:
    kid: str
    typ: str
    document: bytes


def _gzip(document: bytes) -> bytes:
    return gzip.compress(document, compresslevel=GZIP_LEVEL, mtime=0)


def _gunzip(payload: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)  # gzip framing
    try:
        document = inflater.decompress(payload, MAX_DOCUMENT + 1)
    except zlib.error:
        raise EnvelopeError("malformed", "payload is not gzip", "同步文件内容已损坏（无法解压）。") from None
    if len(document) > MAX_DOCUMENT or inflater.unconsumed_tail:
        raise EnvelopeError("too_large", f"payload expands beyond {MAX_DOCUMENT} bytes",
                            f"同步文件解压后超过 {MAX_DOCUMENT // 1024 // 1024} MB，已拒收。")
    if not inflater.eof:
        raise EnvelopeError("malformed", "gzip payload is truncated", "同步文件内容不完整（压缩数据被截断）。")
    if inflater.unused_data:  # a second gzip member or trailing bytes: one document, one member
        raise EnvelopeError("malformed", "data after the gzip stream", "同步文件内容已损坏（压缩数据后有多余内容）。")
    return document


def sign(document: bytes, *, signer: Ed25519PrivateKey, kid: str, typ: str) -> str:
    """A compact JWS of ``document`` (gzipped), signed with Ed25519."""
    header = {"alg": SIGNATURE_ALG, "kid": kid, "typ": typ, "cty": GZIP}
    return jws.serialize_compact(header, _gzip(document), OKPKey.import_key(signer), registry=_SIGNING)


def seal(document: bytes, *, signer: Ed25519PrivateKey, kid: str, typ: str,
         recipient: RSAPublicKey, recipient_kid: str) -> str:
    """``document`` signed, then encrypted to ``recipient``: a compact JWE holding a compact JWS."""
    inner = sign(document, signer=signer, kid=kid, typ=typ)
    header = {"alg": ENCRYPTION_ALG, "enc": CONTENT_ENC, "kid": recipient_kid, "cty": "JOSE"}
    return jwe.encrypt_compact(header, inner.encode("ascii"), RSAKey.import_key(recipient),
                               registry=_ENCRYPTION)


def _text(token: str | bytes) -> str:
    if isinstance(token, bytes):
        if len(token) > MAX_ENVELOPE:
            raise EnvelopeError("too_large", "envelope too large", "同步文件过大，已拒收。")
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise EnvelopeError("malformed", "not compact JOSE", "这不是同步文件（格式不对）。") from None
    if len(token) > MAX_ENVELOPE:
        raise EnvelopeError("too_large", "envelope too large", "同步文件过大，已拒收。")
    return token.strip()


def decrypt(token: str | bytes, *, recipient: RSAPrivateKey) -> str:
    """The compact JWS inside a JWE addressed to ``recipient``."""
    text = _text(token)
    if text.count(".") != 4:
        raise EnvelopeError("malformed", "not a compact JWE", "这不是加密的同步文件（格式不对）。")
    header = _protected_header(text)
    if header.get("alg") != ENCRYPTION_ALG or header.get("enc") != CONTENT_ENC or "zip" in header:
        raise EnvelopeError("malformed", f"JWE parameters are not ours ({ENCRYPTION_ALG}, {CONTENT_ENC})",
                            "加密算法或参数不对（应为 RSA-OAEP-256 / A256GCM），已拒收。")
    try:
        plain = jwe.decrypt_compact(text, RSAKey.import_key(recipient), registry=_ENCRYPTION).plaintext
    except JoseError as exc:
        raise EnvelopeError("not_for_us", f"cannot decrypt: {type(exc).__name__}",
                            "同步文件无法解密：不是发给本方的，或已被改动。") from None
    except (ValueError, TypeError) as exc:
        raise EnvelopeError("malformed", f"cannot read JWE: {exc}", "加密的同步文件已损坏。") from None
    if plain is None:
        raise EnvelopeError("malformed", "empty JWE", "加密的同步文件是空的。")
    try:
        return plain.decode("ascii")
    except UnicodeDecodeError:
        raise EnvelopeError("malformed", "JWE does not hold a JWS", "同步文件里没有签名数据。") from None


def _protected_header(token: str) -> dict[str, object]:
    part = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise EnvelopeError("malformed", "unreadable JOSE header", "同步文件格式不对（文件头无法读取）。") from None
    if not isinstance(header, dict):
        raise EnvelopeError("malformed", "JOSE header is not an object", "同步文件格式不对（文件头无法读取）。")
    return header


def _headers(token: str) -> dict[str, object]:
    if token.count(".") != 2:
        raise EnvelopeError("malformed", "not a compact JWS", "签名数据格式不对。")
    try:
        return dict(jws.extract_compact(token.encode("ascii"), registry=_SIGNING).headers())
    except (JoseError, ValueError, TypeError, UnicodeError):
        raise EnvelopeError("malformed", "unreadable JWS header", "签名数据格式不对。") from None


def unverified(token: str | bytes) -> Opened:
    """What a JWS claims, *before* checking its signature (to find the key a registration brings)."""
    token = _text(token)
    headers = _headers(token)
    try:
        payload = jws.extract_compact(token.encode("ascii"), registry=_SIGNING).payload
    except (JoseError, ValueError, TypeError):
        raise EnvelopeError("malformed", "unreadable JWS payload", "签名数据格式不对。") from None
    return Opened(str(headers.get("kid", "")), str(headers.get("typ", "")), _gunzip(payload))


def verify(token: str | bytes, *, key_for_kid: Callable[[str], Ed25519PublicKey | None], typ: str) -> Opened:
    """Check a compact JWS: our parameters, a known key, a good signature, the expected type."""
    text = _text(token)
    headers = _headers(text)
    if headers.get("alg") != SIGNATURE_ALG or headers.get("cty") != GZIP or not set(headers) <= _JWS_HEADER:
        raise EnvelopeError("malformed", f"JWS parameters are not ours: {sorted(headers)}",
                            "签名算法或参数不对（应为 Ed25519），已拒收。")
    if headers.get("typ") != typ:
        raise EnvelopeError("wrong_type", f"expected {typ}, got {headers.get('typ')!r}",
                            "文件类型不对，已拒收。")
    kid = headers.get("kid")
    key = key_for_kid(kid) if isinstance(kid, str) else None
    if key is None:
        raise EnvelopeError("unknown_key", f"no key on record for kid {kid!r}",
                            "签名密钥未登记：发件方尚未注册，或用了已更换的密钥。")
    try:
        payload = jws.deserialize_compact(text, OKPKey.import_key(key), registry=_SIGNING).payload
    except BadSignatureError:
        raise EnvelopeError("bad_signature", "signature does not verify",
                            "签名不符：文件被改动过，或不是所称的发件方签发的。") from None
    except (JoseError, ValueError, TypeError) as exc:
        raise EnvelopeError("malformed", f"cannot verify JWS: {exc}", "签名数据格式不对。") from None
    return Opened(kid, typ, _gunzip(payload))  # type: ignore[arg-type]


def open_sealed(token: str | bytes, *, recipient: RSAPrivateKey,
                key_for_kid: Callable[[str], Ed25519PublicKey | None], typ: str) -> Opened:
    """Decrypt, then verify: the document and the signer's kid."""
    return verify(decrypt(token, recipient=recipient), key_for_kid=key_for_kid, typ=typ)
