"""The receiver: the city's folder, its database and its clock, and the refusals it logs.

``ingest.ingest``, ``registration.register`` and ``catalog.newest_catalog`` do the work; the
HTTP app and ``city import`` call them with one :class:`Receiver`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.keys import City
from jiangxin_desktop.city.store import Store
from jiangxin_desktop.envelope import EnvelopeError, sign

# An envelope that cannot be opened or trusted, as an HTTP status.
ENVELOPE_STATUS = {
    "malformed": 400, "not_for_us": 400, "wrong_type": 400, "bad_key": 400, "too_large": 413,
    "unknown_key": 401, "bad_signature": 403,
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def envelope_refusal(exc: EnvelopeError) -> CityError:
    return CityError(exc.code, ENVELOPE_STATUS.get(exc.code, 400), str(exc), exc.user_message)


@dataclass
class Signer:
    """Which station a batch's signing key belongs to (filled while the signature is checked)."""

    kid: str | None = None
    station_code: str | None = None


@dataclass
class Receiver:
    city: City
    store: Store
    clock: Callable[[], datetime] = field(default=utc_now)

    def sign(self, document: bytes, typ: str) -> str:
        return sign(document, signer=self.city.signing_key, kid=self.city.signing_kid, typ=typ)

    def station_key(self, signer: Signer) -> Callable[[str], Ed25519PublicKey | None]:
        """The key lookup ``envelope.verify`` asks with the JWS ``kid``; notes whose key it is."""

        def lookup(kid: str) -> Ed25519PublicKey | None:
            with self.store.reading() as connection:
                row = connection.execute(
                    select(schema.station_key.c.station_code, schema.station_key.c.public_key)
                    .where(schema.station_key.c.kid == kid)).first()
            if row is None:
                return None
            signer.kid, signer.station_code = kid, row.station_code
            return Ed25519PublicKey.from_public_bytes(base64.b64decode(row.public_key))

        return lookup

    def refused(self, now: datetime, exc: CityError, *, station_code: str | None,
                batch_id: str | None = None, remote: str | None = None, what: str = "batch") -> None:
        """Log a refusal in the city's audit (its own transaction: the refused one rolled back)."""
        self.store.audit(now, f"{what}.refused", f"{exc.status} {exc.code}: {exc.message}",
                         station_code=station_code, batch_id=batch_id, code=exc.code, remote=remote)

    def close(self) -> None:
        self.store.close()


def open_receiver(city: City, clock: Callable[[], datetime] = utc_now) -> Receiver:
    return Receiver(city, Store(city.database), clock)


def bad_request(code: str, message: str, user_message: str, **extra: object) -> CityError:
    return CityError(code, 400, message, user_message, **extra)
