"""The fast QR matrices are exactly segno's symbols (segno is the reference encoder)."""

from __future__ import annotations

import random

import pytest
import segno

from jiangxin_desktop.services.certificates.qr_matrix import qr_matrix

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def same(payload: str, error: str, mask: int | None) -> bool:
    ours = qr_matrix(payload, error=error, mask=mask)
    theirs = segno.make_qr(payload, error=error, mask=mask)
    return ours.matrix == tuple(bytes(row) for row in theirs.matrix) and (
        ours.version,
        ours.error,
        ours.mask,
        ours.mode,
    ) == (theirs.version, theirs.error, theirs.mask, theirs.mode)


@pytest.mark.parametrize("error", ["l", "m", "q", "h"])
def test_every_length_up_to_version_12_matches_segno(error):
    rng = random.Random(error)
    for length in range(1, 400, 3):  # every version up to ~12, on and off byte boundaries
        payload = "".join(rng.choice(ALPHANUMERIC) for _ in range(length))
        assert same(payload, error, rng.randrange(8)), (length, payload)


def test_certificate_payloads_match_segno_with_the_fixed_mask():
    rng = random.Random(2026)
    for _ in range(150):
        payload = "JX1:" + "".join(rng.choice(BASE32) for _ in range(rng.randrange(190, 240)))
        assert same(payload, "m", 4)


@pytest.mark.parametrize("payload", ["jx1:lower case", "证书 320706", "A" * 1500])
def test_other_payloads_and_large_versions_still_match(payload):
    assert same(payload, "m", 4)
    assert same(payload, "m", None)  # segno's own mask choice goes to segno


@pytest.mark.parametrize("length", [130, 135, 140])
def test_a_byte_prefix_before_the_payload_makes_segno_s_symbol(length):
    """The verification address (byte mode) then the signed payload (alphanumeric)."""
    import base64

    from segno import consts

    rng = random.Random(length)
    prefix = b"https://example.invalid/jx/verify?c="
    for _ in range(5):
        payload = "JX1:" + base64.b32encode(rng.randbytes(length)).decode().rstrip("=")
        reference = segno.make_qr(
            [(prefix, consts.MODE_BYTE), (payload, consts.MODE_ALPHANUMERIC)], error="m", mask=4
        )
        made = qr_matrix(payload, error="m", mask=4, prefix=prefix)
        assert made.matrix == tuple(bytes(row) for row in reference.matrix)
        assert made.version == reference.version
