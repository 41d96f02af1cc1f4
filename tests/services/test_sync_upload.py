"""Sync over HTTPS against a real receiver on loopback: registration, batches confirmed by signed
receipts, back-off, faults, and what the clerk is told."""

from __future__ import annotations

import pytest

from tests.services.classes_helpers import person
from tests.services.sync_city import CityServer, city, city_keys, enrol, station  # noqa: F401


def test_registration_then_batches_confirmed_and_nothing_pending(station, city, tmp_path):
    ctx = station
    for seq in range(101, 104):
        person(ctx, seq=seq, name="钱小满")
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        before = ctx.sync.status()
        assert before.enrolled and not before.registered and before.unconfirmed_records == 3
        result = ctx.sync.sync_now()
    assert result.failed is None, result
    assert result.registered and result.confirmed == 1
    status = ctx.sync.status()
    assert status.registered and status.unconfirmed_records == 0 and status.pending_records == 0
    assert len(city.rows) == 3
    [batch] = ctx.sync.batches()
    assert batch.status_label == "已确认" and batch.record_count == 3
