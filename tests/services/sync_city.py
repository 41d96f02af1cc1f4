"""A stand-in for the city in the station's sync tests: its keys, an enrolment file, and a small
real HTTPS receiver on loopback that answers as the API of issue 17 says (built on protocol and
envelope directly, as the city's side would be, so that the station is tested against the format
and not against itself). Faults are asked for per request (``city.faults``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import ssl
import threading
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

from jiangxin_desktop import envelope
from jiangxin_desktop.protocol.batch import (
    ACCEPTED,
    BATCH,
    CATALOG,
    REGISTRATION,
    REJECTED,
    Enrolment,
    Receipt,
    read_batch,
    read_registration,
)

REGISTERED = "jiangxin.registered"
ENROLMENT_ID = "0193a4c2-5b1e-7c3d-8e4f-123456789abc"


@dataclass(frozen=True)
class CityKeys:
    encryption: rsa.RSAPrivateKey
    signing: Ed25519PrivateKey
    tls_key: ec.EllipticCurvePrivateKey
    tls_cert: str

    @property
    def signing_kid(self) -> str:
        return envelope.ed25519_jwk(self.signing)["kid"]

    def sign(self, document: bytes, typ: str) -> str:
        return envelope.sign(document, signer=self.signing, kid=self.signing_kid, typ=typ)


def self_signed(key: ec.EllipticCurvePrivateKey, hosts: tuple[str, ...] = ("localhost", "127.0.0.1")) -> str:
    import ipaddress

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jiangxin city test")])
    sans = []
    for host in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            sans.append(x509.DNSName(host))
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def make_keys() -> CityKeys:
    tls = ec.generate_private_key(ec.SECP256R1())
    return CityKeys(rsa.generate_private_key(65537, 3072), Ed25519PrivateKey.generate(), tls, self_signed(tls))


def enrolment_document(keys: CityKeys, *, url: str, station: str = "320706001", expires: str = "2027-06-01T00:00:00Z",
                       enrolment_id: str = ENROLMENT_ID, token: str = "one-time-token-1") -> bytes:
    return Enrolment(
        enrolment_id=enrolment_id, station_code=station, issued_at="2026-11-30T00:00:00Z", expires_at=expires,
        token=token, city_name="连云港市", url=url, encryption_key=envelope.rsa_jwk(keys.encryption),
        signing_key=envelope.ed25519_jwk(keys.signing), tls_certificate=keys.tls_cert,
    ).document()


@dataclass
class CityState:
    """What the city knows and holds; a test reads it and sets ``faults``."""

    keys: CityKeys
    token: str = "one-time-token-1"
    station_key: Ed25519PublicKey | None = None
    station_kid: str | None = None
    next_sequence: int = 1
    last_hash: str | None = None
    receipts: dict[str, tuple[str, str]] = field(default_factory=dict)  # batch_id → (hash, receipt JWS)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (entity, uuid) → version
    copies: int = 0  # records received, duplicates included
    catalogs: list[tuple[int, str]] = field(default_factory=list)  # (version, JWS), oldest first
    # taken one per request: "500", "cut_after" (work done, no answer), "reject", "forge", "other_hash"
    faults: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the API ----------------------------------------------------------------------------
    def register(self, body: bytes) -> tuple[int, str, str]:
        inner = envelope.decrypt(body, recipient=self.keys.encryption)
        claimed = read_registration(envelope.unverified(inner).document)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(claimed.public_key))
        envelope.verify(inner, key_for_kid=lambda kid: key if kid == claimed.key_id else None, typ=REGISTRATION)
        if claimed.token != self.token:
            return 403, "application/json", _error("bad_token", "token", "注册口令不对")
        self.station_key, self.station_kid = key, claimed.key_id
        ack = json.dumps({"station_code": claimed.station_code, "enrolment_id": claimed.enrolment_id,
                          "key_id": claimed.key_id, "registered_at": "2026-12-01T00:00:00Z"}).encode()
        return 200, "application/jose", self.keys.sign(ack, REGISTERED)

    def batch(self, batch_id: str, body: bytes, *, reject: bool = False,
              forge: str | None = None) -> tuple[int, str, str]:
        try:
            opened = envelope.open_sealed(body, recipient=self.keys.encryption, typ=BATCH,
                                          key_for_kid=lambda kid: self.station_key if kid == self.station_kid else None)
        except envelope.EnvelopeError as exc:
            return {"unknown_key": 401, "bad_signature": 403}.get(exc.code, 400), "application/json", \
                _error(exc.code, str(exc), exc.user_message)
        batch = read_batch(opened.document)
        known = self.receipts.get(batch.batch_id)
        if known is not None:
            if known[0] == batch.hash:
                return 200, "application/jose", known[1]
            return 409, "application/json", _error("batch_conflict", "other hash", "同一批次号内容不同")
        if batch.sequence != self.next_sequence:
            code = "sequence_gap" if batch.sequence > self.next_sequence else "sequence_taken"
            return 409, "application/json", json.dumps({
                "error": code, "message": code, "user_message": "批次序号不对",
                "expected_sequence": self.next_sequence, "last_hash": self.last_hash})
        if batch.previous_hash != self.last_hash:
            return 409, "application/json", _error("chain_broken", "previous hash", "哈希链断开")
        accepted = duplicates = 0
        if not reject and forge is None:
            for record in batch.records:
                self.copies += 1
                if self.rows.get((record.entity, record.uuid), 0) >= record.version:
                    duplicates += 1
                else:
                    self.rows[(record.entity, record.uuid)] = record.version
                    accepted += 1
        receipt = Receipt(batch.batch_id, batch.station_code, batch.sequence, batch.hash, "2026-12-01T01:00:00Z",
                          REJECTED if reject else ACCEPTED, accepted, duplicates,
                          "invalid_document" if reject else None, "第 3 条记录的身份证号码格式不对" if reject else None)
        if forge in ("forge", "other_hash"):  # nothing stored: a receipt the station must not believe
            if forge == "other_hash":
                receipt = replace(receipt, batch_hash="sha256:" + "0" * 64)
                return 200, "application/jose", self.keys.sign(receipt.document(), "jiangxin.receipt")
            return 200, "application/jose", envelope.sign(receipt.document(), signer=Ed25519PrivateKey.generate(),
                                                          kid=self.keys.signing_kid, typ="jiangxin.receipt")
        signed = self.keys.sign(receipt.document(), "jiangxin.receipt")
        self.receipts[batch.batch_id] = (batch.hash, signed)
        self.next_sequence, self.last_hash = batch.sequence + 1, batch.hash
        return 200, "application/jose", signed

    def decisions(self, body: bytes) -> tuple[int, str, str]:
        """No decision on any claim yet: the signed empty decisions document the station asked for."""
        import json

        from jiangxin_desktop.protocol.decisions import decisions_document

        asked = json.loads(envelope.unverified(body).document)
        document = decisions_document(station_code=asked["station_code"], issued_at="2026-12-01T02:00:00.000Z",
                                      after=asked["after"], decisions=[], elsewhere=[])
        return 200, "application/jose", self.keys.sign(document, "jiangxin.claim_decisions")

    def catalog(self, after: str | None) -> tuple[int, str, str]:
        newer = [token for version, token in self.catalogs if after is None or version > int(after)]
        return (200, "application/jose", newer[-1]) if newer else (204, "text/plain", "")

    def publish(self, catalog: dict, version: int, *, signer: Ed25519PrivateKey | None = None) -> str:
        """Sign ``catalog`` as the city's receiver does ({type, format, version, published_at, catalog})."""
        document = json.dumps({"type": CATALOG, "format": 1, "version": version,
                               "published_at": "2026-12-01T02:00:00Z", "catalog": catalog},
                              ensure_ascii=False).encode("utf-8")
        if signer is not None:  # a forgery: the city's key id, another key
            return envelope.sign(document, signer=signer, kid=self.keys.signing_kid, typ=CATALOG)
        token = self.keys.sign(document, CATALOG)
        self.catalogs.append((version, token))
        return token


def _error(code: str, message: str, user_message: str) -> str:
    return json.dumps({"error": code, "message": message, "user_message": user_message}, ensure_ascii=False)


class _Handler(BaseHTTPRequestHandler):
    state: CityState

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, status: int, kind: str, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self, method: str) -> None:
        state = self.state
        url = urlparse(self.path)
        body = self._body() if method in ("POST", "PUT") else b""
        with state.lock:
            state.requests.append(f"{method} {url.path}")
            fault = state.faults.pop(0) if state.faults else None
            if fault == "500":
                return self._answer(503, "application/json", _error("unavailable", "down", "市里服务器维护中"))
            if method == "POST" and url.path == "/v1/registrations":
                answer = state.register(body)
            elif method == "PUT" and url.path.startswith("/v1/batches/"):
                answer = state.batch(url.path.rsplit("/", 1)[1], body, reject=fault == "reject",
                                     forge=fault if fault in ("forge", "other_hash") else None)
            elif method == "GET" and url.path == "/v1/catalog":
                answer = state.catalog(parse_qs(url.query).get("after", [None])[0])
            elif method == "POST" and url.path == "/v1/decisions":
                answer = state.decisions(body)
            else:
                answer = (404, "application/json", _error("not_found", "no such path", "没有这个地址"))
        if fault == "cut_after":  # the city did the work, the answer never arrives
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._answer(*answer)

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_GET(self) -> None:
        self._serve("GET")


class CityServer:
    """The HTTPS receiver on 127.0.0.1, in a thread (``with CityServer(state) as server``)."""

    def __init__(self, state: CityState, *, cert: str | None = None, key=None) -> None:
        handler = type("Handler", (_Handler,), {"state": state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        folder = Path(__import__("tempfile").mkdtemp())
        (folder / "cert.pem").write_text(cert or state.keys.tls_cert)
        (folder / "key.pem").write_bytes((key or state.keys.tls_key).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> CityServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


# -- fixtures (imported by the sync tests) ------------------------------------------------------

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def city_keys() -> CityKeys:
    return make_keys()  # RSA 3072 takes a moment: once per session


@pytest.fixture
def city(city_keys) -> CityState:
    return CityState(city_keys)


@pytest.fixture
def station(data_paths, clock):
    """A demo database made into a real station's (its rows travel), logged in as the clerk."""
    from tests.conftest import open_travelling_station

    ctx = open_travelling_station(data_paths, clock, 5)
    yield ctx
    ctx.close()


def act(ctx, username: str) -> None:
    from tests.conftest import DEMO_PASSWORD

    ctx.act_as(ctx.users.authenticate(username, DEMO_PASSWORD))


def enrol(ctx, city: CityState, url: str, tmp_path: Path, **kwargs) -> Path:
    """Write the city's enrolment file for ``ctx``'s station and import it as the administrator."""
    path = tmp_path / "enrolment.json"
    path.write_bytes(enrolment_document(city.keys, url=url, station=ctx.station.code, **kwargs))
    act(ctx, "admin")
    ctx.sync.enrol(path)
    act(ctx, "clerk")
    return path


def answer_folder(city: CityState, folder: Path, station: str) -> None:
    """What the city's USB import does with a station's folder: acknowledgement, receipts, catalog."""
    top = folder / "jiangxin-sync"
    here = top / station
    registration = here / "registration.jwe"
    if registration.is_file():
        status, _, ack = city.register(registration.read_bytes())
        assert status == 200
        (here / "registered.jws").write_text(ack)
    (here / "receipts").mkdir(exist_ok=True)
    for path in sorted((here / "batches").glob("*.jwe")):
        batch_id = path.stem.split("-", 1)[1]
        status, _, body = city.batch(batch_id, path.read_bytes())
        if status != 200:
            break
        (here / "receipts" / f"{batch_id}.jws").write_text(body)
    if city.catalogs:
        (top / "catalog.jws").write_text(city.catalogs[-1][1])
