"""to_wire's compiled plans give exactly what the field-by-field loop gives, and refuse alike.

Each entity's stored row → wire form is a function generated from its schema (no call per
plain field: a batch of 50,000 rows runs it 50,000 times). The loop it falls back to is the
one that names a field at fault; these tests hold the two to the same answers on every
stored row of a real demo database and on rows spoiled one field at a time.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from jiangxin_desktop.protocol import SCHEMAS, ProtocolError, to_wire
from jiangxin_desktop.protocol.convert import _plan_of, _to_wire_field_by_field
from tests.protocol.conftest import TABLES


def _loop(entity: str, row):
    return _to_wire_field_by_field(_plan_of(entity), entity, row)


def _outcome(call, entity, row):
    try:
        return ("ok", call(entity, row))
    except ProtocolError as error:
        return (type(error).__name__, str(error), error.user_message, error.name)


@pytest.mark.parametrize("entity", list(TABLES))
def test_every_stored_row_gives_the_same_wire_form_both_ways(stored_rows, entity):
    for row in stored_rows[entity]:
        compiled = _plan_of(entity).compiled(row)
        assert compiled == _loop(entity, row) == to_wire(entity, row)
        assert list(compiled) == list(_loop(entity, row))  # the same order of keys, too:
        assert list(compiled) == sorted(compiled, key=lambda key: key.encode("utf-16-be"))  # canonical JSON's


SPOILERS = [None, "", "x", 1, -1, 2**53, 1.5, True, 0, b"raw", date(2026, 12, 1), "2026-12-01",
            "2026-12-01T00:30:00.000Z", "2026-02-30T00:30:00Z", "2026-12-01T25:30:00Z", "08:30",
            "0193a4c2-5b1e-7c3d-8e4f-123456789abc", "0193A4C2-5B1E-7C3D-8E4F-123456789ABC", "[]", '["a"]',
            "[1]", ["a"], "85.5", 85.5, float("nan")]


@pytest.mark.parametrize("entity", list(TABLES))
def test_a_spoiled_field_is_refused_alike(stored_rows, entity):
    rng = random.Random(entity)
    rows = stored_rows[entity]
    for field in SCHEMAS[entity]:
        for spoiler in SPOILERS:
            row = dict(rng.choice(rows))
            row[field.column] = spoiler
            assert _outcome(to_wire, entity, row) == _outcome(_loop, entity, row), (field.column, spoiler)


def test_missing_and_extra_columns_are_named(stored_rows):
    row = dict(stored_rows["trainee"][0])
    missing = {k: v for k, v in row.items() if k != "phone"}
    assert _outcome(to_wire, "trainee", missing)[0:1] == ("MissingField",)
    assert _outcome(to_wire, "trainee", missing) == _outcome(_loop, "trainee", missing)
    extra = {**row, "password": "x"}
    assert _outcome(to_wire, "trainee", extra)[0] == "UnknownField"
    assert _outcome(to_wire, "trainee", ["not", "a", "mapping"])[0] == "WrongType"
