"""A station as the city sees it, built from protocol and envelope alone (not the station's services)."""

from __future__ import annotations

import base64
import hashlib
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jiangxin_desktop.envelope import ed25519_from_jwk, rsa_from_jwk, seal, verify
from jiangxin_desktop.protocol import to_wire
from jiangxin_desktop.protocol.batch import (
    BATCH,
    REGISTRATION,
    Enrolment,
    Record,
    Registration,
    batch_document,
    document_hash,
)

START = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@dataclass
class Clock:
    """The city's clock in tests: never the machine's."""

    moment: datetime = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def session_record(station_code: str, *, version: int = 1, row_uuid: str | None = None,
                   op: str = "upsert", number: int = 1) -> Record:
    """A class session row as it travels (the simplest travelling entity)."""
    row_uuid = row_uuid or str(uuid.uuid4())
    wire = to_wire("class_session", {
        "seq": 1, "uuid": row_uuid, "station_code": station_code, "version": version,
        "created_at": "2026-12-01T00:30:00.000Z", "updated_at": "2026-12-01T00:35:12.250Z",
        "class_uuid": "0193a4c2-5b1e-7c3d-8e4f-aaaaaaaaaaaa", "number": number,
        "day": "2026-12-03", "start_time": "08:30", "end_time": "11:30", "hours": 4,
        "teacher": "王老师", "topic": None,
    })
    return Record("class_session", row_uuid, version, op, None if op == "delete" else wire)


@dataclass
class Station:
    """Keeps its chain (sequence, last hash) and seals batches to the city of its enrolment."""

    code: str
    enrolment: Enrolment
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    sequence: int = 0
    last_hash: str | None = None

    @property
    def kid(self) -> str:
        return hashlib.sha256(raw_public(self.key)).hexdigest()[:16]

    def seal(self, document: bytes, typ: str, *, key: Ed25519PrivateKey | None = None,
             kid: str | None = None) -> str:
        city_key = self.enrolment.encryption_key
        return seal(document, signer=key or self.key, kid=kid or self.kid, typ=typ,
                    recipient=rsa_from_jwk(city_key), recipient_kid=str(city_key["kid"]))

    def registration(self, *, token: str | None = None) -> str:
        document = Registration(
            enrolment_id=self.enrolment.enrolment_id, station_code=self.code,
            token=token or self.enrolment.token, key_id=self.kid,
            public_key=base64.b64encode(raw_public(self.key)).decode("ascii"),
            created_at="2026-12-03T08:00:00.000Z").document()
        return self.seal(document, REGISTRATION)

    def document(self, records: list[Record], *, sequence: int | None = None,
                 previous_hash: str | None | bool = False, batch_id: str | None = None) -> tuple[str, bytes]:
        """(batch id, document) of the next batch (or the sequence/previous hash given)."""
        batch_id = batch_id or str(uuid.uuid4())
        sequence = self.sequence + 1 if sequence is None else sequence
        previous = self.last_hash if previous_hash is False else previous_hash
        return batch_id, batch_document(batch_id=batch_id, station_code=self.code, sequence=sequence,
                                        created_at="2026-12-03T08:00:00.000Z",
                                        previous_hash=previous, records=records)  # type: ignore[arg-type]

    def advance(self, document: bytes) -> None:
        """The city took ``document`` (accepted or rejected): the chain moves on."""
        self.sequence += 1
        self.last_hash = document_hash(document)

    def next_batch(self, records: list[Record]) -> tuple[str, bytes, str]:
        batch_id, document = self.document(records)
        return batch_id, document, self.seal(document, BATCH)


def city_verify(enrolment: Enrolment, token: str, typ: str) -> bytes:
    """A city-signed JWS checked the way a station checks it: with the enrolment's signing key."""
    public = ed25519_from_jwk(enrolment.signing_key)
    kid = str(enrolment.signing_key["kid"])
    return verify(token, key_for_kid=lambda k: public if k == kid else None, typ=typ).document


@contextmanager
def running_server(receiver) -> Iterator[tuple[str, ssl.SSLContext]]:
    """The receiver on a free loopback port over TLS: (base URL, a client context pinning its cert)."""
    import uvicorn

    from jiangxin_desktop.city.app import build_app

    config = uvicorn.Config(build_app(receiver), host="127.0.0.1", port=0, lifespan="off", ws="none",
                            log_level="critical", ssl_keyfile=str(receiver.city.tls_key_path),
                            ssl_certfile=str(receiver.city.tls_cert_path))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="city-receiver", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the receiver did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    pinned = ssl.create_default_context(cafile=str(receiver.city.tls_cert_path))
    try:
        yield f"https://127.0.0.1:{port}", pinned
    finally:
        server.should_exit = True
        thread.join(30)
