"""Canonical JSON: the same value always gives the same bytes, and what cannot be is refused."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from jiangxin_desktop.protocol import NotCanonical, canonical_json


def test_sorted_keys_no_whitespace_utf8():
    value = {"b": [1, True, None], "a": {"y": "连云港", "x": -3}, "A": ""}
    assert canonical_json(value) == '{"A":"","a":{"x":-3,"y":"连云港"},"b":[1,true,null]}'.encode()


def test_the_same_value_in_another_order_gives_the_same_bytes():
    one = {"station_code": "320706001", "rows": [{"uuid": "u1", "version": 2}]}
    other = {"rows": [{"version": 2, "uuid": "u1"}], "station_code": "320706001"}
    assert hashlib.sha256(canonical_json(one)).digest() == hashlib.sha256(canonical_json(other)).digest()


def test_strings_are_escaped_only_where_json_must():
    text = 'a"b\\c\n\t\x01·𠮷\u2028'
    encoded = canonical_json(text)
    assert encoded == b'"a\\"b\\\\c\\n\\t\\u0001' + "·𠮷\u2028".encode() + b'"'
    assert json.loads(encoded) == text


def test_keys_sort_by_utf16_code_units_as_rfc_8785_says():
    """U+1F600 (a surrogate pair, D83D …) sorts before U+FF61 in UTF-16, after it by code point."""
    assert canonical_json({"\uff61": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\uff61":1}'.encode()


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        {"score": 90.0},
        [2**53],
        {"n": -(2**53)},
        {1: "a"},
        {"day": date(2026, 12, 1)},
        {"raw": b"bytes"},
        {"set": {1}},
        "\ud800",  # a lone surrogate is not Unicode text
    ],
)
def test_refused(value):
    with pytest.raises(NotCanonical):
        canonical_json(value)


def test_the_path_of_a_refused_value_is_named():
    with pytest.raises(NotCanonical) as refused:
        canonical_json({"rows": [{"uuid": "u1"}, {"theory_score": 85.5}]})
    assert refused.value.name == "$.rows[1].theory_score"
    assert "float" in str(refused.value) and "批次未生成" in refused.value.user_message


def test_largest_safe_integers_pass():
    assert canonical_json([2**53 - 1, -(2**53 - 1), 0]) == b"[9007199254740991,-9007199254740991,0]"


def test_the_fast_path_gives_the_bytes_of_the_careful_one(stored_rows):
    """Real wire records: json's own key sorting equals the RFC 8785 ordering built by hand."""
    from jiangxin_desktop.protocol import to_wire
    from jiangxin_desktop.protocol.canonical import _checked, _plain

    batch = {entity: [to_wire(entity, row) for row in rows[:20]] for entity, rows in stored_rows.items()}
    careful = json.dumps(_checked(batch, "$"), ensure_ascii=False, separators=(",", ":")).encode()
    assert _plain(batch) and canonical_json(batch) == careful
    assert not _plain({"\uff61": 1, "\U0001f600": 2})  # keys that sort otherwise take the careful path


def test_a_value_that_contains_itself_fails_instead_of_hanging():
    loop: list = []
    loop.append({"rows": loop})
    with pytest.raises(RecursionError):
        canonical_json(loop)
