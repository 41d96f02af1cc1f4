"""One write transaction run on its own thread, fed with work by the caller's thread.

SQLite releases Python's lock (the GIL) while it steps a statement. A bulk load whose
statements each do much work inside SQLite — ``INSERT … SELECT … FROM jsonb_each(?)``
over a chunk of rows, rather than ``executemany`` with a Python round trip per row —
therefore runs beside the Python that prepares the next chunk: on a PC with two cores,
checking a roster and writing it overlap instead of following each other.

The transaction holds the database's single writer from :class:`BackgroundWrite` until
:meth:`~BackgroundWrite.commit` or :meth:`~BackgroundWrite.rollback`. The calling thread
may read meanwhile (a read transaction begun after the writer started sees the database
exactly as the writer found it: nobody else can write), but must not write: its write
would wait for this one forever, so :meth:`Database.write` refuses it with an error.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from jiangxin_desktop.store.database import Database

T = TypeVar("T")
Work = Callable[[Session], None]

# While a background write runs, Python hands its lock between threads more often than
# every 5 ms: the writer needs it for a moment between two statements, and a long wait
# for it would leave SQLite idle while the caller's thread runs Python.
_SWITCH_INTERVAL = 0.0005
_switch_lock = threading.Lock()
_switch_users = 0  # background writes running (each waits for the single writer in turn)
_switch_saved = 0.005


def _shorten_switch_interval() -> None:
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, _SWITCH_INTERVAL))
        _switch_users += 1


def _restore_switch_interval() -> None:
    global _switch_users
    with _switch_lock:
        _switch_users -= 1
        if _switch_users == 0:
            sys.setswitchinterval(_switch_saved)


class _Stop:
    def __init__(self, commit: bool) -> None:
        self.commit = commit


class _RolledBack(Exception):
    pass


class BackgroundWrite(Generic[T]):
    """Begins a write transaction on a new thread and runs ``begin(session)`` in it.

    Raises what ``begin`` or beginning the transaction raised (e.g. the database is busy).
    Then :meth:`submit` queues work; :meth:`commit` runs the last work and commits;
    :meth:`rollback` undoes everything. A failure in queued work is raised by ``commit``.
    """

    def __init__(
        self, db: Database, begin: Callable[[Session], T], *, name: str = "background-write"
    ) -> None:
        self._db = db
        self._begin = begin
        self._queue: queue.SimpleQueue[Work | _Stop] = queue.SimpleQueue()
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._began: T | None = None
        self._ended = False
        self._caller = threading.get_ident()
        _shorten_switch_interval()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            self._end()
            error, self._error = self._error, None
            raise error

    @property
    def began(self) -> T:
        """What ``begin`` returned."""
        return self._began  # type: ignore[return-value]

    @property
    def failed(self) -> bool:
        """True once queued work has raised: further work is not run."""
        return self._error is not None

    def submit(self, work: Work) -> None:
        self._queue.put(work)

    def commit(self, last: Work | None = None) -> None:
        if last is not None:
            self._queue.put(last)
        self._queue.put(_Stop(commit=True))
        self._end()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def rollback(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_Stop(commit=False))
        self._end()
        self._error = None

    def _end(self) -> None:
        self._thread.join()
        if not self._ended:  # commit() or rollback() may both be called; restore once
            self._ended = True
            _restore_switch_interval()

    def _run(self) -> None:
        stopped = False  # the caller's stop was taken: it waits for this thread to end
        try:
            with self._db.write(background_for=self._caller) as session:
                self._began = self._begin(session)
                self._started.set()
                while True:
                    work = self._queue.get()
                    if isinstance(work, _Stop):
                        stopped = True
                        if not work.commit:
                            raise _RolledBack
                        break
                    work(session)
            # leaving the block commits: a full disk fails here, after the stop was taken
        except _RolledBack:
            pass
        except BaseException as exc:  # handed to the caller's thread, raised there
            self._error = exc
            # keep taking work until told to stop, so that the caller never blocks on us
            if self._started.is_set() and not stopped:
                while not isinstance(self._queue.get(), _Stop):
                    pass
        finally:
            self._started.set()
