"""Reading HTTP/1.1 messages off a socket (the fault proxy's terminating mode): just enough of the
protocol for requests with a Content-Length and answers delimited by length, chunks or close."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field

_MAX_HEAD = 64 * 1024
CHUNK = 64 * 1024


def wrap_tls(context: ssl.SSLContext, sock: socket.socket, **kwargs: object) -> ssl.SSLSocket:
    """``context.wrap_socket`` that leaves no socket open when it fails.

    Python 3.11.7's ``SSLSocket._create`` raises without closing the new SSLSocket (which owns
    the file descriptor by then) when the peer resets the connection just before the handshake
    (python/cpython#113280): the socket is found in the traceback and closed here.
    """
    try:
        return context.wrap_socket(sock, **kwargs)  # type: ignore[arg-type]
    except BaseException as exc:
        trace = exc.__traceback__
        while trace is not None:
            leaked = trace.tb_frame.f_locals.get("self")
            if isinstance(leaked, ssl.SSLSocket):
                leaked.close()
            trace = trace.tb_next
        sock.close()
        raise


class Closed(Exception):
    """A peer closed its side before a whole HTTP message arrived."""



@dataclass
class Message:
    head: bytes
    body: bytes
    start_line: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def raw(self) -> bytes:
        return self.head + self.body

    @property
    def status(self) -> int:
        return int(self.start_line.split(" ", 2)[1])


class Reader:
    """Reads HTTP/1.1 messages off a (TLS) socket, keeping what arrived beyond one message."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _more(self) -> None:
        data = self.sock.recv(CHUNK)
        if not data:
            raise Closed
        self.buffer += data

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._more()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            if len(self.buffer) > _MAX_HEAD:
                raise Closed
            self._more()
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line + b"\r\n"

    def message(self, *, response_to: str | None = None) -> Message:
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > _MAX_HEAD:
                raise Closed
            self._more()
        end = self.buffer.index(b"\r\n\r\n") + 4
        head, self.buffer = self.buffer[:end], self.buffer[end:]
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        message = Message(head, b"", lines[0], headers)
        if response_to is not None:
            code = message.status
            if response_to == "HEAD" or code in (204, 304) or 100 <= code < 200:
                return message
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size_line = self._line()
                body += size_line
                size = int(size_line.split(b";")[0].strip(), 16)
                body += self._take(size + 2)
                if size == 0:
                    break
            message.body = body
        elif "content-length" in headers:
            message.body = self._take(int(headers["content-length"]))
        elif response_to is not None:  # an answer delimited by the end of the connection
            while True:
                try:
                    self._more()
                except Closed:
                    break
            message.body, self.buffer = self.buffer, b""
        return message

