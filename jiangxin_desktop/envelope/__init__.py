"""The JOSE containers documents travel in: signed (JWS), and signed then encrypted (JWS in JWE).

Owns: the JOSE parameters of the sync protocol (``docs/sync-protocol.md``), sealing and
opening a document, signing and verifying one, and the public keys as JWKs. A document is
compressed (gzip) before it is signed, so the JWS payload is gzip bytes of canonical JSON.

Imports ``protocol`` (of ours), joserfc and cryptography only: both the station's
``services/sync`` and the city's receiver (``jiangxin_desktop.city``) use it.
"""

from __future__ import annotations

from jiangxin_desktop.envelope.jose import (
    ENCRYPTION_ALG,
    CONTENT_ENC,
    MAX_DOCUMENT,
    MAX_ENVELOPE,
    SIGNATURE_ALG,
    EnvelopeError,
    Opened,
    decrypt,
    open_sealed,
    seal,
    sign,
    unverified,
    verify,
)
from jiangxin_desktop.envelope.keys import (
    ed25519_jwk,
    ed25519_from_jwk,
    key_id,
    rsa_jwk,
    rsa_from_jwk,
)

__all__ = [
    "CONTENT_ENC", "ENCRYPTION_ALG", "MAX_DOCUMENT", "MAX_ENVELOPE", "SIGNATURE_ALG", "EnvelopeError",
    "Opened", "decrypt", "ed25519_from_jwk", "ed25519_jwk", "key_id", "open_sealed", "rsa_from_jwk",
    "rsa_jwk", "seal", "sign", "unverified", "verify",
]
