"""The certificate QR payload: compact, signed, and every kind of bad payload said in words."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jiangxin_desktop.services.certificates.payload import (
    PREFIX,
    CertificateClaims,
    VerifyStatus,
    sign_payload,
    verify_payload,
)
from jiangxin_desktop.services.certificates.qr import qr_symbol
from jiangxin_desktop.services.security.signing import StationSigner, key_id_for

CLAIMS = CertificateClaims(
    station_code="320706001",
    serial=12,
    issue_date=date(2026, 12, 20),
    reissue=0,
    certificate_type="1",
    level="5",
    occupation_code="4-10-01-05",
    occupation_name="养老护理员",
    masked_name="李*",
    masked_id="320706********0021",
)
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def new_signer() -> StationSigner:
    key = Ed25519PrivateKey.generate()
    return StationSigner(key_id_for(key.public_key().public_bytes_raw()), key)


def test_a_signed_payload_verifies_and_says_what_the_certificate_is():
    signer = new_signer()
    payload = sign_payload(signer, CLAIMS)
    assert payload.startswith(PREFIX) and set(payload) <= QR_ALPHANUMERIC
    assert sign_payload(signer, CLAIMS) == payload  # deterministic: a reprint of the same data matches
    result = verify_payload(payload, [signer.public_key_pem()], revoked={})
    assert result.status is VerifyStatus.VALID and result.valid
    assert result.claims == CLAIMS and result.key_id == signer.key_id
    assert result.claims.number == "320706001-2026-000012"
    assert "320706001-2026-000012" in result.message and "签名有效" in result.message
    # what a phone or a person may do to the text: lower case, line breaks, spaces around it
    sloppy = "  " + payload[:60].lower() + "\n" + payload[60:] + " "
    assert verify_payload(sloppy, [signer.public_key_b64]).valid


def test_the_payload_is_small_enough_for_a_20_mm_qr_code():
    signer = new_signer()
    typical = sign_payload(signer, CLAIMS)
    longest = sign_payload(
        signer,
        replace(
            CLAIMS,
            serial=999_999,
            reissue=3,
            occupation_code="4-04-04-02",
            occupation_name="网络与信息安全管理员",
            masked_name="欧**娜",
            masked_id="320706********002X",
        ),
    )
    assert len(typical) <= 210 and len(longest) <= 262
    # 49 × 49 modules, 57 with the quiet zone: 0.35 mm a module in a 20 mm square
    assert qr_symbol(typical).version == 8 and qr_symbol(typical).mode == "alphanumeric"
    assert qr_symbol(longest).version <= 9  # a 10-character occupation name


def test_an_occupation_code_of_another_shape_is_carried_as_text():
    signer = new_signer()
    special = replace(CLAIMS, certificate_type="2", level="", occupation_code="S-320700-0012")
    result = verify_payload(sign_payload(signer, special), [signer.public_key_pem()])
    assert result.valid and result.claims == special


def test_a_changed_payload_fails_as_tampered():
    signer = new_signer()
    payload = sign_payload(signer, CLAIMS)
    data = bytearray(base64.b32decode(payload[len(PREFIX) :] + "=" * (-len(payload[len(PREFIX) :]) % 8)))
    name_at = data.index("李*".encode())
    data[name_at : name_at + 3] = "王".encode()  # another person's surname, same length
    forged = PREFIX + base64.b32encode(bytes(data)).decode().rstrip("=")
    result = verify_payload(forged, [signer.public_key_pem()])
    assert result.status is VerifyStatus.TAMPERED and not result.valid
    assert result.claims is None  # nothing of a forged payload is shown as if it were true
    assert "改动" in result.message or "伪造" in result.message
    flipped = bytearray(data)
    flipped[-1] ^= 1  # the signature itself
    result = verify_payload(PREFIX + base64.b32encode(bytes(flipped)).decode(), [signer.public_key_pem()])
    assert result.status is VerifyStatus.TAMPERED


def test_a_payload_signed_by_another_key_is_not_accepted():
    ours, theirs = new_signer(), new_signer()
    foreign = sign_payload(theirs, CLAIMS)
    result = verify_payload(foreign, [ours.public_key_pem()])
    assert result.status is VerifyStatus.UNKNOWN_KEY and result.key_id == theirs.key_id
    assert "公钥" in result.message and result.claims is None
    # a forger who copies our key id into a payload signed with their key: tampered
    body = base64.b32decode(foreign[len(PREFIX) :] + "=" * (-len(foreign[len(PREFIX) :]) % 8))
    spoofed = bytes.fromhex(ours.key_id) + body[8:]
    result = verify_payload(PREFIX + base64.b32encode(spoofed).decode(), [ours.public_key_pem()])
    assert result.status is VerifyStatus.TAMPERED
    # both keys known (a station that changed its key): the old certificate still verifies
    assert verify_payload(foreign, [ours.public_key_pem(), theirs.public_key_pem()]).valid


def test_revoked_when_the_local_database_knows():
    signer = new_signer()
    payload = sign_payload(signer, CLAIMS)
    result = verify_payload(payload, [signer.public_key_raw], revoked={CLAIMS.number: "2026-12-21 撤销"})
    assert result.status is VerifyStatus.REVOKED and not result.valid
    assert "已撤销" in result.message and result.claims == CLAIMS
    assert "未查询撤销记录" in verify_payload(payload, [signer.public_key_raw]).message


@pytest.mark.parametrize(
    "text, words",
    [
        ("https://example.com/", "JX1:"),
        ("JX1:", "不完整"),
        ("JX1:" + "A" * 40, "不完整"),
        ("JX1:@@@@", "不完整"),
    ],
)
def test_what_is_not_a_certificate_payload_is_said(text, words):
    result = verify_payload(text, [new_signer().public_key_pem()])
    assert result.status is VerifyStatus.MALFORMED and words in result.message


def test_a_reissue_is_carried_in_the_signed_payload():
    signer = new_signer()
    original = sign_payload(signer, CLAIMS)
    second = sign_payload(signer, replace(CLAIMS, reissue=2))
    assert second != original
    result = verify_payload(second, [signer.public_key_pem()])
    assert result.valid and result.claims is not None and result.claims.reissue == 2
    assert "第 2 次补发" in result.message
