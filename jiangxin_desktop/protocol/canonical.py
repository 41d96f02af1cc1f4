"""Canonical JSON: one byte sequence for one value, so that a batch can be hashed and signed.

The encoding is RFC 8785 (JSON Canonicalization Scheme) for the values a batch holds:
objects with keys sorted by their UTF-16 code units, no whitespace, UTF-8, strings escaped
only where JSON requires it. Floats are refused rather than formatted (scores travel as
decimal strings, money as integer fen), and so are integers beyond ±(2**53 − 1), which a
reader using doubles would change, non-string keys, and text that is not valid Unicode.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from jiangxin_desktop.protocol.convert import MAX_SAFE_INTEGER
from jiangxin_desktop.protocol.errors import NotCanonical

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _checked(value: object, path: str) -> object:
    """``value`` with every object's keys in canonical order; NotCanonical for what JSON must not hold."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # type: ignore[operator]
            raise NotCanonical(path, "integer outside ±(2**53 - 1)")
        return value
    if isinstance(value, Mapping):
        for key in value:
            if type(key) is not str:
                raise NotCanonical(path, f"object key of type {type(key).__name__}")
        keys = sorted(value, key=_utf16)
        return {key: _checked(value[key], f"{path}.{key}") for key in keys}
    if isinstance(value, (list, tuple)):
        return [_checked(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind is float:
        raise NotCanonical(path, "a float (send a decimal string or integer fen)")
    raise NotCanonical(path, f"a value of type {kind.__name__}")


def canonical_json(value: object) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (dicts, lists, str, int, bool, None)."""
    text = _ENCODER.encode(_checked(value, "$"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise NotCanonical("$", "text that is not valid Unicode") from None
