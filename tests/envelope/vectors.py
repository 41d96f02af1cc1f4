"""The sync protocol's test vectors (``tests/fixtures/sync-vectors/``): build, write, read.

    .venv/bin/python -m tests.envelope.vectors            # check the stored vectors
    .venv/bin/python -m tests.envelope.vectors --write    # write them anew (new JWE, same JWS)

The keys are TEST KEYS, published on purpose: they sign and encrypt nothing real. The batch
holds fictitious people. Everything but ``batch.jwe`` is deterministic (canonical JSON, gzip
with mtime 0, Ed25519 signatures); the JWE has a random content key and IV, so it is stored
once and checked by opening it, not by comparing bytes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from jiangxin_desktop.envelope import ed25519_jwk, open_sealed, rsa_jwk, seal, sign, verify
from jiangxin_desktop.protocol.batch import (
    ACCEPTED,
    BATCH,
    RECEIPT,
    Receipt,
    Record,
    batch_document,
    document_hash,
)

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "sync-vectors"
STATION_KEY = "station-signing-ed25519.TEST-KEY.pem"
CITY_ENCRYPTION_KEY = "city-encryption-rsa3072.TEST-KEY.pem"
CITY_SIGNING_KEY = "city-signing-ed25519.TEST-KEY.pem"

STATION = "320706001"
BATCH_ID = "0193a4c2-5b1e-7c3d-8e4f-0000000000b1"
SEQUENCE = 2
PREVIOUS_HASH = "sha256:" + hashlib.sha256(b"batch 1 of the test vectors").hexdigest()
CREATED_AT = "2026-12-01T09:00:00.000Z"
RECEIVED_AT = "2026-12-01T09:00:05.120Z"


def station_kid(key: ed25519.Ed25519PrivateKey) -> str:
    """The station key's id: SHA-256 of the raw public key, first 16 hex (services/security/signing.py)."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _id_number(first17: str) -> str:
    """A fictitious 18-character ID with its ISO 7064 MOD 11-2 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def _u(n: int) -> str:
    return f"0193a4c2-5b1e-7c3d-8e4f-{n:012x}"


_COMMON = {"station_code": STATION, "version": 1, "created_at": "2026-11-30T01:10:00.000Z",
           "updated_at": "2026-11-30T01:10:00.000Z"}


def _trainee(n: int, name: str, id17: str, birth: str, sex: str, phone: str) -> dict:
    return {
        **_COMMON, "uuid": _u(n), "name": name, "id_number": _id_number(id17), "birth_date": birth,
        "sex": sex, "phone": phone, "hukou": "农业", "ethnicity": "汉族", "education": "高中",
        "target_group": "11", "target_flags": ["农村转移劳动力"], "evidence_type": "户口簿",
        "evidence_number": f"HK-TEST-{n}", "employment_status": "未就业", "bank_card": None,
        "address": "连云港市海州区测试路 1 号（虚构）", "employer": None, "employer_uscc": None,
        "employer_uscc_override": None, "note": None, "consent_at": "2026-11-30T01:09:00.000Z",
        "consent_version": "2026-1", "photo_consent": False, "active": True, "deactivated_at": None,
        "deactivated_reason": None, "created_by": "clerk", "anonymised_at": None,
    }


def sample_records() -> list[Record]:
    """2 trainees, 1 class, 1 session, 1 enrolment, 1 attendance: fictitious, but as the station writes them."""
    trainees = [
        _trainee(1, "测试甲", "32070619900101001", "1990-01-01", "男", "13900000001"),
        _trainee(2, "测试乙", "32070619920202002", "1992-02-02", "女", "13900000002"),
    ]
    training_class = {
        **_COMMON, "uuid": _u(10), "code": "TEST-2026-001", "name": "中式面点师（初级）测试班",
        "status": "opened", "catalog_version": "2026.1", "project_code": "P01",
        "project_name": "就业技能培训", "occupation_code": "4-03-02-02", "occupation_name": "中式面点师",
        "level": "五级", "certificate_type": "专项职业能力证书", "institution_code": "TEST-INST",
        "institution_name": "连云港市测试职业培训学校（虚构）", "institution_uscc": "91320700TEST00000X",
        "site": "海州区测试路 1 号", "start_date": "2026-12-01", "end_date": "2026-12-20",
        "class_hours": 80, "capacity": 40, "teachers": ["测试老师"], "fee_fen": 160000,
        "government_fen": 160000, "employer_fen": 0, "personal_fen": 0, "note": None,
        "review_note": None, "approved_by": "reviewer", "approved_at": "2026-11-30T02:00:00.000Z",
        "created_by": "clerk",
    }
    session = {
        **_COMMON, "uuid": _u(20), "class_uuid": _u(10), "number": 1, "day": "2026-12-01",
        "start_time": "08:30", "end_time": "11:30", "hours": 3, "teacher": "测试老师", "topic": "面团调制",
    }
    enrollment = {
        **_COMMON, "uuid": _u(30), "class_uuid": _u(10), "trainee_uuid": _u(1), "target_group": "11",
        "target_flags": ["农村转移劳动力"], "evidence_type": "户口簿", "evidence_number": "HK-TEST-1",
        "subsidised": True, "status": "enrolled", "warnings": [], "withdrawn_at": None,
        "withdrawn_reason": None, "created_by": "clerk",
    }
    attendance = {
        **_COMMON, "uuid": _u(40), "version": 2, "updated_at": "2026-12-01T03:31:00.000Z",
        "session_uuid": _u(20), "enrollment_uuid": _u(30), "status": "present",
        "sign_in_at": "2026-12-01T00:28:00.000Z", "sign_out_at": "2026-12-01T03:31:00.000Z",
        "note": None, "recorded_by": "clerk", "makeup": None, "makeup_reason": None,
        "makeup_sign_in_at": None, "makeup_sign_out_at": None, "makeup_by": None,
        "makeup_reviewed_by": None, "makeup_reviewed_at": None,
    }
    rows = [("attendance", attendance), ("enrollment", enrollment), ("trainee", trainees[0]),
            ("class_session", session), ("trainee", trainees[1]), ("training_class", training_class)]
    # given children first on purpose: batch_document puts parents first
    return [Record(entity, row["uuid"], row["version"], "upsert", row) for entity, row in rows]


def batch() -> bytes:
    return batch_document(batch_id=BATCH_ID, station_code=STATION, sequence=SEQUENCE, created_at=CREATED_AT,
                          previous_hash=PREVIOUS_HASH, records=sample_records())


def receipt(batch_hash: str) -> bytes:
    return Receipt(batch_id=BATCH_ID, station_code=STATION, sequence=SEQUENCE, batch_hash=batch_hash,
                   received_at=RECEIVED_AT, status=ACCEPTED, accepted=6, duplicates=0).document()


def _pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_keys(folder: Path = FOLDER) -> tuple[ed25519.Ed25519PrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey]:
    """(station signing key, city encryption key, city signing key) of the vectors."""
    loaded = [serialization.load_pem_private_key((folder / name).read_bytes(), password=None)
              for name in (STATION_KEY, CITY_ENCRYPTION_KEY, CITY_SIGNING_KEY)]
    return loaded[0], loaded[1], loaded[2]  # type: ignore[return-value]


def public_keys(station, city_encryption, city_signing) -> dict:
    raw = station.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {
        "station": {"kid": station_kid(station), "jwk": ed25519_jwk(station),
                    "public_key_base64": base64.b64encode(raw).decode("ascii")},
        "city_encryption": rsa_jwk(city_encryption),
        "city_signing": ed25519_jwk(city_signing),
    }


def write(folder: Path = FOLDER, *, new_keys: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if new_keys or not (folder / STATION_KEY).exists():
        for name, key in ((STATION_KEY, ed25519.Ed25519PrivateKey.generate()),
                          (CITY_ENCRYPTION_KEY, rsa.generate_private_key(65537, 3072)),
                          (CITY_SIGNING_KEY, ed25519.Ed25519PrivateKey.generate())):
            (folder / name).write_bytes(_pem(key))
    station, city_encryption, city_signing = load_keys(folder)
    document = batch()
    (folder / "keys.json").write_text(
        json.dumps(public_keys(station, city_encryption, city_signing), indent=2, ensure_ascii=False) + "\n")
    (folder / "batch.json").write_bytes(document)
    (folder / "batch.sha256").write_text(document_hash(document) + "\n")
    (folder / "batch.jws").write_text(sign(document, signer=station, kid=station_kid(station), typ=BATCH) + "\n")
    (folder / "batch.jwe").write_text(
        seal(document, signer=station, kid=station_kid(station), typ=BATCH, recipient=city_encryption.public_key(),
             recipient_kid=rsa_jwk(city_encryption)["kid"]) + "\n")
    receipt_document = receipt(document_hash(document))
    (folder / "receipt.json").write_bytes(receipt_document)
    (folder / "receipt.jws").write_text(
        sign(receipt_document, signer=city_signing, kid=ed25519_jwk(city_signing)["kid"], typ=RECEIPT) + "\n")


def check(folder: Path = FOLDER) -> list[str]:
    """What differs between the stored vectors and what the code makes of them now (empty: all good)."""
    station, city_encryption, city_signing = load_keys(folder)
    problems = []
    document = batch()
    expected_text = {
        "keys.json": json.dumps(public_keys(station, city_encryption, city_signing), indent=2,
                                ensure_ascii=False) + "\n",
        "batch.sha256": document_hash(document) + "\n",
        "batch.jws": sign(document, signer=station, kid=station_kid(station), typ=BATCH) + "\n",
        "receipt.jws": sign(receipt(document_hash(document)), signer=city_signing,
                            kid=ed25519_jwk(city_signing)["kid"], typ=RECEIPT) + "\n",
    }
    for name, text in expected_text.items():
        if (folder / name).read_text() != text:
            problems.append(f"{name} differs from what the code makes")
    for name, data in (("batch.json", document), ("receipt.json", receipt(document_hash(document)))):
        if (folder / name).read_bytes() != data:
            problems.append(f"{name} differs from what the code makes")
    keys = {station_kid(station): station.public_key()}
    opened = open_sealed((folder / "batch.jwe").read_text(), recipient=city_encryption, key_for_kid=keys.get,
                         typ=BATCH)
    if opened.document != (folder / "batch.json").read_bytes():
        problems.append("batch.jwe does not open to batch.json")
    city_keys = {ed25519_jwk(city_signing)["kid"]: city_signing.public_key()}
    if verify((folder / "receipt.jws").read_text(), key_for_kid=city_keys.get, typ=RECEIPT).document != \
            (folder / "receipt.json").read_bytes():
        problems.append("receipt.jws does not verify to receipt.json")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the vectors (keeps the keys)")
    parser.add_argument("--new-keys", action="store_true", help="with --write: new test keys too")
    args = parser.parse_args()
    if args.write:
        write(new_keys=args.new_keys)
    problems = check()
    print("\n".join(problems) or f"test vectors in {FOLDER} match the code")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
