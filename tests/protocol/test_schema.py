"""The wire schemas follow the stored tables, and their privacy marks hold together."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Date, Float, Integer, String, Text

from jiangxin_desktop.protocol import OPERATIONS, PROTOCOL_VERSION, SCHEMAS, Anonymise, Kind, describe, schema
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.models import Base, Travelling
from tests.protocol.conftest import TABLES

# What a stored column's SQL type may travel as.
_KINDS = {
    String: {Kind.STR, Kind.UUID, Kind.DATETIME, Kind.TIME},
    Text: {Kind.STR, Kind.STR_LIST},
    Integer: {Kind.INT},
    Boolean: {Kind.BOOL},
    Date: {Kind.DATE},
    Float: {Kind.DECIMAL},
}


def test_the_travelling_tables_are_the_entities_the_outbox_names():
    travelling = {m.__tablename__ for m in Base.__subclasses__() if issubclass(m, Travelling)}
    assert set(TABLES.values()) == travelling
    assert set(SCHEMAS) == set(outbox.TRAVELLING) == set(TABLES)
    assert set(outbox.TABLES.items()) == set(TABLES.items())


def test_the_operations_are_those_the_outbox_writes():
    written = {outbox.UPSERT, outbox.DEACTIVATE, outbox.DELETE, outbox.ANONYMISE}
    assert written == OPERATIONS
    assert describe()["operations"] == ["anonymise", "deactivate", "delete", "upsert"]


@pytest.mark.parametrize("entity", list(TABLES))
def test_every_column_travels_or_is_named_local(entity):
    table = Base.metadata.tables[TABLES[entity]]
    entity_schema = schema(entity)
    travelling = [f.column for f in entity_schema]
    assert len(travelling) == len(set(travelling)) and len({f.wire for f in entity_schema}) == len(travelling)
    assert set(travelling) | entity_schema.local == set(table.columns.keys())
    assert not set(travelling) & entity_schema.local
    for field in entity_schema:
        column = table.columns[field.column]
        assert field.kind in _KINDS[type(column.type)], field.column
        assert field.optional == column.nullable, field.column  # None travels exactly where it is stored


@pytest.mark.parametrize("entity", list(TABLES))
def test_every_record_carries_what_merging_at_the_city_needs(entity):
    head = [(f.wire, f.kind) for f in schema(entity).fields[:5]]
    assert head == [
        ("uuid", Kind.UUID),
        ("station_code", Kind.STR),
        ("version", Kind.INT),
        ("created_at", Kind.DATETIME),
        ("updated_at", Kind.DATETIME),
    ]


def test_privacy_marks_hold_together():
    for entity_schema in SCHEMAS.values():
        for f in entity_schema:
            if f.identifying or f.sensitive:
                assert f.personal, f  # identifying or sensitive data is personal data
            if f.identifying:  # anonymisation removes whatever points to the person
                assert f.on_anonymise is not Anonymise.KEEP, f
            if f.on_anonymise is Anonymise.CLEAR:
                assert f.optional, f  # cleared to NULL: the column must allow it
            if f.on_anonymise is not Anonymise.KEEP:
                assert f.identifying, f


def test_the_trainees_personal_fields():
    trainee = schema("trainee")
    assert trainee.replaced_on_anonymisation == ("name", "id_number", "birth_date", "phone")
    assert set(trainee.cleared_on_anonymisation) == {
        "evidence_number",
        "bank_card",
        "address",
        "employer",
        "employer_uscc",
        "employer_uscc_override",
        "note",
        "deactivated_reason",
    }
    # what statistics by sex, age band, category and education need is not identifying
    for kept in ("sex", "hukou", "ethnicity", "education", "target_group", "target_flags"):
        assert trainee.by_column(kept).personal and not trainee.by_column(kept).identifying
    sensitive = {f.column for f in trainee if f.sensitive}
    assert sensitive == {"id_number", "bank_card", "target_flags"}
    assert schema("enrollment").cleared_on_anonymisation == ("evidence_number",)
    assert not schema("training_class").identifying and not schema("certificate").identifying


def test_describe_lists_every_field_with_its_type():
    described = describe()
    assert described["protocol_version"] == PROTOCOL_VERSION == 1
    by_entity = {e["entity"]: e for e in described["entities"]}
    assert list(by_entity) == list(SCHEMAS)  # parents before children
    assert list(by_entity)[:2] == ["trainee", "training_class"]
    teachers = next(f for f in by_entity["training_class"]["fields"] if f["name"] == "teachers")
    assert teachers == {
        "name": "teachers",
        "type": "str_list",
        "optional": False,
        "personal": True,
        "sensitive": False,
        "identifying": False,
    }
    assert all(e["version"] == 1 for e in by_entity.values())
