"""A TCP proxy on loopback that breaks connections on purpose, for the sync fault tests.

The station talks HTTPS to the city's receiver and pins the receiver's self-signed
certificate. The proxy sits between the two and does one of two things with each
connection it accepts, chosen by the :class:`Fault` it draws for that connection:

**Pass-through** (the default): the TLS bytes go through untouched, in both directions. The
proxy cannot read them and needs no key; the client completes its TLS handshake with the
real server and its pinning is tested for real. Faults here are about the connection:
``refuse`` (accept, then close at once, optionally with a TCP reset), ``delay`` (wait before
connecting upstream), ``cut_upstream``/``cut_downstream`` (close both sides after K bytes
went one way: during the handshake, in the middle of a request, in the middle of an answer,
or after the server's full answer has gone out, depending on K).

**Terminating**: some faults need to see HTTP, which TLS hides: answering an HTTP 5xx,
replaying a request to the server, or letting the server answer completely and then losing
that answer. For those the proxy terminates TLS itself *with the server's own certificate
and key* (the test holds them; the client's pin still matches) and re-originates TLS
upstream, verifying the server against the same certificate. We chose this over a 5xx
middleware in the test server because one mechanism then gives all HTTP-level faults,
including the ones that must happen *after* the real server has done its work
(``error_after`` and ``lose_response``: the batch is stored at the city and the station
never hears of it), and because the server under test stays exactly the program a county
runs. On a terminated connection each request draws its own fault (HTTP keep-alive sends
several requests over one connection); the connection-level faults then act on the plain
bytes of that request and its answer. When nothing listens upstream a terminated request
gets a 502 (as from a gateway); when the server breaks off after taking the request (killed,
say), the proxy closes the client's connection without an answer, as the server would have.
:attr:`FaultProxy.on_request_sent` lets a test act at the exact moment a request has reached
the server and its answer is awaited (to kill the server in the middle of a batch).

Faults are drawn in order from a plan (:meth:`FaultProxy.plan`), then from a policy
(a callable, e.g. a seeded random chooser), else pass-through. Every decision is recorded
in :attr:`FaultProxy.events` so a test can assert what actually happened.

Threads, not asyncio: one thread per connection (two for a pass-through pump), so the
proxy runs beside any event loop the client or the server uses.
"""


from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from tests.sync_faults.faults import (  # noqa: F401  (Fault and Event are used through this module)
    CUT_DOWNSTREAM,
    CUT_UPSTREAM,
    DUPLICATE,
    ERROR,
    ERROR_AFTER,
    LOSE_RESPONSE,
    REFUSE,
    TAMPER,
    Event,
    Fault,
)
from tests.sync_faults.http_messages import CHUNK, Closed, Message, Reader, wrap_tls

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}
IDLE_TIMEOUT = 120  # seconds a socket may stay silent: no proxy thread waits for ever


class _Unreachable(Exception):
    """Nothing accepted the proxy's connection upstream."""



def _close(sock: socket.socket | None, *, reset: bool = False) -> None:
    if sock is None:
        return
    try:
        if reset:  # SO_LINGER 0: close() sends a reset; SHUT_RD wakes a thread blocked in recv
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            socket.socket.shutdown(sock, socket.SHUT_RD)
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass



class FaultProxy:
    """Listens on 127.0.0.1 and forwards to ``upstream`` with the faults it is told.

    ``cert``/``key`` (the server's own PEM files) allow terminating TLS for the HTTP-level
    faults; without them those faults raise. ``upstream`` may be changed while running
    (a restarted server on another port).
    """

    def __init__(self, upstream: tuple[str, int], *, cert: Path | None = None, key: Path | None = None,
                 policy: Callable[[int, int], Fault] | None = None) -> None:
        self.upstream = upstream
        self.policy = policy
        # Called (in the proxy's thread) once a terminated request went to the server in full and
        # before its answer is read: a test kills the server there to stop it mid-request.
        self.on_request_sent: Callable[[Event], None] | None = None
        self.events: list[Event] = []
        self._plan: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._server_ctx: ssl.SSLContext | None = None
        self._client_ctx: ssl.SSLContext | None = None
        if cert is not None:
            if key is None:
                raise ValueError("terminating TLS needs the certificate's key too")
            self._server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._server_ctx.load_cert_chain(str(cert), str(key))
            self._client_ctx = ssl.create_default_context(cafile=str(cert))
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self._connections = 0
        self._stopping = threading.Event()
        self.port = 0

    # -- control -------------------------------------------------------------------------------

    @property
    def can_terminate(self) -> bool:
        return self._server_ctx is not None

    def plan(self, faults: Iterable[Fault]) -> None:
        """Faults for the next connections (pass-through) or requests (terminating), in order."""
        faults = list(faults)
        if any(f.needs_http for f in faults) and not self.can_terminate:
            raise ValueError("HTTP-level faults need the server's certificate and key")
        with self._lock:
            self._plan.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._plan.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._plan)

    def _draw(self, connection: int, request: int) -> Fault:
        with self._lock:
            if self._plan:
                return self._plan.popleft()
        if self.policy is not None:
            fault = self.policy(connection, request)
            if fault.needs_http and not self.can_terminate:
                raise ValueError("HTTP-level faults need the server's certificate and key")
            return fault
        return Fault.passthrough()

    def _record(self, event: Event) -> Event:
        with self._lock:
            self.events.append(event)
        return event

    def faults_seen(self) -> list[str]:
        with self._lock:
            return [event.fault.kind for event in self.events]

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}"

    def start(self) -> FaultProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        """Stop listening and break every open connection; waits for the proxy's threads."""
        self._stopping.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)
        deadline = time.monotonic() + 10
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        _close(self._listener)
        self._listener = None
        self._threads = [t for t in self._threads if t.is_alive()]
        if self._threads:
            raise RuntimeError(f"fault proxy: {len(self._threads)} threads did not stop")

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- plumbing ------------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True, name="fault-proxy")
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()
        return thread

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.add(sock)
        return sock

    def _forget(self, *socks: socket.socket | None, reset: bool = False) -> None:
        for sock in socks:
            if sock is None:
                continue
            with self._lock:
                self._sockets.discard(sock)
            _close(sock, reset=reset)

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(IDLE_TIMEOUT)
            self._connections += 1
            self._spawn(self._serve, self._track(client), self._connections)

    def _connect_upstream(self) -> socket.socket:
        if self._stopping.is_set():
            raise ConnectionAbortedError("fault proxy stopping")
        sock = socket.create_connection(self.upstream, timeout=30)
        sock.settimeout(IDLE_TIMEOUT)
        return self._track(sock)

    def _serve(self, client: socket.socket, number: int) -> None:
        try:
            fault = self._draw(number, 1)
        except ValueError:
            self._forget(client, reset=True)
            raise
        if fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault.kind == REFUSE:
            self._record(Event(number, 0, fault, False, outcome="refused"))
            self._forget(client, reset=fault.reset)
            return
        if fault.needs_http:
            self._terminate(client, number, fault)
        else:
            self._passthrough(client, number, fault)

    # -- pass-through ----------------------------------------------------------------------------

    def _passthrough(self, client: socket.socket, number: int, fault: Fault) -> None:
        event = self._record(Event(number, 0, fault, False))
        try:
            upstream = self._connect_upstream()
        except OSError as exc:
            event.outcome = f"upstream unreachable: {exc.__class__.__name__}"
            self._forget(client)
            return
        limit_up = fault.after_bytes if fault.kind == CUT_UPSTREAM else None
        limit_down = fault.after_bytes if fault.kind == CUT_DOWNSTREAM else None
        cut = threading.Event()

        def pump(src: socket.socket, dst: socket.socket, limit: int | None, counter: str) -> None:
            sent = 0
            try:
                while True:
                    want = CHUNK if limit is None else min(CHUNK, limit - sent)
                    if want <= 0:
                        cut.set()
                        break
                    data = src.recv(want)
                    if not data:  # an orderly end one way: pass the half-close on
                        dst.shutdown(socket.SHUT_WR)
                        return
                    dst.sendall(data)
                    sent += len(data)
                    setattr(event, counter, sent)
            except OSError:
                pass  # one side broke (or stop()): break the other too
            finally:
                setattr(event, counter, sent)
            self._forget(client, upstream, reset=fault.reset and cut.is_set())

        down = threading.Thread(target=pump, args=(upstream, client, limit_down, "sent_down"), daemon=True)
        down.start()
        pump(client, upstream, limit_up, "sent_up")
        down.join()
        event.outcome = "cut" if cut.is_set() else "closed"
        self._forget(client, upstream)

    # -- terminating ----------------------------------------------------------------------------

    def _terminate(self, raw: socket.socket, number: int, first: Fault) -> None:
        assert self._server_ctx is not None
        try:
            client = wrap_tls(self._server_ctx, raw, server_side=True)
        except (OSError, ssl.SSLError):
            self._record(Event(number, 1, first, True, outcome="client handshake failed"))
            self._forget(raw)
            return
        with self._lock:
            self._sockets.discard(raw)
            self._sockets.add(client)
        reader = Reader(client)
        request_number, fault = 1, first
        try:
            while True:
                try:
                    request = reader.message()
                except (Closed, OSError, ValueError):
                    return
                if request_number > 1:  # drawn once the request is there, not for a connection left idle
                    fault = self._draw(number, request_number)
                    if fault.delay_ms:
                        time.sleep(fault.delay_ms / 1000)
                method, target = (request.start_line.split(" ") + ["", ""])[:2]
                event = self._record(Event(number, request_number, fault, True, method, target))
                if not self._exchange(client, request, fault, event):
                    return
                request_number += 1
        finally:
            self._forget(client, reset=fault.reset)

    def _ask_upstream(self, request: Message, event: Event) -> Message:
        assert self._client_ctx is not None
        try:
            sock = self._connect_upstream()
        except OSError as exc:
            raise _Unreachable from exc
        tls = None
        try:
            tls = wrap_tls(self._client_ctx, sock, server_hostname="localhost")
            with self._lock:
                self._sockets.discard(sock)
                self._sockets.add(tls)
            tls.sendall(request.raw)
            hook = self.on_request_sent
            if hook is not None:
                hook(event)
            return Reader(tls).message(response_to=event.method)
        finally:
            self._forget(tls if tls is not None else sock)

    def _exchange(self, client: ssl.SSLSocket, request: Message, fault: Fault, event: Event) -> bool:
        """One request on a terminated connection; False when the connection is to end."""
        kind = fault.kind
        if kind == REFUSE:
            event.outcome = "refused"
            return False
        if kind == CUT_UPSTREAM and fault.after_bytes < len(request.raw):
            # part of the request reaches the server, then both sides break
            assert self._client_ctx is not None
            sock = tls = None
            try:
                sock = self._connect_upstream()
                tls = wrap_tls(self._client_ctx, sock, server_hostname="localhost")
                tls.sendall(request.raw[: fault.after_bytes])
                event.sent_up = fault.after_bytes
            except (OSError, ssl.SSLError):
                pass
            finally:
                self._forget(sock, tls, reset=fault.reset)
            event.outcome = "cut"
            return False
        if kind == TAMPER and request.body:
            body = bytearray(request.body)
            at = fault.after_bytes % len(body)
            body[at] = ord("B") if body[at] == ord("A") else ord("A")
            request = Message(request.head, bytes(body), request.start_line, request.headers)
        if kind == ERROR:
            event.outcome = f"answered {fault.status} without asking the server"
            self._answer_error(client, fault.status)
            return False
        try:
            response = self._ask_upstream(request, event)
            if kind == DUPLICATE:
                second = self._ask_upstream(request, event)
                event.outcome = f"sent twice; second answer {second.status}"
        except _Unreachable:  # as a gateway says when nothing listens behind it
            event.outcome = "upstream unreachable: answered 502"
            self._answer_error(client, 502)
            return False
        except (OSError, ssl.SSLError, Closed, ValueError) as exc:
            # the server broke off after taking the request (killed, say): so does the proxy
            event.outcome = f"upstream broke off: {exc.__class__.__name__}; client connection closed"
            return False
        event.upstream_status = response.status
        event.sent_up = len(request.raw)
        if kind == ERROR_AFTER:
            event.outcome = f"server answered {response.status}; client got {fault.status}"
            self._answer_error(client, fault.status)
            return False
        keep = None
        if kind in (LOSE_RESPONSE, CUT_DOWNSTREAM):
            keep = fault.after_bytes
        data = response.raw
        if keep is not None and keep < len(data):
            try:
                client.sendall(data[:keep])
            except OSError:
                pass
            event.sent_down = keep
            event.outcome = f"server answered {response.status}; client got {keep} of {len(data)} bytes"
            return False
        try:
            client.sendall(data)
        except OSError:
            event.outcome = "client gone"
            return False
        event.sent_down = len(data)
        event.outcome = event.outcome or "forwarded"
        return response.headers.get("connection", "").lower() != "close"

    @staticmethod
    def _answer_error(client: ssl.SSLSocket, status: int) -> None:
        body = f"{status} {_REASONS.get(status, 'Error')} (fault proxy)\n".encode("ascii")
        head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("ascii")
        try:
            client.sendall(head + body)
        except OSError:
            pass
