"""A write transaction fed from another thread: all or nothing, no deadlock, one writer."""

from __future__ import annotations

import sys
import threading

import pytest
from sqlalchemy import text

from jiangxin_desktop.errors import StorageError
from jiangxin_desktop.store.background_write import BackgroundWrite


def _put(key: str):
    def work(session):
        session.execute(text("INSERT INTO meta(key, value) VALUES (:k, 'v')"), {"k": key})

    return work


def _keys(db) -> set[str]:
    with db.read() as s:
        return set(s.execute(text("SELECT key FROM meta WHERE key LIKE 'bg-%'")).scalars())


def _begin(session):
    return threading.get_ident()


def test_work_runs_on_another_thread_and_commits_together(db):
    switch = sys.getswitchinterval()
    write = BackgroundWrite(db, _begin)
    assert write.began != threading.get_ident()
    assert sys.getswitchinterval() < switch
    write.submit(_put("bg-1"))
    write.submit(_put("bg-2"))
    assert _keys(db) == set()  # not committed yet: readers see the database as it was
    write.commit(_put("bg-3"))
    assert _keys(db) == {"bg-1", "bg-2", "bg-3"}
    assert sys.getswitchinterval() == switch


def test_rollback_writes_nothing(db):
    write = BackgroundWrite(db, _begin)
    write.submit(_put("bg-1"))
    write.rollback()
    assert _keys(db) == set()
    with db.write() as s:  # the writer is free again
        _put("bg-after")(s)
    assert _keys(db) == {"bg-after"}


def test_a_failing_piece_of_work_undoes_all_and_is_raised_by_commit(db):
    write = BackgroundWrite(db, _begin)
    write.submit(_put("bg-1"))
    write.submit(_put("bg-1"))  # meta.key is the primary key: fails on the writer's thread
    write.submit(_put("bg-2"))  # not run
    with pytest.raises(Exception, match="UNIQUE"):
        write.commit()
    assert write.failed is False  # handed over
    assert _keys(db) == set()


def test_the_feeding_thread_cannot_write_meanwhile_but_others_wait(db):
    write = BackgroundWrite(db, _begin)
    with pytest.raises(RuntimeError, match="background write"), db.write() as s:
        _put("bg-own")(s)
    done = threading.Event()

    def other() -> None:
        with db.write() as s:
            _put("bg-other")(s)
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert not done.wait(0.3)  # waits for the single writer
    write.commit(_put("bg-1"))
    thread.join(5)
    assert done.is_set()
    assert _keys(db) == {"bg-1", "bg-other"}


def test_a_failure_to_begin_is_raised_at_once(db):
    switch = sys.getswitchinterval()

    def begin(session):
        raise ValueError("cannot begin")

    with pytest.raises(ValueError, match="cannot begin"):
        BackgroundWrite(db, begin)
    assert sys.getswitchinterval() == switch
    with db.write() as s:
        _put("bg-after")(s)
    assert _keys(db) == {"bg-after"}


def test_two_writes_in_turn_leave_the_switch_interval_as_it_was(db):
    switch = sys.getswitchinterval()
    first = BackgroundWrite(db, _begin)
    second: list[BackgroundWrite] = []
    starter = threading.Thread(target=lambda: second.append(BackgroundWrite(db, _begin)))
    starter.start()  # waits for the single writer
    first.commit(_put("bg-1"))
    starter.join(5)
    assert sys.getswitchinterval() < switch  # the second still runs
    second[0].commit(_put("bg-2"))
    second[0].rollback()  # after commit: nothing more happens
    assert sys.getswitchinterval() == switch
    assert _keys(db) == {"bg-1", "bg-2"}


def _orphan_password(session) -> None:
    """A row whose foreign key is checked only at COMMIT: the commit itself fails."""
    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    session.execute(
        text("INSERT INTO password_history(user_seq, password_hash, changed_at) VALUES (999, 'h', 'now')")
    )


def _run_with_timeout(target, seconds: float = 10.0):
    """Run ``target`` on a thread; returns (finished, what it raised)."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), (raised[0] if raised else None)


def test_a_failing_commit_is_raised_not_waited_for(db):
    """Regression: a failure of the COMMIT itself (a full disk fails there) left the writer's
    thread waiting for a second stop that never came, and the caller waiting for it forever."""
    write = BackgroundWrite(db, _begin)
    write.submit(_put("bg-1"))
    finished, raised = _run_with_timeout(lambda: write.commit(_orphan_password))
    assert finished, "commit() hung after the COMMIT failed"
    assert raised is not None and "FOREIGN KEY" in str(raised)
    assert _keys(db) == set()
    with db.write() as s:  # the single writer is free again
        _put("bg-after")(s)
    assert _keys(db) == {"bg-after"}


def test_a_full_database_ends_the_write_with_a_chinese_message_and_writes_nothing(db):
    """SQLITE_FULL ("database or disk is full") from the writer's thread, as on a full disk."""
    raw = db.write_engine.raw_connection()  # the writer's single connection keeps the limit
    try:
        pages = raw.cursor().execute("PRAGMA page_count").fetchone()[0]
        raw.cursor().execute(f"PRAGMA max_page_count = {pages + 2}")
    finally:
        raw.close()

    def many(session) -> None:
        raw_conn = session.connection().connection.driver_connection
        raw_conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)", [(f"bg-{i}", "v" * 2000) for i in range(2000)]
        )

    write = BackgroundWrite(db, _begin)
    write.submit(many)
    finished, raised = _run_with_timeout(lambda: write.commit(_put("bg-last")))
    assert finished
    assert isinstance(raised, StorageError)
    assert "磁盘空间" in raised.message and str(db.path.parent) in raised.message
    assert _keys(db) == set()
