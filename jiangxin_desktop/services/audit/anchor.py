"""The audit trail's anchor: how long the chain was and its last hash, signed, outside the database.

The hash chain shows any change to an event and any event removed from the middle, but
not the newest events removed from the end: the shorter chain is still a valid chain.
So after every committed write that appended audit events, :class:`AnchorKeeper` writes
``audit-anchor.json`` in the data directory (atomically, owner-only): the number of
events, the last event's hash and the time, signed with the station's Ed25519 key. One
write per transaction, not per event (a roster import of 10,000 rows writes it once).
Each backup carries an anchor for its own copy, and a restore puts it back.

The keeper overwrites an anchor only with a chain that extends it: when the events it
names are gone or changed (or its signature is bad), the old anchor stays as the
evidence that :func:`check_anchor` (``audit verify``, 校验完整性) reports.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from jiangxin_desktop.domain.audit_chain import ANCHOR_FORMAT, AnchorPoint, anchor_problem
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.files import write_private_atomic
from jiangxin_desktop.services.security import StationSigner, all_public_keys, verify
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit

ANCHOR_FILE = "audit-anchor.json"


def now_utc() -> datetime:
    return datetime.now(UTC)


def shown_time(iso: str) -> str:
    """An anchor's time as a clerk reads it: local time to the minute (2026-12-03 14:05)."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


# --- the file ---------------------------------------------------------------------------


def anchor_record(point: AnchorPoint, signature: bytes) -> dict:
    return {
        "format": ANCHOR_FORMAT,
        "events": point.events,
        "last_hash": point.last_hash,
        "anchored_at": point.anchored_at,
        "key_id": point.key_id,
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def sign_anchor(signer: StationSigner, events: int, last_hash: str, at: datetime) -> dict:
    stamp = at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    point = AnchorPoint(events, last_hash, stamp, signer.key_id)
    return anchor_record(point, signer.sign(point.signed_bytes()))


def parse_anchor(data: object) -> tuple[AnchorPoint, bytes] | None:
    """The anchor and its signature, or None when the record is not an anchor this program writes."""
    if not isinstance(data, dict) or data.get("format") != ANCHOR_FORMAT:
        return None
    events, last_hash = data.get("events"), data.get("last_hash")
    at, key_id, signature = data.get("anchored_at"), data.get("key_id"), data.get("signature")
    if type(events) is not int or events < 0 or not all(
        isinstance(v, str) for v in (last_hash, at, key_id, signature)
    ):
        return None
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return None
    return AnchorPoint(events, last_hash, at, key_id), raw


def read_anchor_file(path: Path) -> object:
    """The file's JSON; None when there is no file; ``...`` when it cannot be read as JSON."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return ...
    if len(raw) > 64 * 1024:
        return ...
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ...


def write_anchor_file(path: Path, record: dict) -> None:
    write_private_atomic(path, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))


# --- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    anchored_events: int | None = None
    anchored_at: str | None = None  # ISO 8601 UTC of the last anchoring
    problem: str | None = None  # Chinese: what is wrong, and what it means

    @property
    def anchored_at_shown(self) -> str | None:
        return shown_time(self.anchored_at) if self.anchored_at else None

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "events": self.anchored_events,
            "anchored_at": self.anchored_at,
            "problem": self.problem,
        }


def _tail_hash(db: Database, seq: int) -> str | None:
    with db.read() as session:
        return session.execute(text("SELECT hash FROM audit_event WHERE seq = :s"), {"s": seq}).scalar()


def _tail(db: Database, events: int) -> tuple[int, str | None]:
    """(events in the chain now, stored hash of event number ``events``)."""
    with db.read() as session:
        count = session.execute(text("SELECT coalesce(max(seq), 0) FROM audit_event")).scalar_one()
        at = session.execute(text("SELECT hash FROM audit_event WHERE seq = :s"), {"s": events}).scalar()
    return count, at


def check_record(db: Database, data: object, where: str) -> AnchorCheck:
    """Check an anchor record (from ``where``, a file name for messages) against the chain in ``db``."""
    if data is None:
        return AnchorCheck(
            ok=False,
            problem=f"找不到审计锚点 {where}：无法确认最新的操作日志没有被删除（锚点文件可能被删除）。",
        )
    parsed = parse_anchor(data) if data is not ... else None
    if parsed is None:
        return AnchorCheck(ok=False, problem=f"审计锚点 {where} 已损坏或格式无法识别，无法确认日志末尾是否完整。")
    point, signature = parsed
    keys = {k.key_id: k.public_key for k in all_public_keys(db)}
    if point.key_id not in keys or not verify(keys[point.key_id], point.signed_bytes(), signature):
        return AnchorCheck(
            ok=False,
            anchored_events=point.events,
            anchored_at=point.anchored_at,
            problem=f"审计锚点 {where} 的签名无效（被改动，或不是本服务站签发的），不能作为日志完整的依据。",
        )
    count, hash_at = _tail(db, point.events)
    problem = anchor_problem(point, count, hash_at, shown_time(point.anchored_at))
    return AnchorCheck(
        ok=problem is None,
        anchored_events=point.events,
        anchored_at=point.anchored_at,
        problem=problem,
    )


def check_anchor(db: Database, path: Path) -> AnchorCheck:
    """Compare the chain with the signed anchor in ``path`` (``audit-anchor.json``)."""
    data = read_anchor_file(path)
    if data is None and _tail(db, 0)[0] == 0:
        return AnchorCheck(ok=True, anchored_events=0)  # nothing to anchor yet
    return check_record(db, data, path.name)


def anchor_for_copy(db: Database, clock: Callable[[], datetime] = now_utc) -> dict | None:
    """A signed anchor of the chain as it is in ``db`` (a backup's copy), or None without a key."""
    try:
        signer = StationSigner.load(db)
    except KnownError:
        return None
    with db.read() as session:
        row = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).first()
    events, last_hash = (row[0], row[1]) if row else (0, "")
    return sign_anchor(signer, events, last_hash, clock())


# --- keeping it -----------------------------------------------------------------------------


class AnchorKeeper:
    """``Database.after_audit_commit``: re-anchor after each commit that appended audit events."""

    def __init__(self, db: Database, path: Path, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.path = path
        self._clock = clock
        self._signer: StationSigner | None = None
        self._written: tuple[int, str, int] | None = None  # (events, hash, file mtime_ns) we wrote
        self.last_problem: str | None = None  # why the anchor was not moved on, if it was not

    def __call__(self, seq: int, last_hash: str) -> None:
        try:
            self._advance(seq, last_hash)
        except (OSError, KnownError) as exc:  # the data is committed; the anchor just stays behind
            self.last_problem = getattr(exc, "message", None) or str(exc)

    def _advance(self, seq: int, last_hash: str) -> None:
        if self._signer is None:
            try:
                self._signer = StationSigner.load(self.db)
            except KnownError:  # a station being set up has no key yet: the next commit anchors
                return
        if not self._extends_current(seq):
            return
        write_anchor_file(self.path, sign_anchor(self._signer, seq, last_hash, self._clock()))
        self._written = (seq, last_hash, self.path.stat().st_mtime_ns)
        self.last_problem = None

    def _extends_current(self, seq: int) -> bool:
        """Whether the chain that now ends at ``seq`` extends the anchor on disk."""
        if self._written is not None:
            events, anchored_hash, mtime = self._written
            try:
                unchanged = self.path.stat().st_mtime_ns == mtime
            except FileNotFoundError:
                unchanged = False
            # Our own anchor, and the event it names is still there as it was (one row by its key:
            # a tail deleted in a SQLite shell meanwhile is not anchored over).
            if unchanged and seq >= events and _tail_hash(self.db, events) == anchored_hash:
                return True
        data = read_anchor_file(self.path)
        if data is None:
            # The first anchor of this data directory (or after a restore that brought none) —
            # unless one was written before: then the file was deleted, perhaps with the newest
            # events, and a fresh anchor would hide that. check_anchor reports the missing file
            # until an administrator re-anchors (which clears the mark).
            if _anchored_before(self.db):
                self.last_problem = f"审计锚点 {self.path.name} 不见了：它曾经存在，可能连同最新的操作日志一起被删除。"
                return False
            _mark_anchored(self.db)
            return True
        check = check_record(self.db, data, self.path.name)
        if not check.ok:
            self.last_problem = check.problem  # keep the evidence for audit verify
            return False
        # Another program on this data directory may have anchored a later commit already.
        return (check.anchored_events or 0) <= seq


ANCHORED_MARK = "audit.anchor_written"  # meta key: this database has had an anchor file


def _anchored_before(db: Database) -> bool:
    with db.read() as session:
        return session.execute(text("SELECT 1 FROM meta WHERE key = :k"), {"k": ANCHORED_MARK}).first() is not None


def _mark_anchored(db: Database) -> None:
    with db.write() as session:  # no audit event: does not call the keeper again
        session.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES (:k, '1')"), {"k": ANCHORED_MARK})


@contextmanager
def anchored_once(db: Database) -> Iterator[None]:
    """Anchor a burst of commits once, after the last, instead of after each of them.

    Demo seeding commits hundreds of times; an anchor per commit is an fsync per commit
    (measured: ``demo --trainees 500`` three to five times slower). If the burst fails, the
    anchor stays where it was, which is still true of the committed part of the chain.
    """
    keeper = db.after_audit_commit
    db.after_audit_commit = None
    try:
        yield
    finally:
        db.after_audit_commit = keeper
    if keeper is not None:
        with db.read() as session:
            row = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).first()
        if row is not None:
            keeper(row[0], row[1])


# --- starting afresh, after an administrator has looked into a reported problem ------------


def reanchor(db: Database, path: Path, actor: str, clock: Callable[[], datetime] = now_utc) -> dict:
    """Anchor the chain as it is now, when the anchor reports a problem that an administrator
    has looked into (or has restored what could be restored). The old anchor is kept beside
    it as evidence, and the step is audited with what the old anchor said."""
    before = check_anchor(db, path)
    if before.ok and read_anchor_file(path) is not None:
        raise KnownError("审计锚点与操作日志相符，无需重新锚定。")
    kept = None
    if path.exists():
        stamp = clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = path.with_name(f"{path.stem}-replaced-{stamp}{path.suffix}")
        path.replace(kept)
    with db.write() as session:  # committing re-anchors (the keeper finds no anchor to extend)
        session.execute(text("DELETE FROM meta WHERE key = :k"), {"k": ANCHORED_MARK})
        audit(
            session,
            actor=actor,
            action="audit.reanchor",
            object_type="audit",
            object_id=None,
            before=before.to_json(),
            after={"old_anchor_kept_as": kept.name if kept else None},
        )
    after = check_anchor(db, path)
    return {
        "previous": before.to_json(),
        "old_anchor_kept_as": str(kept) if kept else None,
        "anchored_events": after.anchored_events,
        "anchored_at": after.anchored_at,
        "ok": after.ok,
    }
