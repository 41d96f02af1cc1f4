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
