"""The encrypted SQLite database: SQLCipher with a raw 256-bit key, WAL, one writer.

Readers use a pooled engine with deferred transactions; every write goes through
:meth:`Database.write`, which holds a process-wide lock and opens ``BEGIN IMMEDIATE`` on a
single dedicated connection, so writes are serialised and never upgrade a read lock.

The write-ahead log is folded into the main file on a thread of its own (``_Upkeep``),
not inside a writer's COMMIT: SQLite's automatic checkpoint makes whichever write crosses
1,000 log pages pay for everyone's (a 10,000-row roster import waited ~250 ms for it). The
same thread runs other upkeep a write leaves behind (:meth:`Database.when_quiet`), such as
merging the search index's segments after a bulk load.
"""

from __future__ import annotations

import collections
import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from jiangxin_desktop.errors import KnownError, StorageError, WrongKeyError

KEY_BYTES = 32
AUDIT_TAIL = "audit_tail"  # session.info key: (seq, hash) of the last audit event written
WRITER_CACHE_KIB = 64 * 1024  # page cache of the single writer connection
READER_CACHE_KIB = 16 * 1024  # of each pooled reader


def translate_db_error(exc: BaseException, path: Path) -> KnownError | None:
    """Map SQLite's environment failures to a Chinese message; None for real bugs."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    if "file is not a database" in text:
        return WrongKeyError(
            f"无法打开数据库 {path.name}：密钥或口令不正确，或文件已损坏。"
            "请确认口令；如仍无法打开，请联系管理员从备份恢复。",
            detail=text,
        )
    if "database or disk is full" in text or "no space left" in text:
        return StorageError(
            f"磁盘空间不足：数据目录 {path.parent} 所在的磁盘已满，本次操作没有保存任何内容，"
            "数据库保持原样。请删除该磁盘上不需要的文件、腾出空间后重试。",
            detail=text,
        )
    if "database is locked" in text or "database is busy" in text:
        return StorageError(
            "数据库正被另一个程序占用（可能已打开另一个匠心窗口）。请关闭它后重试。", detail=text
        )
    if "malformed" in text or "corrupt" in text:
        return StorageError(
            f"数据库文件 {path.name} 已损坏。请不要继续录入，联系管理员从备份恢复。", detail=text
        )
    if "unable to open database" in text or "readonly" in text or "read-only" in text:
        return StorageError(f"无法写入数据目录 {path.parent}。请检查该文件夹的权限或磁盘。", detail=text)
    return None


UpkeepStep = Callable[[], bool]  # a bounded piece of upkeep; True while more is left


class _Upkeep:
    """Once writes have been quiet for ``delay`` s: queued upkeep steps, then a checkpoint.

    The steps (:meth:`Database.when_quiet`) are run one at a time, each in its own short
    write, so that a user's write waits for one step at most. The checkpoint is ``PRAGMA
    wal_checkpoint(PASSIVE)``, which never waits for or blocks readers and the writer; what
    it cannot fold in now is folded in after a later write, or by SQLite when the last
    connection closes. A failed step or checkpoint loses nothing (upkeep only tidies what
    is already committed, the log stays valid): the step is dropped, the checkpoint retried
    after the next write, and the last such error kept in ``last_error``.
    """

    def __init__(self, connect, run_step: Callable[[], bool], delay: float = 0.5) -> None:
        self._connect = connect
        self._run_step = run_step
        self._delay = delay
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self.runs = 0
        self.last_error: str | None = None
        self.thread = threading.Thread(target=self._run, name="database-upkeep", daemon=True)
        self.thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.thread.join()

    def _quiet(self) -> bool:
        """Wait until nothing was written for ``delay`` s; False when stopping."""
        while self._wake.is_set() and not self._stopping.is_set():
            self._wake.clear()
            self._stopping.wait(self._delay)  # a write meanwhile sets _wake: wait again
        return not self._stopping.is_set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if not self._quiet():
                return
            while not self._wake.is_set():  # steps until none is left or someone else writes
                try:
                    if not self._run_step():
                        break
                except Exception as exc:  # noqa: BLE001 - a thread must not die; see the docstring
                    self.last_error = str(exc)
            if self._wake.is_set():
                continue  # quiet again first
            try:
                raw = self._connect()
                try:
                    raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    raw.close()
                self.runs += 1
            except Exception as exc:  # noqa: BLE001 - a thread must not die; see the docstring
                self.last_error = str(exc)


class Database:
    """Owns the engines for one database file. Built by the composition root."""

    def __init__(self, path: Path, key: bytes, *, busy_timeout_ms: int = 5000) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("database key must be 32 bytes")
        self.path = Path(path)
        self._key_hex = key.hex()
        self._busy_timeout_ms = busy_timeout_ms
        self._write_lock = threading.RLock()
        self._background_for: int | None = None  # see write()
        # Called with (seq, hash) of the newest audit event after a write that appended some
        # has committed, still inside the write lock (the composition root anchors the chain).
        self.after_audit_commit: Callable[[int, str], None] | None = None
        if not self.path.exists():
            _create_private_file(self.path)
        self.read_engine = self._make_engine(immediate=False)
        self.write_engine = self._make_engine(immediate=True)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self.write_engine, expire_on_commit=False)
        self._upkeep: _Upkeep | None = None  # started by the first write
        self._upkeep_steps: collections.deque[UpkeepStep] = collections.deque()
        self._upkeep_lock = threading.Lock()  # guards _upkeep
        self._step_lock = threading.Lock()  # one upkeep step at a time

    def _make_engine(self, *, immediate: bool) -> Engine:
        pool = dict(poolclass=StaticPool) if immediate else dict(poolclass=QueuePool, pool_size=4)
        engine = create_engine(
            f"sqlite:///{self.path}",
            module=sqlcipher3.dbapi2,
            connect_args={"check_same_thread": False},
            **pool,
        )
        key_hex, timeout = self._key_hex, self._busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            try:
                cur.execute(f"PRAGMA key = \"x'{key_hex}'\"")
                cur.execute(f"PRAGMA busy_timeout = {int(timeout)}")
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA journal_mode = WAL")  # also proves the key: reads page 1
                cur.execute("PRAGMA synchronous = NORMAL")
                # Decrypted pages kept in memory (SQLite's default is 2 MiB): a roster import
                # touches ~30 MiB, and reading a page again costs its decryption and MAC check.
                # The cache grows only as pages are used.
                cur.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB if immediate else READER_CACHE_KIB}")
                if immediate:  # the writer: checkpoints run on _Upkeep's thread
                    cur.execute("PRAGMA wal_autocheckpoint = 0")
            finally:
                cur.close()

        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:
            conn.exec_driver_sql(begin)

        return engine

    def check_open(self) -> None:
        """Open a connection now, so a wrong key surfaces as a clear error at start."""
        with self._translated(), self.read_engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._translated(), self._read_sessions() as session:
            yield session

    @contextlib.contextmanager
    def write(self, *, background_for: int | None = None) -> Iterator[Session]:
        """One transaction on the single writer; commits on success, rolls back on error.

        ``background_for`` is the thread that feeds this transaction from another thread
        (store/background_write.py): a write from that thread meanwhile would wait forever
        for this one, so it raises instead.
        """
        if self._background_for == threading.get_ident():
            raise RuntimeError("this thread feeds a background write; it cannot write itself meanwhile")
        with self._write_lock:
            self._background_for = background_for
            try:
                with self._translated(), self._write_sessions() as session, session.begin():
                    yield session
            finally:
                self._background_for = None
            tail = session.info.pop(AUDIT_TAIL, None)  # set by journal.audit
            if tail is not None and self.after_audit_commit is not None:
                self.after_audit_commit(*tail)
            upkeep = self._started_upkeep()
            if threading.current_thread() is not upkeep.thread:  # its own writes are not news
                upkeep.poke()

    def _started_upkeep(self) -> _Upkeep:
        with self._upkeep_lock:
            if self._upkeep is None:
                self._upkeep = _Upkeep(self.read_engine.raw_connection, self.run_upkeep_step)
            return self._upkeep

    def when_quiet(self, step: UpkeepStep) -> None:
        """Queue upkeep for when writes have been quiet for a moment, on the upkeep thread.

        ``step()`` does a bounded piece of work in its own write transaction(s) and returns
        True while more is left; it is called again until it returns False (or raises: then
        it is dropped, its error kept). What is still queued when the database closes runs
        then, on the closing thread.
        """
        self._upkeep_steps.append(step)
        self._started_upkeep().poke()

    def run_upkeep_step(self) -> bool:
        """Run one queued upkeep step now; False when none was queued."""
        with self._step_lock:
            try:
                step = self._upkeep_steps.popleft()
            except IndexError:
                return False
            if step():
                self._upkeep_steps.appendleft(step)
            return True

    def finish_upkeep(self) -> None:
        """Run every queued upkeep step to its end now, on this thread."""
        while self.run_upkeep_step():
            pass

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (DBAPIError, sqlcipher3.dbapi2.Error) as exc:  # the latter from raw cursors
            known = translate_db_error(exc, self.path)
            if known:
                raise known from exc
            raise

    @contextlib.contextmanager
    def schema_connection(self) -> Iterator[Connection]:
        """The writer's connection, held for a schema migration (the caller commits)."""
        with self._write_lock, self.write_engine.connect() as connection:
            yield connection

    @property
    def key(self) -> bytes:
        """The key this database was opened with (for wrapping into a backup)."""
        return bytes.fromhex(self._key_hex)

    def backup_to(self, target: Path, progress=None, *, pages_per_step: int = 1024) -> None:
        """A consistent copy through SQLite's online backup API, encrypted with the same key.

        Copies ``pages_per_step`` pages at a time, so the program keeps working meanwhile.
        ``target`` must not exist; it is created owner-only.
        """
        _create_private_file(target)
        destination = sqlcipher3.dbapi2.connect(str(target))
        source = self.read_engine.raw_connection()
        report = (lambda _status, left, total: progress(total - left, total)) if progress else None
        try:
            destination.execute(f"PRAGMA key = \"x'{self._key_hex}'\"")
            driver = source.driver_connection
            assert driver is not None  # a pooled connection that is checked out
            driver.backup(
                destination,
                pages=pages_per_step,
                progress=report,
            )
            destination.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        except sqlcipher3.dbapi2.Error as exc:
            known = translate_db_error(exc, self.path)
            if known:
                raise known from exc
            raise
        finally:
            source.close()
            destination.close()

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (outside any transaction)."""
        with self._write_lock:
            raw = self.write_engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()

    def dispose(self) -> None:
        try:
            self.finish_upkeep()
        except Exception as exc:  # noqa: BLE001 - upkeep only tidies what is committed
            if self._upkeep is not None:
                self._upkeep.last_error = str(exc)
        with self._upkeep_lock:
            upkeep, self._upkeep = self._upkeep, None
        if upkeep is not None:
            upkeep.stop()
        self.read_engine.dispose()
        self.write_engine.dispose()


def _create_private_file(path: Path) -> None:
    """Create the database file owner-only before SQLite touches it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


@dataclass(frozen=True)
class Integrity:
    """What SQLCipher's page check and SQLite's structure check found in a database file.

    ``opened`` is False when not even the first page could be read (wrong key, or page 1
    damaged); ``damaged_pages`` are the pages whose HMAC failed; ``structure`` holds
    ``integrity_check``'s findings, or the error that stopped it.
    """

    opened: bool
    pages: int = 0
    damaged_pages: tuple[int, ...] = ()
    structure: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.opened and not self.damaged_pages and not self.structure


def check_integrity(path: Path, key: bytes, *, quick: bool = False) -> Integrity:
    """Check the file at ``path`` on a connection of its own; never raises for a damaged file.

    ``quick`` runs ``quick_check`` (no index cross-checks) instead of ``integrity_check``.
    """
    connection = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")  # no "ERROR CORE" lines on stderr
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
        except sqlcipher3.dbapi2.DatabaseError as exc:
            return Integrity(opened=False, structure=(str(exc),))
        damaged = []
        for (line,) in connection.execute("PRAGMA cipher_integrity_check").fetchall():
            digits = "".join(ch for ch in str(line).rsplit(" ", 1)[-1] if ch.isdigit())
            damaged.append(int(digits) if digits else 0)  # "HMAC verification failed for page 175"
        try:
            found = [str(r[0]) for r in connection.execute(f"PRAGMA {'quick' if quick else 'integrity'}_check")]
            structure = () if found == ["ok"] else tuple(found)
        except sqlcipher3.dbapi2.DatabaseError as exc:
            structure = (f"检查无法完成（{exc}）",)
        return Integrity(True, pages, tuple(damaged), structure)
    finally:
        connection.close()
