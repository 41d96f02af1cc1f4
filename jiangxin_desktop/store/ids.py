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
    """``count`` UUIDv7 strings in order (one lock, one read of the clock and the random source).

    Same layout as :func:`uuid7`: the batch takes the next ``count`` (millisecond, counter)
    pairs, a millisecond ahead whenever the 12-bit counter runs out (RFC 9562's counter
    method), so later UUIDs still sort after it. A 10,000-row import needs 20,000.
    """
    global _last_ms, _counter
    if count <= 0:
        return []
    with _lock:
        ms, counter = _next()
        first = ms << 12 | counter  # (ms, counter) as one number: counter in the low 12 bits
        _last_ms, _counter = divmod(first + count - 1, 1 << 12)
    random = os.urandom(8 * count).hex()  # 16 hex digits per UUID: variant nibble + 60 bits
    out: list[str] = []
    for block in range(first >> 12, ((first + count - 1) >> 12) + 1):  # each millisecond
        stamp = f"{block & ((1 << 48) - 1):012x}"
        head = f"{stamp[:8]}-{stamp[8:]}-7"
        low, high = max(first, block << 12), min(first + count, (block + 1) << 12)
        out.extend(f"{head}{value & 0xFFF:03x}-" for value in range(low, high))
    variant = _VARIANT
    return [
        f"{start}{variant[random[i]]}{random[i + 1 : i + 4]}-{random[i + 4 : i + 16]}"
        for start, i in zip(out, range(0, 16 * count, 16), strict=True)
    ]


# The first hex digit of the last 64 bits: its top two bits are the variant, 0b10.
_VARIANT = {f"{n:x}": f"{0b1000 | (n & 0b11):x}" for n in range(16)}
