"""The city's receiver: enrols stations, ingests their sealed batches, signs receipts and catalogs.

Optional extra ``[city]`` (Starlette, uvicorn, psycopg 3). Imports ``protocol`` and
``envelope`` of this program and nothing of the station (no Qt, no services, no store):
an import contract in pyproject.toml keeps it so. ``docs/city.md`` says how a county runs it.

Public names (loaded on first use, so ``city --help`` needs neither SQLAlchemy nor Starlette):

- ``init_city(folder, …)`` / ``load_city(folder)`` → ``City``: the folder, its keys and settings;
- ``open_receiver(city, clock)`` → ``Receiver``: the city with its database (``Store``);
- ``issue_enrolment(receiver, station_code, days=…, issued_by=…)`` → ``protocol.batch.Enrolment``;
- ``register(receiver, sealed, remote)`` / ``ingest(receiver, batch_id, sealed, remote)`` → signed JWS;
- ``publish_catalog(receiver, content, version, published_by=…)``, ``newest_catalog(store, after)``;
- ``import_folder(receiver, folder)`` → ``ImportResult`` (USB);
- ``list_claims(store, station, status)``, ``decide_claim(receiver, claim, decision, …)`` → ``CityClaim``;
  ``decisions_document(receiver, station, after)`` / ``answer_request(receiver, body)`` → signed JWS;
- ``build_app(receiver)`` (Starlette) and ``serve(receiver, host, port)`` (uvicorn, TLS);
- ``CityError``: every refusal, with ``code``, HTTP ``status``, ``message``, ``user_message``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "City": "keys", "init_city": "keys", "load_city": "keys",
    "CityError": "errors",
    "Receiver": "receiver", "open_receiver": "receiver",
    "Store": "store",
    "issue_enrolment": "registration", "register": "registration",
    "ingest": "ingest",
    "publish_catalog": "catalog", "newest_catalog": "catalog",
    "ImportResult": "usb", "import_folder": "usb",
    "CityClaim": "claims", "list_claims": "claims", "decide_claim": "claims",
    "decisions_document": "downlink", "answer_request": "downlink",
    "build_app": "app", "serve": "app",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
