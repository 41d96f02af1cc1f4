"""Public keys as JWKs (RFC 7517), each with its ``kid``: the RFC 7638 thumbprint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey, RSAKey

from jiangxin_desktop.envelope.jose import EnvelopeError

MIN_RSA_BITS = 3072


def key_id(jwk: Mapping[str, Any]) -> str:
    """The ``kid`` a JWK carries (set by :func:`rsa_jwk` / :func:`ed25519_jwk`)."""
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        raise EnvelopeError("bad_key", "a public key without kid", "密钥文件缺少密钥编号（kid）。")
    return kid


def rsa_jwk(key: RSAPublicKey | RSAPrivateKey) -> dict[str, Any]:
    public = key.public_key() if isinstance(key, RSAPrivateKey) else key
    jwk = RSAKey.import_key(public)
    return {**jwk.as_dict(private=False), "kid": jwk.thumbprint(), "alg": "RSA-OAEP-256", "use": "enc"}


def ed25519_jwk(key: Ed25519PublicKey | Ed25519PrivateKey) -> dict[str, Any]:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    jwk = OKPKey.import_key(public)
    return {**jwk.as_dict(private=False), "kid": jwk.thumbprint(), "alg": "Ed25519", "use": "sig"}


def _public_part(jwk: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    if any(name in jwk for name in ("d", "p", "q", "dp", "dq", "qi")):
        raise EnvelopeError("bad_key", "a private key where a public one belongs",
                            "文件里含有私钥，不能这样分发；请向市里索取正确的注册文件。")
    return {name: jwk[name] for name in names if name in jwk}


def rsa_from_jwk(jwk: Mapping[str, Any]) -> RSAPublicKey:
    """The RSA public key of a JWK whose thumbprint is its ``kid``; at least 3072 bits."""
    try:
        key = RSAKey.import_key(_public_part(jwk, ("kty", "n", "e")))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise EnvelopeError("bad_key", f"not an RSA public key: {exc}", "市里的加密公钥无法读取。") from None
    public = key.public_key
    if not isinstance(public, RSAPublicKey) or public.key_size < MIN_RSA_BITS:
        raise EnvelopeError("bad_key", "RSA key shorter than 3072 bits", "市里的加密公钥太短（应至少 3072 位）。")
    if key.thumbprint() != key_id(jwk):
        raise EnvelopeError("bad_key", "kid is not the key's thumbprint", "市里的加密公钥编号与密钥不符。")
    return public


def ed25519_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    """The Ed25519 public key of a JWK whose thumbprint is its ``kid``."""
    try:
        key = OKPKey.import_key(_public_part(jwk, ("kty", "crv", "x")))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise EnvelopeError("bad_key", f"not an Ed25519 public key: {exc}", "签名公钥无法读取。") from None
    public = key.public_key
    if not isinstance(public, Ed25519PublicKey):
        raise EnvelopeError("bad_key", "not an Ed25519 key", "签名公钥不是 Ed25519 密钥。")
    if key.thumbprint() != key_id(jwk):
        raise EnvelopeError("bad_key", "kid is not the key's thumbprint", "签名公钥编号与密钥不符。")
    return public
