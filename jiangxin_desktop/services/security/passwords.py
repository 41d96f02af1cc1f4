"""Password hashes: scrypt (memory-hard) from ``cryptography``, in a self-describing string.

Format: ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>`` (16-byte salt, 32-byte hash).
The parameters travel with the hash, so a later policy with other numbers still verifies
old hashes; :func:`needs_rehash` says when a hash was made with other numbers.
Verification compares in constant time (``Scrypt.verify``). The password is
NFKC-normalised first (see ``domain.passwords``). A test run makes new hashes with a
smaller n (``kdf_cost.py``); the policy's numbers are what a station uses.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from jiangxin_desktop.domain.passwords import SecurityPolicy, normalize_password
from jiangxin_desktop.services.security.kdf_cost import scrypt_numbers

SCHEME = "scrypt"
SALT_BYTES = 16
HASH_BYTES = 32
# What a stored hash may ask for (a bigger one would be a corrupt row or an attack on memory).
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16


@dataclass(frozen=True)
class ParsedHash:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _kdf(salt: bytes, n: int, r: int, p: int) -> Scrypt:
    return Scrypt(salt=salt, length=HASH_BYTES, n=n, r=r, p=p)


def hash_password(password: str, policy: SecurityPolicy) -> str:
    """A new salted hash of ``password`` with the policy's scrypt parameters."""
    n, r, p = _policy_numbers(policy)
    _check_params(n, r, p)
    salt = os.urandom(SALT_BYTES)
    digest = _kdf(salt, n, r, p).derive(normalize_password(password).encode("utf-8"))
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def unusable_hash(policy: SecurityPolicy) -> str:
    """A well-formed hash with the policy's numbers that no password matches: checking a
    password against it costs what checking a real one costs, without hashing anything first."""
    n, r, p = _policy_numbers(policy)
    _check_params(n, r, p)
    return f"{SCHEME}${n}${r}${p}${_b64(os.urandom(SALT_BYTES))}${_b64(os.urandom(HASH_BYTES))}"


def parse_hash(encoded: str) -> ParsedHash | None:
    """The parts of a stored hash, or None when it is not one this module wrote."""
    parts = (encoded or "").split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        _check_params(n, r, p)
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, binascii.Error):
        return None
    if len(salt) < SALT_BYTES or len(digest) != HASH_BYTES:
        return None
    return ParsedHash(n, r, p, salt, digest)


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time compare)."""
    parsed = parse_hash(encoded)
    if parsed is None:
        return False
    try:
        _kdf(parsed.salt, parsed.n, parsed.r, parsed.p).verify(
            normalize_password(password).encode("utf-8"), parsed.digest
        )
    except InvalidKey:
        return False
    return True


def needs_rehash(encoded: str, policy: SecurityPolicy) -> bool:
    """True when the hash was made with other parameters than the policy's."""
    parsed = parse_hash(encoded)
    return parsed is None or (parsed.n, parsed.r, parsed.p) != _policy_numbers(policy)


def _policy_numbers(policy: SecurityPolicy) -> tuple[int, int, int]:
    """The scrypt (n, r, p) new hashes are made with: the policy's (smaller n in a test run)."""
    return scrypt_numbers(policy.scrypt_n, policy.scrypt_r, policy.scrypt_p)


def _check_params(n: int, r: int, p: int) -> None:
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        raise ValueError(f"unsupported scrypt parameters n={n} r={r} p={p}")
