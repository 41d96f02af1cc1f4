"""The stored test vectors (tests/fixtures/sync-vectors/) are what the code makes today.

If a change to the documents or the envelope breaks this, the protocol changed for the
city's IT too: regenerate with ``python -m tests.envelope.vectors --write`` only together
with docs/sync-protocol.md and a new ``format`` or ``PROTOCOL_VERSION``.
"""

from __future__ import annotations

import base64
import json

from jiangxin_desktop.envelope import decrypt, ed25519_from_jwk, rsa_from_jwk
from jiangxin_desktop.protocol.batch import read_batch, read_receipt
from tests.envelope.vectors import FOLDER, check, load_keys, station_kid


def test_the_stored_vectors_match_the_code():
    assert check() == []


def test_the_stored_jwe_holds_the_stored_deterministic_jws():
    station, city_encryption, _ = load_keys()
    inner = decrypt((FOLDER / "batch.jwe").read_text(), recipient=city_encryption)
    assert inner + "\n" == (FOLDER / "batch.jws").read_text()
    header = json.loads(base64.urlsafe_b64decode(inner.split(".")[0] + "=="))
    assert header == {"alg": "Ed25519", "kid": station_kid(station), "typ": "jiangxin.batch",
                      "cty": "application/gzip"}


def test_the_published_public_keys_are_the_test_keys():
    station, city_encryption, city_signing = load_keys()
    keys = json.loads((FOLDER / "keys.json").read_text())
    assert rsa_from_jwk(keys["city_encryption"]).public_numbers() == city_encryption.public_key().public_numbers()
    assert ed25519_from_jwk(keys["city_signing"]) == city_signing.public_key()
    assert ed25519_from_jwk(keys["station"]["jwk"]) == station.public_key()
    assert keys["station"]["kid"] == station_kid(station)


def test_the_stored_documents_read():
    batch = read_batch((FOLDER / "batch.json").read_bytes())
    receipt = read_receipt((FOLDER / "receipt.json").read_bytes())
    assert receipt.batch_hash == batch.hash == (FOLDER / "batch.sha256").read_text().strip()
    assert (receipt.batch_id, receipt.sequence, receipt.accepted) == (batch.batch_id, batch.sequence, 6)
