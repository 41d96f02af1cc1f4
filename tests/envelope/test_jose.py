"""The JOSE envelope: what seals and opens, and every way a container is refused.

Refused containers are built by hand (base64url of a header, a payload, a signature) where
joserfc would not make them, so that the checks are tried against what an attacker sends.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from jiangxin_desktop.envelope import (
    MAX_DOCUMENT,
    MAX_ENVELOPE,
    EnvelopeError,
    decrypt,
    ed25519_from_jwk,
    ed25519_jwk,
    key_id,
    open_sealed,
    rsa_from_jwk,
    rsa_jwk,
    seal,
    sign,
    unverified,
    verify,
)
from jiangxin_desktop.protocol.batch import BATCH, RECEIPT
from tests.envelope.vectors import FOLDER, load_keys, station_kid

CHINESE = re.compile(r"[\u4e00-\u9fff]")
STATION, CITY_RSA, CITY_SIGNING = load_keys()
KID = station_kid(STATION)
CITY_KID = rsa_jwk(CITY_RSA)["kid"]
DOCUMENT = (FOLDER / "batch.json").read_bytes()
KEYS = {KID: STATION.public_key()}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jws(header: dict, payload: bytes, key: ed25519.Ed25519PrivateKey | None = STATION) -> str:
    """A compact JWS made by hand: any header, signed with Ed25519 over the JWS signing input."""
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(payload)
    signature = b"" if key is None else key.sign(signing_input.encode("ascii"))
    return signing_input + "." + _b64(signature)


def _header(**changes) -> dict:
    return {**{"alg": "Ed25519", "kid": KID, "typ": BATCH, "cty": "application/gzip"}, **changes}


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _sealed(document: bytes = DOCUMENT, **changes) -> str:
    arguments = dict(signer=STATION, kid=KID, typ=BATCH, recipient=CITY_RSA.public_key(), recipient_kid=CITY_KID)
    return seal(document, **{**arguments, **changes})


def _refused(code: str, call, *args, **kwargs) -> EnvelopeError:
    with pytest.raises(EnvelopeError) as refused:
        call(*args, **kwargs)
    assert refused.value.code == code, (refused.value.code, str(refused.value))
    assert CHINESE.search(refused.value.user_message), refused.value.user_message
    return refused.value


def _open(token, **changes):
    arguments = dict(recipient=CITY_RSA, key_for_kid=KEYS.get, typ=BATCH)
    return open_sealed(token, **{**arguments, **changes})


# -- what works --------------------------------------------------------------------------------


def test_seal_and_open_round_trip():
    token = _sealed()
    assert token.count(".") == 4
    opened = _open(token)
    assert (opened.kid, opened.typ, opened.document) == (KID, BATCH, DOCUMENT)
    assert _open(token.encode("ascii") + b"\n").document == DOCUMENT  # bytes, as read from a file


def test_the_jwe_and_jws_headers_are_the_protocols():
    token = _sealed()
    assert json.loads(_unb64(token.split(".")[0])) == {"alg": "RSA-OAEP-256", "enc": "A256GCM",
                                                        "kid": CITY_KID, "cty": "JOSE"}
    inner = decrypt(token, recipient=CITY_RSA)
    assert json.loads(_unb64(inner.split(".")[0])) == _header()
    assert gzip.decompress(_unb64(inner.split(".")[1])) == DOCUMENT


def test_signing_is_deterministic_and_sealing_is_not():
    assert sign(DOCUMENT, signer=STATION, kid=KID, typ=BATCH) == sign(DOCUMENT, signer=STATION, kid=KID, typ=BATCH)
    assert _sealed() != _sealed()


def test_a_signed_document_verifies_and_unverified_reads_it_first():
    token = sign(DOCUMENT, signer=CITY_SIGNING, kid="city", typ=RECEIPT)
    claimed = unverified(token)
    assert (claimed.kid, claimed.typ, claimed.document) == ("city", RECEIPT, DOCUMENT)
    assert verify(token, key_for_kid={"city": CITY_SIGNING.public_key()}.get, typ=RECEIPT).document == DOCUMENT


# -- refused containers -----------------------------------------------------------------------


def test_a_tampered_ciphertext_is_refused():
    parts = _sealed().split(".")
    ciphertext = bytearray(_unb64(parts[3]))
    ciphertext[10] ^= 1
    parts[3] = _b64(bytes(ciphertext))
    _refused("not_for_us", _open, ".".join(parts))


def test_a_tampered_tag_or_header_is_refused():
    parts = _sealed().split(".")
    _refused("not_for_us", _open, ".".join(parts[:4] + [_b64(b"\0" * 16)]))
    header = _b64(json.dumps({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "other", "cty": "JOSE"}).encode())
    _refused("not_for_us", _open, ".".join([header] + parts[1:]))  # the header is the AAD


def test_a_batch_for_another_recipient_is_refused():
    other = rsa.generate_private_key(65537, 3072)
    _refused("not_for_us", _open, _sealed(), recipient=other)


def test_another_jwe_algorithm_is_refused():
    from joserfc import jwe
    from joserfc.jwk import RSAKey

    inner = sign(DOCUMENT, signer=STATION, kid=KID, typ=BATCH).encode()
    for alg, enc in (("RSA-OAEP", "A256GCM"), ("RSA-OAEP-256", "A128CBC-HS256")):
        token = jwe.encrypt_compact({"alg": alg, "enc": enc}, inner, RSAKey.import_key(CITY_RSA.public_key()),
                                    algorithms=[alg, enc])
        error = _refused("malformed", _open, token)
        assert "RSA-OAEP-256" in str(error)


def test_an_unknown_signer_is_refused():
    _refused("unknown_key", _open, _sealed(), key_for_kid={}.get)
    _refused("unknown_key", verify, _jws(_header(kid=None), _gz(DOCUMENT)), key_for_kid=KEYS.get, typ=BATCH)


def test_a_bad_signature_is_refused():
    impostor = ed25519.Ed25519PrivateKey.generate()
    _refused("bad_signature", _open, _sealed(signer=impostor))  # claims the station's kid
    token = sign(DOCUMENT, signer=STATION, kid=KID, typ=BATCH)
    header, payload, signature = token.split(".")
    other_payload = _b64(_gz(DOCUMENT.replace("测试甲".encode(), "测试丙".encode())))  # another name
    _refused("bad_signature", verify, f"{header}.{other_payload}.{signature}", key_for_kid=KEYS.get, typ=BATCH)
    _refused("bad_signature", verify, f"{header}.{payload}.{_b64(b'0' * 64)}", key_for_kid=KEYS.get, typ=BATCH)


def test_a_document_of_another_type_is_refused():
    _refused("wrong_type", _open, _sealed(typ=RECEIPT))
    _refused("wrong_type", verify, _jws(_header(typ=None), _gz(DOCUMENT)), key_for_kid=KEYS.get, typ=BATCH)


@pytest.mark.parametrize("header", [
    _header(alg="EdDSA"),  # the old name RFC 9864 deprecates: not what the protocol says
    _header(alg="none"),
    _header(alg="HS256"),
    _header(cty="application/json"),
    _header(crit=["exp"], exp=1),
    _header(b64=False, crit=["b64"]),
    _header(b64=False),
    _header(jwk={"kty": "OKP", "crv": "Ed25519", "x": "AA"}),  # a key of its own: never looked at
    _header(x5u="https://example.invalid/key"),
    {"alg": "Ed25519", "kid": KID, "typ": BATCH},  # no cty
])
def test_jws_parameters_other_than_the_protocols_are_refused(header):
    key = None if header["alg"] == "none" else STATION
    _refused("malformed", verify, _jws(header, _gz(DOCUMENT), key), key_for_kid=KEYS.get, typ=BATCH)


def test_a_good_jws_with_a_signature_by_hand_verifies():
    """The hand-made JWS of the refusals above is sound: with our parameters it passes."""
    assert verify(_jws(_header(), _gz(DOCUMENT)), key_for_kid=KEYS.get, typ=BATCH).document == DOCUMENT


def _bomb(size: int) -> bytes:
    deflate = zlib.compressobj(1, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    return b"".join([deflate.compress(chunk) for _ in range(size >> 20)] + [deflate.flush()])


def test_a_gzip_bomb_is_refused_as_too_large():
    bomb = _bomb(MAX_DOCUMENT + (1 << 20))  # ~1 MB that would expand past 256 MB
    assert len(bomb) < 2 * 1024 * 1024
    error = _refused("too_large", verify, _jws(_header(), bomb), key_for_kid=KEYS.get, typ=BATCH)
    assert "MB" in error.user_message


def test_a_document_of_the_largest_size_passes_gzip(monkeypatch):
    from jiangxin_desktop.envelope import jose

    monkeypatch.setattr(jose, "MAX_DOCUMENT", 1 << 20)
    assert jose._gunzip(_bomb(1 << 20)) == bytes(1 << 20)
    _refused("too_large", jose._gunzip, _bomb(2 << 20))


def test_a_truncated_or_broken_gzip_payload_is_refused():
    payload = _gz(DOCUMENT)
    _refused("malformed", verify, _jws(_header(), payload[:-12]), key_for_kid=KEYS.get, typ=BATCH)
    _refused("malformed", verify, _jws(_header(), payload[:5]), key_for_kid=KEYS.get, typ=BATCH)
    _refused("malformed", verify, _jws(_header(), DOCUMENT), key_for_kid=KEYS.get, typ=BATCH)  # not gzip


def test_data_after_the_gzip_stream_is_refused():
    """One document, one gzip member: a second member or trailing bytes are not read past."""
    _refused("malformed", verify, _jws(_header(), _gz(DOCUMENT) + _gz(b"{}")), key_for_kid=KEYS.get, typ=BATCH)
    _refused("malformed", verify, _jws(_header(), _gz(DOCUMENT) + b"\0"), key_for_kid=KEYS.get, typ=BATCH)


@pytest.mark.parametrize("token", [
    "", "a.b", "a.b.c.d", "not base64!.x.y", "....", "a.b.c.d.e.f",
    _b64(b"not json") + "." + _b64(b"x") + "." + _b64(b"y"),
])
def test_what_is_not_compact_jose_is_refused(token):
    with pytest.raises(EnvelopeError) as refused:
        _open(token)
    assert refused.value.code in ("malformed", "not_for_us")
    assert CHINESE.search(refused.value.user_message)
    with pytest.raises(EnvelopeError) as refused:
        verify(token, key_for_kid=KEYS.get, typ=BATCH)
    assert refused.value.code == "malformed" and CHINESE.search(refused.value.user_message)


def test_an_envelope_too_large_or_not_ascii_is_refused():
    _refused("too_large", _open, "a" * (MAX_ENVELOPE + 1))
    _refused("too_large", _open, b"a" * (MAX_ENVELOPE + 1))
    _refused("too_large", verify, "a" * (MAX_ENVELOPE + 1), key_for_kid=KEYS.get, typ=BATCH)
    _refused("too_large", unverified, "a" * (MAX_ENVELOPE + 1))
    _refused("malformed", _open, "连云港".encode())


# -- keys as JWKs ------------------------------------------------------------------------------


def test_public_jwks_round_trip_with_their_thumbprint_as_kid():
    jwk = rsa_jwk(CITY_RSA)
    assert set(jwk) == {"kty", "n", "e", "kid", "alg", "use"} and jwk["alg"] == "RSA-OAEP-256"
    assert rsa_from_jwk(jwk).public_numbers() == CITY_RSA.public_key().public_numbers()
    signing = ed25519_jwk(CITY_SIGNING.public_key())
    assert set(signing) == {"kty", "crv", "x", "kid", "alg", "use"} and signing["alg"] == "Ed25519"
    assert ed25519_from_jwk(signing) == CITY_SIGNING.public_key()
    assert key_id(signing) == signing["kid"] == ed25519_jwk(CITY_SIGNING)["kid"]
    # RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace
    import hashlib
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": signing["x"]}, separators=(",", ":"))
    assert signing["kid"] == _b64(hashlib.sha256(members.encode()).digest())


def test_a_jwk_with_private_parts_is_refused():
    from joserfc.jwk import OKPKey, RSAKey

    private_rsa = {**RSAKey.import_key(CITY_RSA).as_dict(private=True), "kid": CITY_KID}
    private_okp = {**OKPKey.import_key(CITY_SIGNING).as_dict(private=True), "kid": ed25519_jwk(CITY_SIGNING)["kid"]}
    assert _refused("bad_key", rsa_from_jwk, private_rsa).user_message.startswith("文件里含有私钥")
    _refused("bad_key", ed25519_from_jwk, private_okp)
    _refused("bad_key", rsa_from_jwk, {**rsa_jwk(CITY_RSA), "p": "AQAB"})


def test_an_rsa_key_under_3072_bits_is_refused():
    short = rsa.generate_private_key(65537, 2048)
    assert "3072" in _refused("bad_key", rsa_from_jwk, rsa_jwk(short)).user_message


def test_a_kid_that_is_not_the_thumbprint_is_refused():
    _refused("bad_key", rsa_from_jwk, {**rsa_jwk(CITY_RSA), "kid": ed25519_jwk(CITY_SIGNING)["kid"]})
    _refused("bad_key", ed25519_from_jwk, {**ed25519_jwk(CITY_SIGNING), "kid": CITY_KID})
    _refused("bad_key", ed25519_from_jwk, {k: v for k, v in ed25519_jwk(CITY_SIGNING).items() if k != "kid"})


@pytest.mark.parametrize("jwk", [
    {"kty": "RSA", "n": "AQAB", "kid": "x"},
    {"kty": "OKP", "crv": "X25519", "x": _b64(bytes(32)), "kid": "x"},
    {"kty": "EC", "crv": "P-256", "kid": "x"},
    {},
])
def test_what_is_not_the_right_kind_of_key_is_refused(jwk):
    _refused("bad_key", rsa_from_jwk if jwk.get("kty") == "RSA" else ed25519_from_jwk, jwk)
    _refused("bad_key", rsa_from_jwk, jwk)


def test_a_batch_of_real_size_seals_and_opens():
    """5,000 rows: far beyond joserfc's default limits (128 kB of JWS payload, 64 KiB of JWE ciphertext)."""
    import secrets

    from jiangxin_desktop.protocol.batch import Record, batch_document
    from tests.envelope.vectors import sample_records

    trainee = next(r for r in sample_records() if r.entity == "trainee")
    records = [Record("trainee", uuid, 1, "upsert",
                      {**trainee.data, "uuid": uuid, "note": secrets.token_hex(40)})
               for uuid in (f"0193a4c2-5b1e-7c3d-8e4f-{n:012x}" for n in range(5000))]
    document = batch_document(batch_id="0193a4c2-5b1e-7c3d-8e4f-00000000aaaa", station_code="320706001",
                              sequence=1, created_at="2026-12-01T09:00:00.000Z", previous_hash=None,
                              records=records)
    token = _sealed(document)
    assert len(gzip.compress(document)) > 256_000 and len(token) > 340_000
    assert _open(token).document == document
    signed = sign(document, signer=STATION, kid=KID, typ=BATCH)
    assert unverified(signed).document == verify(signed, key_for_kid=KEYS.get, typ=BATCH).document == document
