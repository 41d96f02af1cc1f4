"""A write transaction fed from another thread: all or nothing, no deadlock, one writer."""

from __future__ import annotations

import sys
import threading

import pytest
from sqlalchemy import text

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
