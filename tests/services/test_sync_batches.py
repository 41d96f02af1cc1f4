"""Batches from the outbox: one record per row as it stands now, parents first, numbered without
gaps and chained by hash, bounded, sealed so that only the city opens them and only this station
could have signed them."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text

from jiangxin_desktop import envelope
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.protocol.batch import BATCH, ENTITY_ORDER, document_hash, read_batch
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.security.signing import active_public_key
from tests.services.classes_helpers import class_input, opened_class, person
from tests.services.sync_city import act, city, city_keys, enrol, station  # noqa: F401

URL = "https://127.0.0.1:9"  # never dialled: these tests only build batches


def opened(ctx, city, sealed: str):
    """The batch as the city reads it: decrypted with its key, signature checked with the station's."""
    public = active_public_key(ctx.db)
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public.public_key))
    document = envelope.open_sealed(sealed, recipient=city.keys.encryption, typ=BATCH,
                                    key_for_kid=lambda kid: key if kid == public.key_id else None).document
    return read_batch(document), document


def sealed_of(ctx, batch_id: str) -> str:
    with ctx.db.read() as session:
        return session.execute(text("SELECT envelope FROM sync_batch WHERE batch_id = :b"), {"b": batch_id}).scalar_one()


def test_a_batch_holds_each_changed_row_once_as_it_stands_now_parents_first(station, city, tmp_path):
    ctx = station
    a = person(ctx, seq=101, name="钱小满")
    changed = TraineeInput(name="钱小满", id_number=a.id_number, phone="13900000000", target_group="31",
                           evidence_type="失业登记证", evidence_number="SY2026-001", consent=True)
    a = ctx.registry.update(a.uuid, changed, expected_version=a.version)
    klass = opened_class(ctx, sessions=11)
    draft = ctx.classes.create(class_input(sessions=11))
    ctx.classes.update(draft.uuid, class_input(sessions=10), expected_version=draft.version)  # one session removed
    enrol(ctx, city, URL, tmp_path)
    [info] = ctx.sync.build_batches()
    batch, document = opened(ctx, city, sealed_of(ctx, info.batch_id))
    assert (batch.sequence, batch.previous_hash, batch.batch_id) == (1, None, info.batch_id)
    assert document_hash(document) == batch.hash
    keys = [(r.entity, r.uuid) for r in batch.records]
    assert len(keys) == len(set(keys))  # several versions of a row collapse into one record
    [trainee] = [r for r in batch.records if r.uuid == a.uuid]
    assert trainee.version == a.version and trainee.data["phone"] == "13900000000"
    ranks = [ENTITY_ORDER.index(r.entity) for r in batch.records]
    assert ranks == sorted(ranks)
    deletes = [r for r in batch.records if r.op == "delete"]
    assert len(deletes) == 1 and deletes[0].entity == "class_session" and deletes[0].data is None
    assert any(r.uuid == klass.uuid for r in batch.records)
    assert info.counts == dict(batch.counts) and info.record_count == len(batch.records)
    with ctx.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM outbox WHERE batch_id IS NULL")).scalar_one() == 0
    spooled = ctx.paths.root / "sync" / "outgoing" / f"00000001-{info.batch_id}.jwe"
    assert spooled.read_text() == sealed_of(ctx, info.batch_id)
    assert ctx.sync.build_batches() == []  # nothing pending: no empty batch


def test_a_large_backlog_is_split_into_chained_batches_without_gaps(station, city, tmp_path):
    ctx = station
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.batch_records", 2)
    act(ctx, "clerk")
    made = [person(ctx, seq=seq, name="钱小满") for seq in range(101, 106)]
    enrol(ctx, city, URL, tmp_path)
    first = ctx.sync.build_batches()
    assert [(b.sequence, b.record_count) for b in first] == [(1, 2), (2, 2), (3, 1)]
    person(ctx, seq=106, name="钱小满")
    [fourth] = ctx.sync.build_batches()
    assert fourth.sequence == 4  # continues from the last batch
    previous, seen = None, []
    for info in [*first, fourth]:
        batch, _ = opened(ctx, city, sealed_of(ctx, info.batch_id))
        assert batch.previous_hash == previous
        previous = batch.hash
        seen += [r.uuid for r in batch.records]
    assert sorted(seen) == sorted([p.uuid for p in made] + [seen[-1]]) and len(seen) == 6


def test_every_entry_of_a_row_goes_in_the_batch_that_takes_the_row(station, city, tmp_path):
    ctx = station
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.batch_records", 1)
    act(ctx, "clerk")
    a = person(ctx, seq=101, name="钱小满")
    person(ctx, seq=102, name="孙大伟")
    changed = TraineeInput(name="钱小满", id_number=a.id_number, phone="13900000000", target_group="31",
                           evidence_type="失业登记证", evidence_number="SY2026-001", consent=True)
    ctx.registry.update(a.uuid, changed, expected_version=a.version)
    enrol(ctx, city, URL, tmp_path)
    first, second = ctx.sync.build_batches()
    assert (first.record_count, second.record_count) == (1, 1)
    batch, _ = opened(ctx, city, sealed_of(ctx, first.batch_id))
    assert batch.records[0].uuid == a.uuid and batch.records[0].version == a.version + 1


def test_a_demo_station_has_nothing_to_send(demo_context, city, tmp_path):
    ctx = demo_context
    person(ctx, seq=101, name="钱小满")
    enrol(ctx, city, URL, tmp_path)
    assert ctx.sync.build_batches() == []
    assert ctx.sync.status().unconfirmed_records == 0


def test_batch_settings_are_checked_and_named_in_chinese(station):
    ctx = station
    act(ctx, "admin")
    with pytest.raises(KnownError, match="同步批次须经审核人批准"):
        ctx.settings.set(ctx.user, "sync.require_review", "是")
    with pytest.raises(KnownError, match="每批同步最多记录数"):
        ctx.settings.set(ctx.user, "sync.batch_records", 0)
    assert ctx.settings.get("sync.warn_days") == 3 and ctx.settings.get("sync.warn_backlog") == 2000
    assert ctx.settings.get("sync.batch_records") == 5000 and ctx.settings.get("sync.require_review") is False
