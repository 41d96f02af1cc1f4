"""Canonical JSON's fast path (json's own sort_keys) gives byte for byte what RFC 8785 says.

Random documents, from a fixed seed, are encoded three ways: by ``canonical_json`` (which
takes the fast path wherever it can), by the careful path alone (``_checked``: keys ordered
by UTF-16 code units by hand), and by a small RFC 8785 encoder written here from the RFC's
text, sharing no code with either. All three must agree, and refuse the same values.
"""

from __future__ import annotations

import random

import pytest

from jiangxin_desktop.protocol import NotCanonical, canonical_json
from jiangxin_desktop.protocol.canonical import _AS_GIVEN, _checked, _plain

LIMIT = 2**53 - 1
KEYS = ["uuid", "version", "data", "a", "B", "_", "a b", "name", "姓名", "é", "\uff61", "\U0001f600",
        "\u00e9x", "\ue000", "\U00010000", "\t", "\x7f", "key\u2028", "10", "1", ""]


def _text(rng: random.Random) -> str:
    pools = ["abcXYZ 019", "连云港市海州区测试路", '"\\/\b\f\n\r\t\x00\x01\x1f\x7f', "\u2028\u2029\ufeff\uffff",
             "\U0001f600\U00020bb7\U0010ffff", "é·—…"]
    return "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(0, 12)))


def _value(rng: random.Random, depth: int = 0, *, unsafe: bool = False) -> object:
    roll = rng.random()
    if depth < 4 and roll < 0.25:
        keys = rng.sample(KEYS, rng.randrange(0, 8)) + [_text(rng) for _ in range(rng.randrange(0, 2))]
        return {key: _value(rng, depth + 1, unsafe=unsafe) for key in keys}
    if depth < 4 and roll < 0.4:
        items = [_value(rng, depth + 1, unsafe=unsafe) for _ in range(rng.randrange(0, 5))]
        return tuple(items) if rng.random() < 0.2 else items
    if roll < 0.6:
        return _text(rng)
    if roll < 0.75:
        return rng.choice([0, -1, 1, 42, LIMIT, -LIMIT, rng.randrange(-LIMIT, LIMIT)])
    if roll < 0.9:
        return rng.choice([True, False, None])
    if unsafe:
        return rng.choice([1.5, 0.0, LIMIT + 1, -LIMIT - 1, b"x", float("nan")])
    return "x"


def _rfc8785(value: object) -> str:
    """RFC 8785 §3.2 for values without numbers other than safe integers."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        out = ['"']
        for char in value:
            code = ord(char)
            if char in '"\\':
                out.append("\\" + char)
            elif code < 0x20:
                out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(code, f"\\u{code:04x}"))
            else:
                out.append(char)
        return "".join(out) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_rfc8785(item) for item in value) + "]"
    assert isinstance(value, dict)
    keys = sorted(value, key=lambda key: [int.from_bytes(key.encode("utf-16-be")[i:i + 2], "big")
                                          for i in range(0, len(key.encode("utf-16-be")), 2)])
    return "{" + ",".join(_rfc8785(key) + ":" + _rfc8785(value[key]) for key in keys) + "}"


def test_fast_careful_and_reference_agree_on_random_documents():
    rng = random.Random(8785)
    fast = 0
    for _ in range(3000):
        value = _value(rng)
        careful = _AS_GIVEN.encode(_checked(value, "$")).encode("utf-8")
        assert canonical_json(value) == careful == _rfc8785(value).encode("utf-8"), value
        fast += _plain(value)
    assert 300 < fast < 3000  # both paths were taken, many times each


def test_records_shaped_like_batches_take_the_fast_path_and_agree():
    """Many objects with one key set (the records of an entity), as a batch has them."""
    rng = random.Random(17)
    keys = ["uuid", "version", "name", "phone", "active", "flags", "note"]
    value = {"records": [{key: _value(rng, 4) for key in keys} for _ in range(2000)], "total": 2000}
    assert _plain(value)
    assert canonical_json(value) == _rfc8785(value).encode("utf-8")


def test_both_paths_refuse_the_same_values():
    rng = random.Random(9864)
    refused = 0
    for _ in range(2000):
        value = _value(rng, unsafe=True)
        try:
            expected: bytes | None = _AS_GIVEN.encode(_checked(value, "$")).encode("utf-8")
        except NotCanonical:
            expected = None
        if expected is None:
            refused += 1
            with pytest.raises(NotCanonical):
                canonical_json(value)
        else:
            assert canonical_json(value) == expected
    assert refused > 100
