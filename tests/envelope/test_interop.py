"""A second, independent JOSE implementation (jwcrypto) opens what the station seals, and seals
what the city opens: the protocol is what docs/sync-protocol.md says, not what joserfc happens to do.

jwcrypto is used alone here, with the stored test vectors and their PEM keys; nothing of
``jiangxin_desktop.envelope`` takes part in opening them.
"""

from __future__ import annotations

import gzip
import json

from jwcrypto import jwe, jwk, jws

from jiangxin_desktop.envelope import open_sealed, verify
from tests.envelope.vectors import FOLDER, load_keys, station_kid

KEYS = json.loads((FOLDER / "keys.json").read_text())


def _pem_key(name: str) -> jwk.JWK:
    return jwk.JWK.from_pem((FOLDER / name).read_bytes())


def _canonical(document: bytes) -> bool:
    """RFC 8785 for a document whose keys are plain ASCII: sorted keys, no whitespace, UTF-8."""
    value = json.loads(document)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == document


def test_jwcrypto_opens_the_sealed_batch():
    token = (FOLDER / "batch.jwe").read_text().strip()
    encrypted = jwe.JWE()
    encrypted.deserialize(token, key=_pem_key("city-encryption-rsa3072.TEST-KEY.pem"))
    assert encrypted.jose_header == {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": KEYS["city_encryption"]["kid"],
                                     "cty": "JOSE"}
    signed = jws.JWS()
    signed.deserialize(encrypted.payload.decode("ascii"))
    assert signed.jose_header == {"alg": "Ed25519", "kid": KEYS["station"]["kid"], "typ": "jiangxin.batch",
                                  "cty": "application/gzip"}
    # jwcrypto 1.6 knows RFC 9864's "Ed25519" (and still "EdDSA"); the key comes from keys.json
    signed.verify(jwk.JWK(**KEYS["station"]["jwk"]), alg="Ed25519")
    document = gzip.decompress(signed.payload)
    assert document == (FOLDER / "batch.json").read_bytes()
    assert _canonical(document)
    assert json.loads(document)["total"] == 6


def test_jwcrypto_verifies_the_receipt():
    signed = jws.JWS()
    signed.deserialize((FOLDER / "receipt.jws").read_text().strip())
    signed.verify(jwk.JWK(**KEYS["city_signing"]), alg="Ed25519")
    receipt = gzip.decompress(signed.payload)
    assert receipt == (FOLDER / "receipt.json").read_bytes() and _canonical(receipt)
    assert json.loads(receipt)["batch_hash"] == (FOLDER / "batch.sha256").read_text().strip()


def test_what_jwcrypto_seals_the_city_opens():
    """The other way round: a station written with jwcrypto would be understood."""
    station, city_encryption, _ = load_keys()
    document = (FOLDER / "batch.json").read_bytes()
    signed = jws.JWS(gzip.compress(document, mtime=0))
    signed.add_signature(_pem_key("station-signing-ed25519.TEST-KEY.pem"), alg="Ed25519",
                         protected={"alg": "Ed25519", "kid": station_kid(station), "typ": "jiangxin.batch",
                                    "cty": "application/gzip"})
    encrypted = jwe.JWE(signed.serialize(compact=True).encode("ascii"),
                        protected={"alg": "RSA-OAEP-256", "enc": "A256GCM",
                                   "kid": KEYS["city_encryption"]["kid"], "cty": "JOSE"})
    encrypted.add_recipient(jwk.JWK(**KEYS["city_encryption"]))
    opened = open_sealed(encrypted.serialize(compact=True), recipient=city_encryption,
                         key_for_kid={station_kid(station): station.public_key()}.get, typ="jiangxin.batch")
    assert opened.document == document
    assert verify(signed.serialize(compact=True), key_for_kid={station_kid(station): station.public_key()}.get,
                  typ="jiangxin.batch").document == document
