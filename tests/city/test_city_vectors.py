"""The published test vectors (tests/fixtures/sync-vectors) through the city's receiver: the sealed
batch opens with the test keys and is answered by the very receipt the vectors hold, byte for byte."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from sqlalchemy import insert, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.city.receiver import open_receiver

VECTORS = Path(__file__).resolve().parents[1] / "fixtures" / "sync-vectors"


def _key(name: str):
    return load_pem_private_key((VECTORS / name).read_bytes(), None)


def test_the_vector_batch_gets_the_vector_receipt(city):
    keys = json.loads((VECTORS / "keys.json").read_text(encoding="utf-8"))
    batch = json.loads((VECTORS / "batch.json").read_bytes())
    test_city = replace(city, encryption_key=_key("city-encryption-rsa3072.TEST-KEY.pem"),
                        signing_key=_key("city-signing-ed25519.TEST-KEY.pem"))
    receipt = json.loads((VECTORS / "receipt.json").read_bytes())
    received = datetime.strptime(receipt["received_at"], "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)
    receiver = open_receiver(test_city, lambda: received)
    try:
        with receiver.store.transaction() as connection:  # the station, registered, after its batch 1
            connection.execute(insert(schema.station).values(
                code=batch["station_code"], created_at="2026-11-30T00:00:00.000Z", last_sequence=1,
                last_hash=batch["previous_hash"]))
            connection.execute(insert(schema.station_key).values(
                kid=keys["station"]["kid"], station_code=batch["station_code"],
                public_key=keys["station"]["public_key_base64"], enrolment_id=batch["batch_id"],
                registered_at="2026-11-30T00:00:00.000Z"))
        answer = ingest(receiver, batch["batch_id"], (VECTORS / "batch.jwe").read_text(encoding="ascii"))
        assert answer == (VECTORS / "receipt.jws").read_text(encoding="ascii").strip()
        with receiver.store.reading() as connection:
            stored = connection.execute(select(schema.batch.c.document_hash)).scalar_one()
            rows = connection.execute(select(schema.city_row.c.entity)).scalars().all()
        assert stored == (VECTORS / "batch.sha256").read_text(encoding="ascii").strip()
        assert sorted(rows) == sorted(record["entity"] for record in batch["records"])
    finally:
        receiver.close()
