"""The USB way: the same sealed files out, the same signed answers back, the same statuses."""

from __future__ import annotations

import pytest

from jiangxin_desktop.services.sync import SyncError
from tests.services.classes_helpers import person
from tests.services.sync_city import answer_folder, city, city_keys, enrol, station  # noqa: F401
from tests.services.test_sync_catalog import city_catalog

URL = "https://127.0.0.1:9"


def test_export_then_receipts_round_trip_exactly_as_over_https(station, city, tmp_path):
    ctx = station
    for seq in (101, 102):
        person(ctx, seq=seq, name="钱小满")
    enrol(ctx, city, URL, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    exported = ctx.sync.export_to(usb)
    here = usb / "jiangxin-sync" / ctx.station.code
    assert exported.registration and exported.batches == 1 and exported.folder == str(here)
    [batch] = ctx.sync.batches()
    assert batch.status_label == "已发送"  # handed over; only a receipt confirms it
    assert ctx.sync.status().unconfirmed_records == 2
    assert (here / "registration.jwe").is_file()
    assert [p.name for p in (here / "batches").iterdir()] == [f"00000001-{batch.batch_id}.jwe"]

    city.publish(city_catalog("2027.1"), 1)
    answer_folder(city, usb, ctx.station.code)
    result = ctx.sync.import_receipts(usb)
    assert (result.registered, result.confirmed, result.failed, result.catalog_version) == (True, 1, None, "1")
    status = ctx.sync.status()
    assert status.registered and status.unconfirmed_records == 0 and status.warnings == []
    assert ctx.sync.batches()[0].status_label == "已确认" and len(city.rows) == 2
    again = ctx.sync.import_receipts(usb)  # the same folder again: nothing new, no complaint
    assert (again.confirmed, again.failed, again.catalog_version, again.messages) == (0, None, None, [])

    person(ctx, seq=103, name="钱小满")
    leftover = here / "batches" / ".00000002-x.jwe.k3j9a"  # what an export killed mid-write leaves
    leftover.write_text("half")
    second = ctx.sync.export_to(usb)
    assert not leftover.exists()
    assert not second.registration and second.batches == 1
    names = sorted(p.name for p in (here / "batches").iterdir())
    assert len(names) == 1 and names[0].startswith("00000002-")  # the confirmed one is no longer carried


def test_a_tampered_receipt_on_the_stick_is_refused_and_the_batch_stays_sent(station, city, tmp_path):
    ctx = station
    person(ctx, seq=101, name="钱小满")
    enrol(ctx, city, URL, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx.sync.export_to(usb)
    answer_folder(city, usb, ctx.station.code)
    [receipt] = (usb / "jiangxin-sync" / ctx.station.code / "receipts").glob("*.jws")
    head, payload, signature = receipt.read_text().split(".")
    receipt.write_text(f"{head}.{payload}.{signature[:-4]}AAAA")
    result = ctx.sync.import_receipts(usb)
    assert result.registered and result.confirmed == 0 and "回执未通过验证" in result.failed
    assert ctx.sync.batches()[0].status_label == "已发送"
    assert any(e.action == "sync.receipt_refused" for e in ctx.sync.log())


def test_a_folder_without_answers_for_this_station_says_so(station, city, tmp_path):
    ctx = station
    enrol(ctx, city, URL, tmp_path)
    with pytest.raises(SyncError, match="U 盘是否已插好"):
        ctx.sync.export_to(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SyncError, match=f"没有市里给本站（{ctx.station.code}）的回执"):
        ctx.sync.import_receipts(tmp_path / "empty")
