"""Canonical JSON: one byte sequence for one value, so that a batch can be hashed and signed.

The encoding is RFC 8785 (JSON Canonicalization Scheme) for the values a batch holds:
objects with keys sorted by their UTF-16 code units, no whitespace, UTF-8, strings escaped
only where JSON requires it. Floats are refused rather than formatted (scores travel as
decimal strings, money as integer fen), and so are integers beyond ±(2**53 − 1), which a
reader using doubles would change, non-string keys, and text that is not valid Unicode.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from jiangxin_desktop.protocol.convert import MAX_SAFE_INTEGER
from jiangxin_desktop.protocol.errors import NotCanonical

_OPTIONS = {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": False, "check_circular": False}
_SORTING = json.JSONEncoder(sort_keys=True, **_OPTIONS)  # type: ignore[arg-type]
_AS_GIVEN = json.JSONEncoder(**_OPTIONS)  # type: ignore[arg-type]
# Key sets already seen to be strings that sort alike by code point and by UTF-16 (the
# records of one entity share one), so that json's own sort_keys gives RFC 8785's order.
_ALIKE: set[tuple[str, ...]] = set()
_ALIKE_LIMIT = 4096


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _sort_alike(keys: tuple[object, ...]) -> bool:
    strings = [key for key in keys if type(key) is str]
    return len(strings) == len(keys) and sorted(strings) == sorted(strings, key=_utf16)


def _plain(value: object) -> bool:
    """Whether ``value`` holds only what canonical JSON takes, with keys json may sort itself.

    The fast path: no copies, no paths. False sends the value down :func:`_checked`, which
    orders what needs ordering and names the place of anything refused. (A value that
    contains itself ends in RecursionError, as json's own encoder would.)
    """
    items: Iterable[object]
    if type(value) is dict:
        keys = tuple(value)
        if keys not in _ALIKE:
            if not _sort_alike(keys):
                return False
            if len(_ALIKE) < _ALIKE_LIMIT:
                _ALIKE.add(keys)
        items = value.values()
    elif type(value) is list or type(value) is tuple:
        items = value
    else:
        items = (value,)
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                continue
            return False
        if kind is dict or kind is list or kind is tuple:
            if not _plain(item):
                return False
            continue
        return False
    return True


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
    text = _SORTING.encode(value) if _plain(value) else _AS_GIVEN.encode(_checked(value, "$"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise NotCanonical("$", "text that is not valid Unicode") from None
