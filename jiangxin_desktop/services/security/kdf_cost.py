"""The work factor of scrypt (password hashes, the database key's passphrase, backup passphrases),
and the switch that lowers it for the test suite only.

With ``JIANGXIN_TEST_FAST_KDF=1`` in the environment (``tests/conftest.py`` sets it, and the
command-line tests hand it to the processes they start), *new* hashes and wrapped keys use
``n = 2**4`` instead of the policy's numbers; everything else stays as it is. This cannot
weaken a station by accident:

- the switch is ignored in the bundled program (PyInstaller sets ``sys.frozen``);
- every hash and wrapped key records the numbers it was made with, and verification reads
  them from there, so hashes made with the real numbers verify with the switch on, and the
  other way round;
- a password hash made with the test numbers is out of policy in a program without the
  switch (:func:`passwords.needs_rehash`), so its next successful login replaces it.

Nothing reads the switch outside this module.
"""

from __future__ import annotations

import os
import sys

FAST_KDF_SWITCH = "JIANGXIN_TEST_FAST_KDF"
TEST_N = 2**4  # scrypt's n in tests: 2 KiB of memory with r=8, microseconds instead of 0.1–1 s


def fast_kdf_for_tests() -> bool:
    """True only in a test run from source: the variable is exactly "1" and this is not the bundle."""
    return os.environ.get(FAST_KDF_SWITCH) == "1" and not getattr(sys, "frozen", False)


def scrypt_numbers(n: int, r: int, p: int) -> tuple[int, int, int]:
    """The (n, r, p) to make a new hash or wrapped key with: the given ones, or in a test run
    a small n (r and p unchanged)."""
    return (min(n, TEST_N), r, p) if fast_kdf_for_tests() else (n, r, p)
