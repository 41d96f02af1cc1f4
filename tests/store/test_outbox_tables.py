"""No table is forgotten by the outbox: each versioned table travels or is named as local."""

from __future__ import annotations

import pytest

from jiangxin_desktop.store import models, outbox

# Tables with a version column whose rows never travel to the city, and why.
STAYS_LOCAL = {
    "app_user": "user accounts belong to this installation",
    "setting": "the station's own settings",
    "outbox": "the queue itself: ``version`` is the queued row's",
    "catalog": "catalogs come from the city; ``version`` is the catalog's release, not a counter",
    "sync_catalog": "catalogs the city published and signed; ``version`` is the release",
}


def versioned_tables() -> set[str]:
    return {name for name, table in models.Base.metadata.tables.items() if "version" in table.columns}


def test_every_versioned_table_travels_or_is_named_as_staying_local():
    forgotten = versioned_tables() - set(outbox.TABLES.values()) - set(STAYS_LOCAL)
    assert not forgotten, f"add these to store/outbox.py (TRAVELLING) or to STAYS_LOCAL: {sorted(forgotten)}"
    assert not set(outbox.TABLES.values()) & set(STAYS_LOCAL)
    assert set(STAYS_LOCAL) <= versioned_tables()  # no stale name in the list


def test_every_travelling_entity_names_a_table_of_travelling_rows():
    assert set(outbox.TABLES) == outbox.TRAVELLING
    travelling_models = {
        m.__tablename__ for m in models.Base.__subclasses__() if issubclass(m, models.Travelling)
    }
    assert set(outbox.TABLES.values()) == travelling_models
    for table in outbox.TABLES.values():
        columns = models.Base.metadata.tables[table].columns
        assert {"seq", "uuid", "version"} <= set(columns.keys()), table


def test_only_a_travelling_entity_can_be_queued():
    with pytest.raises(ValueError, match="does not travel"):
        outbox.enqueue(None, entity="app_user", entity_uuid="x", version=1, at="")  # type: ignore[arg-type]
