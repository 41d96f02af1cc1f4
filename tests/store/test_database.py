"""The store on a real SQLCipher file: encryption, wrong key, WAL, one writer, permissions."""

from __future__ import annotations

import os
import secrets
import stat
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from jiangxin_desktop.errors import WrongKeyError
from jiangxin_desktop.store import migrate
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7, uuid7_batch


def test_file_is_encrypted_and_owner_only(db):
    with db.write() as s:
        s.execute(text("INSERT INTO meta(key, value) VALUES ('probe', '张小明320703')"))
    db.checkpoint()
    raw = db.path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert "张小明".encode() not in raw and b"320703" not in raw
    if os.name == "posix":
        assert stat.S_IMODE(db.path.stat().st_mode) == 0o600


def test_wal_mode(db):
    with db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_wrong_key_is_a_clear_error(db):
    db.dispose()
    other = Database(db.path, secrets.token_bytes(32))
    with pytest.raises(WrongKeyError) as info:
        other.check_open()
    assert "密钥或口令不正确" in info.value.message
    other.dispose()


def test_failed_write_leaves_nothing(db):
    with pytest.raises(RuntimeError), db.write() as s:
        s.execute(text("INSERT INTO meta(key, value) VALUES ('half', 'x')"))
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM meta WHERE key='half'")).scalar() == 0


def test_audit_events_are_append_only(db):
    with db.write() as s:
        s.execute(text("INSERT INTO audit_event(at, actor, action, object_type) VALUES ('t','a','x','y')"))
    for stmt in ("UPDATE audit_event SET actor='b'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), db.write() as s:
            s.execute(text(stmt))


def test_uuid7_is_time_ordered_and_version_7():
    ids = [uuid7() for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(u[14] == "7" and u[19] in "89ab" for u in ids)


def test_uuid7_batch_is_valid_ordered_random_and_continues_the_sequence():
    before, batch, after = uuid7(), uuid7_batch(5000), uuid7()
    assert before < batch[0] and batch == sorted(batch) and batch[-1] < after
    assert len(set(batch)) == len(batch)
    for u in batch:
        parsed = uuid.UUID(u)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, u)
    assert abs((uuid.UUID(batch[0]).int >> 80) - time.time() * 1000) < 60_000  # milliseconds now
    # one after another: (millisecond, 12-bit counter) counts up by one, into the next
    # millisecond when the counter runs out
    stamps = [uuid.UUID(u).int >> 64 for u in uuid7_batch(10_000)]  # ms, version, counter
    counted = [(b >> 16) << 12 | (b & 0xFFF) for b in stamps]  # millisecond and counter as one
    assert counted == list(range(counted[0], counted[0] + 10_000))
    random_bits = [uuid.UUID(u).int & ((1 << 62) - 1) for u in batch]
    for bit in range(62):  # every one of the 62 random bits takes both values
        assert {(value >> bit) & 1 for value in random_bits} == {0, 1}


def test_deferred_index_indexes_bulk_rows_and_restores_trigger(db):
    from jiangxin_desktop.store.fts import deferred_trainee_index

    cols = (
        "uuid, station_code, version, created_at, updated_at, name, id_number, birth_date, sex, phone, "
        "target_flags, consent_at, consent_version, photo_consent, active, created_by"
    )
    row = (
        "'{u}', 's', 1, 't', 't', '{n}', '{i}', '1990-01-01', '男', '13800000000', '[]', 't', 'c', 0, 1, 'a'"
    )
    with db.write() as s, deferred_trainee_index(s):
        s.execute(text(f"INSERT INTO trainee ({cols}) VALUES ({row.format(u=uuid7(), n='赵钱孙', i='1')})"))
    with db.write() as s:  # the trigger is back: a normal insert is indexed too
        s.execute(text(f"INSERT INTO trainee ({cols}) VALUES ({row.format(u=uuid7(), n='赵钱李', i='2')})"))
    with db.read() as s:
        hits = s.execute(
            text("SELECT name FROM trainee_fts WHERE trainee_fts MATCH '\"3800000\"' ORDER BY rowid")
        )
        assert hits.scalars().all() == ["赵钱孙", "赵钱李"]


def test_commits_do_not_checkpoint_a_thread_folds_the_log_in(db):
    """The writer's COMMIT never runs the checkpoint; the background thread does, after writes."""
    with db.write() as s:
        assert s.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
        s.execute(text("CREATE TABLE filler (x TEXT)"))
        s.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                "INSERT INTO filler SELECT randomblob(1500) FROM n"
            )
        )  # ~1,200 log pages: more than SQLite's own threshold of 1,000
    upkeep = db._upkeep
    assert upkeep is not None
    _wait_for(lambda: upkeep.runs >= 1)
    assert upkeep.last_error is None
    with db.read() as s:  # every frame of the log is already in the main file
        busy, frames, done = s.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
    assert busy == 0 and frames >= 1000 and done == frames
    db.dispose()  # stops the thread
    assert not upkeep.thread.is_alive()


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.02)


def _note(db, value: str) -> None:
    with db.write() as s:
        s.execute(text("INSERT INTO meta(key, value) VALUES (:v, :v)"), {"v": value})


def test_upkeep_steps_run_when_writes_are_quiet_until_done(db):
    done = []
    checkpoints = []

    def step() -> bool:  # three pieces of work, each its own write, on the upkeep thread
        _note(db, f"step {len(done)}")
        done.append(threading.current_thread().name)
        checkpoints.append(db._upkeep.runs)
        return len(done) < 3

    db.when_quiet(step)
    _wait_for(lambda: len(done) == 3)
    assert done == ["database-upkeep"] * 3
    upkeep = db._upkeep
    _wait_for(lambda: upkeep.runs > checkpoints[-1])  # then the checkpoint, for the steps' writes
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM meta WHERE key LIKE 'step %'")).scalar() == 3
    time.sleep(0.8)  # its own writes do not wake it again: nothing more runs
    assert len(done) == 3 and upkeep.last_error is None


def test_upkeep_waits_while_others_write_and_a_failed_step_is_dropped(db):
    ran = []

    def failing() -> bool:
        ran.append("failing")
        raise RuntimeError("磁盘已满")

    def fine() -> bool:
        ran.append("fine")
        return False

    db.when_quiet(failing)
    db.when_quiet(fine)
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:  # writes every 0.1 s: never quiet for 0.5 s
        _note(db, f"busy {time.monotonic()}")
        time.sleep(0.1)
    assert ran == []
    _wait_for(lambda: ran == ["failing", "fine"])
    assert db._upkeep.last_error == "磁盘已满"
    assert not db.run_upkeep_step()  # neither is queued any more


def test_upkeep_left_when_the_database_closes_runs_then(tmp_path):
    database = Database(tmp_path / "c.db", secrets.token_bytes(32))
    migrate.upgrade(database)
    left = [3]

    def step() -> bool:
        _note(database, f"left {left[0]}")
        left[0] -= 1
        return left[0] > 0

    database.when_quiet(step)
    database.dispose()  # at once: before the thread's quiet moment
    assert left == [0]
    reopened = Database(tmp_path / "c.db", database.key)
    try:
        with reopened.read() as s:
            assert s.execute(text("SELECT count(*) FROM meta WHERE key LIKE 'left %'")).scalar() == 3
    finally:
        reopened.dispose()


def _segments(db, table: str) -> int:
    with db.read() as s:
        return s.execute(text(f"SELECT count(DISTINCT segid) FROM {table}_idx")).scalar_one()


def _grams_in_pieces(db, *, paused: bool) -> None:
    """36,000 rows of the name index in 12 statements of one transaction, as a chunked bulk load."""
    from jiangxin_desktop.store.fts import pause_index_merging, resume_index_merging

    with db.write() as s:
        if paused:
            pause_index_merging(s)
        for piece in range(12):
            s.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                    "INSERT INTO trainee_name_grams(rowid, grams) "
                    "SELECT :base + i, 'piece' || :piece || ' row' || (:base + i) FROM n"
                ),
                {"base": piece * 3000, "piece": piece},
            )
        if paused:
            resume_index_merging(s)


def test_paused_merging_leaves_segments_that_the_merge_steps_fold_together(db, tmp_path):
    from jiangxin_desktop.store.fts import merge_index_step

    other = Database(tmp_path / "other.db", secrets.token_bytes(32))
    migrate.upgrade(other)
    try:
        _grams_in_pieces(other, paused=False)
        merged_as_it_went = _segments(other, "trainee_name_grams")
    finally:
        other.dispose()
    _grams_in_pieces(db, paused=True)
    assert _segments(db, "trainee_name_grams") == 12 > merged_as_it_went
    with db.read() as s:  # merging is on again for every later write
        for table in ("trainee_fts", "trainee_name_grams"):
            setting = s.execute(text(f"SELECT v FROM {table}_config WHERE k = 'automerge'")).scalar()
            assert setting == 4
    steps = 0
    while merge_index_step(db, pages=20):  # small steps: several are needed
        steps += 1
        assert steps < 100
    assert steps >= 2 and _segments(db, "trainee_name_grams") < 4
    assert not merge_index_step(db)  # nothing left to do: no change
    with db.read() as s:
        match = "SELECT rowid FROM trainee_name_grams WHERE trainee_name_grams MATCH :term"
        assert s.execute(text(match), {"term": "piece7"}).scalars().all() == list(range(21001, 24001))
        assert s.execute(text(match), {"term": "row35999"}).scalars().all() == [35999]
