"""The audit trail's hash chain: each event holds the hash of the one before it.

Pure computation (no I/O). The hash covers every column of the event and the previous
hash, in a canonical JSON form, so that changing, inserting or deleting any event breaks
the chain from that point on. The algorithm is named so that a national suite (SM3) can
replace SHA-256 without changing the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

FORMAT = "jx-audit-1"
GENESIS = "0" * 64
ALGORITHMS = {"sha256": hashes.SHA256, "sm3": hashes.SM3}


@dataclass(frozen=True)
class ChainedEvent:
    seq: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str | None
    before_json: str | None
    after_json: str | None


def event_hash(event: ChainedEvent, prev_hash: str, algorithm: str = "sha256") -> str:
    canonical = json.dumps(
        [
            FORMAT,
            event.seq,
            event.at,
            event.actor,
            event.action,
            event.object_type,
            event.object_id,
            event.before_json,
            event.after_json,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    digest = hashes.Hash(ALGORITHMS[algorithm]())
    digest.update(canonical)
    return digest.finalize().hex()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str  # Chinese, says what is wrong with this event


def first_broken_link(
    rows: Iterable[tuple[ChainedEvent, str | None, str | None]], algorithm: str = "sha256"
) -> tuple[int, BrokenLink | None]:
    """Walk (event, prev_hash, hash) in seq order; returns (events checked, first broken link)."""
    expected_prev, expected_seq, checked = GENESIS, None, 0
    for event, prev_hash, stored in rows:
        checked += 1
        if expected_seq is not None and event.seq != expected_seq:
            return checked, BrokenLink(
                event.seq, f"第 {expected_seq} 至 {event.seq - 1} 号事件缺失（被删除）"
            )
        if prev_hash != expected_prev:
            return checked, BrokenLink(event.seq, "与前一事件的链接不符（前面的事件被删除、插入或修改）")
        if stored != event_hash(event, expected_prev, algorithm):
            return checked, BrokenLink(event.seq, "事件内容与其哈希不符（该事件被修改）")
        expected_prev, expected_seq = stored, event.seq + 1
    return checked, None


# --- the anchor: the chain's length and last hash, signed and kept outside the database ---

ANCHOR_FORMAT = "jx-audit-anchor-1"


@dataclass(frozen=True)
class AnchorPoint:
    """What an anchor says: the chain had ``events`` events, the last with ``last_hash``."""

    events: int
    last_hash: str
    anchored_at: str  # ISO 8601 UTC
    key_id: str

    def signed_bytes(self) -> bytes:
        """The canonical bytes the station key signs."""
        return json.dumps(
            [ANCHOR_FORMAT, self.events, self.last_hash, self.anchored_at, self.key_id],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")


def anchor_problem(
    anchor: AnchorPoint, chain_events: int, hash_at_anchor: str | None, shown_at: str
) -> str | None:
    """Why the chain does not extend the anchored one (Chinese), or None when it does.

    ``chain_events``: events in the chain now; ``hash_at_anchor``: the stored hash of event
    number ``anchor.events`` now (None when there is no such event); ``shown_at``: the
    anchor's time as the reader reads it.
    """
    if chain_events < anchor.events:
        return (
            f"操作日志被截断：{shown_at} 锚定时共有 {anchor.events} 条事件，现在只有 "
            f"{chain_events} 条，第 {chain_events + 1} 至 {anchor.events} 号事件被删除"
        )
    if anchor.events and hash_at_anchor != anchor.last_hash:
        return (
            f"第 {anchor.events} 号事件与 {shown_at} 锚定时的哈希不符"
            "（该事件或之前的事件被删除后重写）"
        )
    return None
