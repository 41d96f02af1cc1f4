"""A self-signed certificate and a tiny HTTPS server on loopback, to test the fault proxy alone.

The server counts what reaches it (method, path, body) so a test can tell a request the
server handled from one it never saw. HTTP/1.1 with keep-alive, like uvicorn.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.sync_faults.http_messages import wrap_tls


def self_signed(folder: Path, name: str = "receiver") -> tuple[Path, Path]:
    """``cert.pem`` and ``key.pem`` for localhost and 127.0.0.1, valid around any test clock."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def pinned_context(cert: Path) -> ssl.SSLContext:
    """What a pinning client trusts: this one certificate and nothing else."""
    return ssl.create_default_context(cafile=str(cert))


class CountingServer:
    """HTTPS on 127.0.0.1: ``GET /small`` → "ok", ``GET /big`` → 200 kB, ``PUT /echo`` → its body."""

    BIG = b"0123456789abcdef" * 12800  # 200 kB: several TLS records, several recv() calls

    def __init__(self, cert: Path, key: Path) -> None:
        self.seen: list[tuple[str, str, bytes]] = []
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                with lock:
                    outer.seen.append(("GET", self.path, b""))
                self._answer(outer.BIG if self.path == "/big" else b"ok")

            def do_PUT(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # torn on the way: the server never had the request
                    self.close_connection = True
                    return
                with lock:
                    outer.seen.append(("PUT", self.path, body))
                self._answer(body)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def finish_request(self, request, client_address):  # in the connection's own thread
                request.settimeout(30)
                try:
                    tls = wrap_tls(context, request, server_side=True)
                except (OSError, ssl.SSLError):
                    return  # a handshake the proxy cut: nothing reached the server
                try:
                    super().finish_request(tls, client_address)
                except (OSError, ssl.SSLError):
                    pass  # the connection broke while answering
                finally:
                    tls.close()

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.seen]
