"""Twenty stations uploading at once through HTTPS: every batch taken once, each chain in order."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.registration import issue_enrolment
from jiangxin_desktop.protocol.batch import RECEIPT, read_receipt
from tests.city.kit import Station, city_verify, running_server, session_record

STATIONS, BATCHES, ROWS = 20, 4, 100


@pytest.mark.parametrize("database_url", ["postgresql", "sqlite"], indirect=True)
def test_twenty_stations_upload_at_once(receiver, database_url):
    stations = [Station(f"3207060{n:02d}", issue_enrolment(receiver, f"3207060{n:02d}", issued_by="test"))
                for n in range(1, STATIONS + 1)]
    timings: list[float] = []
    lock = threading.Lock()

    def upload_all(station: Station, base: str, pinned) -> list[str]:
        statuses = []
        with httpx.Client(base_url=base, verify=pinned, timeout=120) as client:
            assert client.post("/v1/registrations", content=station.registration()).status_code == 200
            for _ in range(BATCHES):
                records = [session_record(station.code, number=n) for n in range(ROWS)]
                batch_id, document, sealed = station.next_batch(records)
                started = time.perf_counter()
                # the same batch twice at once (a retry racing the first try): one receipt for both
                with ThreadPoolExecutor(2) as twice:
                    answers = list(twice.map(lambda _: client.put(
                        f"/v1/batches/{batch_id}", content=sealed,
                        headers={"Content-Type": "application/jose"}), range(2)))
                with lock:
                    timings.append(time.perf_counter() - started)
                assert [a.status_code for a in answers] == [200, 200], answers[0].text
                assert answers[0].text == answers[1].text
                statuses.append(read_receipt(city_verify(station.enrolment, answers[0].text, RECEIPT)).status)
                station.advance(document)
        return statuses

    with running_server(receiver) as (base, pinned), ThreadPoolExecutor(STATIONS) as pool:
        started = time.perf_counter()
        results = list(pool.map(lambda s: upload_all(s, base, pinned), stations))
        elapsed = time.perf_counter() - started
    assert all(statuses == ["accepted"] * BATCHES for statuses in results)
    with receiver.store.reading() as connection:
        assert connection.execute(select(func.count()).select_from(schema.city_row)).scalar() == \
            STATIONS * BATCHES * ROWS
        chains = connection.execute(select(schema.station.c.last_sequence)).scalars().all()
        assert chains == [BATCHES] * STATIONS
        per_station = connection.execute(select(schema.batch.c.station_code, func.count())
                                         .group_by(schema.batch.c.station_code)).all()
        assert sorted(count for _, count in per_station) == [BATCHES] * STATIONS
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"\n{receiver.store.engine.dialect.name}: {STATIONS * BATCHES * ROWS / elapsed:.0f} rows/s, "
          f"p95 receipt {p95 * 1000:.0f} ms ({STATIONS} stations × {BATCHES} batches × {ROWS} rows)")
