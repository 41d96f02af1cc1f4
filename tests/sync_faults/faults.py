"""What the fault proxy does to one connection or one request: the faults, and the record of each.

See ``fault_proxy.py`` for how they are applied (pass-through or terminating TLS).
"""

from __future__ import annotations

from dataclasses import dataclass

PASS = "pass"
REFUSE = "refuse"
DELAY = "delay"
CUT_UPSTREAM = "cut_upstream"  # after K bytes client → server
CUT_DOWNSTREAM = "cut_downstream"  # after K bytes server → client
ERROR = "error"  # answer 5xx without asking the server
ERROR_AFTER = "error_after"  # the server answers; the client gets a 5xx instead
LOSE_RESPONSE = "lose_response"  # the server answers; the client gets only the first K bytes
DUPLICATE = "duplicate"  # the request reaches the server twice (two connections)
RELAY = "relay"  # no fault, but through a terminated connection (so on_request_sent sees it)
TAMPER = "tamper"  # one byte of the request body changed on the way (a man in the middle)

HTTP_KINDS = frozenset({ERROR, ERROR_AFTER, LOSE_RESPONSE, DUPLICATE, RELAY, TAMPER})
KINDS = frozenset({PASS, REFUSE, DELAY, CUT_UPSTREAM, CUT_DOWNSTREAM}) | HTTP_KINDS


@dataclass(frozen=True)
class Fault:
    """What the proxy does with one connection (pass-through) or one request (terminating).

    ``delay_ms`` applies before anything else, with any kind. ``after_bytes`` is K for the
    cuts and for ``lose_response`` (how much of the answer still reaches the client).
    ``reset`` closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN.
    """

    kind: str = PASS
    delay_ms: int = 0
    after_bytes: int = 0
    status: int = 503
    reset: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}")

    @property
    def needs_http(self) -> bool:
        return self.kind in HTTP_KINDS

    @classmethod
    def passthrough(cls) -> Fault:
        return cls(PASS)

    @classmethod
    def refuse(cls, *, reset: bool = False) -> Fault:
        return cls(REFUSE, reset=reset)

    @classmethod
    def delay(cls, ms: int) -> Fault:
        return cls(DELAY, delay_ms=ms)

    @classmethod
    def cut_upstream(cls, after: int, *, reset: bool = False) -> Fault:
        return cls(CUT_UPSTREAM, after_bytes=after, reset=reset)

    @classmethod
    def cut_downstream(cls, after: int, *, reset: bool = False) -> Fault:
        return cls(CUT_DOWNSTREAM, after_bytes=after, reset=reset)

    @classmethod
    def error(cls, status: int = 503) -> Fault:
        return cls(ERROR, status=status)

    @classmethod
    def error_after(cls, status: int = 502) -> Fault:
        return cls(ERROR_AFTER, status=status)

    @classmethod
    def lose_response(cls, keep: int = 0, *, reset: bool = False) -> Fault:
        return cls(LOSE_RESPONSE, after_bytes=keep, reset=reset)

    @classmethod
    def duplicate(cls) -> Fault:
        return cls(DUPLICATE)

    @classmethod
    def relay(cls) -> Fault:
        return cls(RELAY)

    @classmethod
    def tamper(cls, at: int) -> Fault:
        """Byte ``at`` (modulo the length) of the request body becomes "A" (or "B" if it was "A")."""
        return cls(TAMPER, after_bytes=at)


@dataclass
class Event:
    """One decision of the proxy: which connection, which request on it, which fault, what came of it."""

    connection: int
    request: int  # 0 for a pass-through connection (the proxy cannot see its requests)
    fault: Fault
    terminated: bool
    method: str = ""
    target: str = ""
    upstream_status: int | None = None  # what the real server answered, when the proxy saw it
    outcome: str = ""
    sent_up: int = 0
    sent_down: int = 0

