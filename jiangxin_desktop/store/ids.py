"""Time-ordered UUIDs (RFC 9562 version 7) for rows that travel to the city."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def _next() -> tuple[int, int]:
    """(milliseconds, counter), strictly increasing; the caller holds the lock."""
    global _last_ms, _counter
    ms = time.time_ns() // 1_000_000
    if ms <= _last_ms:
        _counter += 1
        if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
            _last_ms += 1
            _counter = 0
        ms = _last_ms
    else:
        _last_ms = ms
        _counter = 0
    return ms, _counter


def _format(ms: int, counter: int, random8: bytes) -> str:
    rand_b = int.from_bytes(random8, "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid7() -> str:
    """A UUIDv7 string; monotonic within this process (12-bit counter in rand_a)."""
    with _lock:
        ms, counter = _next()
    return _format(ms, counter, os.urandom(8))


def uuid7_batch(count: int) -> list[str]:
    """``count`` UUIDv7 strings in order (one lock, one read of the random source).

    Same layout as :func:`uuid7`, assembled from hex text: a 10,000-row import needs 20,000.
    """
    with _lock:
        stamps = [_next() for _ in range(count)]
    random = os.urandom(8 * count).hex()  # 16 hex digits per UUID: variant nibble + 60 bits
    out = []
    last_ms, head = -1, ""
    for i, (ms, counter) in enumerate(stamps):
        if ms != last_ms:
            last_ms, stamp = ms, f"{ms & ((1 << 48) - 1):012x}"
            head = f"{stamp[:8]}-{stamp[8:]}-7"
        r = random[16 * i : 16 * i + 16]
        out.append(f"{head}{counter:03x}-{_VARIANT[r[0]]}{r[1:4]}-{r[4:]}")
    return out


# The first hex digit of the last 64 bits: its top two bits are the variant, 0b10.
_VARIANT = {f"{n:x}": f"{0b1000 | (n & 0b11):x}" for n in range(16)}
