"""A record that does not fit its schema is refused, saying which field and why."""

from __future__ import annotations

from datetime import date

import pytest

from jiangxin_desktop.protocol import (
    MissingField,
    ProtocolError,
    UnknownEntity,
    UnknownField,
    WrongType,
    from_wire,
    schema,
    to_wire,
)

ID_NUMBER = "32070619850312042X"


def session_row(**changes) -> dict:
    row = {
        "seq": 7,
        "uuid": "0193a4c2-5b1e-7c3d-8e4f-123456789abc",
        "station_code": "320706001",
        "version": 2,
        "created_at": "2026-12-01T00:30:00.000Z",
        "updated_at": "2026-12-01T00:35:12.250Z",
        "class_uuid": "0193a4c2-5b1e-7c3d-8e4f-aaaaaaaaaaaa",
        "number": 3,
        "day": date(2026, 12, 3),
        "start_time": "08:30",
        "end_time": "11:30",
        "hours": 4,
        "teacher": "王老师",
        "topic": None,
    }
    row.update(changes)
    return row


def test_a_row_goes_on_the_wire_in_canonical_types():
    wire = to_wire("class_session", session_row())
    assert wire["day"] == "2026-12-03" and wire["topic"] is None and "seq" not in wire
    assert from_wire("class_session", wire) == {k: v for k, v in session_row().items() if k != "seq"}


def test_rows_read_through_the_driver_are_accepted():
    """Dates as text and flags as 0/1, as sqlite3 gives them."""
    assert to_wire("class_session", session_row(day="2026-12-03"))["day"] == "2026-12-03"
    assert to_wire("trainee", _trainee(photo_consent=0, active=1))["active"] is True
    with pytest.raises(WrongType, match="active"):
        to_wire("trainee", _trainee(active=2))


def test_an_unknown_entity():
    with pytest.raises(UnknownEntity) as refused:
        to_wire("job_fair", {})
    assert "job_fair" in str(refused.value) and "不在传输格式中" in refused.value.user_message
    with pytest.raises(UnknownEntity):
        from_wire("app_user", {})


def test_a_missing_field():
    row = session_row()
    del row["hours"]
    with pytest.raises(MissingField) as refused:
        to_wire("class_session", row)
    assert (refused.value.entity, refused.value.name) == ("class_session", "hours")
    assert str(refused.value) == "class_session: required field 'hours' is missing"
    assert refused.value.user_message == "class_session 记录缺少必填字段“hours”。"
    wire = to_wire("class_session", session_row())
    with pytest.raises(MissingField, match="'number'"):
        from_wire("class_session", {**wire, "number": None})
    del wire["topic"]  # an optional field may be left out on the wire
    assert from_wire("class_session", wire)["topic"] is None


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("number", "3"),
        ("number", True),
        ("number", 2**53),
        ("day", "2026-02-30"),
        ("day", "20261203"),
        ("start_time", "8:30"),
        ("uuid", "0193A4C2-5B1E-7C3D-8E4F-123456789ABC"),
        ("created_at", "2026-12-01 00:30:00"),  # no offset, no T
        ("teacher", 5),
    ],
)
def test_a_wrong_type(column, value):
    with pytest.raises(WrongType) as refused:
        to_wire("class_session", session_row(**{column: value}))
    assert refused.value.name == column and "格式不对" in refused.value.user_message


def test_wrong_types_on_the_wire():
    wire = to_wire("trainee", _trainee())
    for name, value in [
        ("birth_date", date(1985, 3, 12)),  # a date object is not JSON
        ("photo_consent", 1),
        ("target_flags", "脱贫家庭"),
        ("target_flags", ["脱贫家庭", 1]),
    ]:
        with pytest.raises(WrongType, match=name):
            from_wire("trainee", {**wire, name: value})
    with pytest.raises(WrongType, match="theory_score"):
        from_wire("assessment", {**_assessment_wire(), "theory_score": 85.5})  # a float


def test_an_error_never_quotes_the_value():
    """Messages go to logs and screens: an ID number in a wrong field must not appear in them."""
    with pytest.raises(ProtocolError) as refused:
        to_wire("trainee", _trainee(phone=int(ID_NUMBER[:-1])))
    assert ID_NUMBER[:-1] not in str(refused.value) and ID_NUMBER[:-1] not in refused.value.user_message


def test_an_unknown_field():
    with pytest.raises(UnknownField) as refused:
        to_wire("class_session", session_row(password_hash="x"))
    assert refused.value.name == "password_hash" and "传输格式之外" in refused.value.user_message
    wire = to_wire("class_session", session_row())
    with pytest.raises(UnknownField, match="seq"):
        from_wire("class_session", {**wire, "seq": 7})  # the local key is not a wire field


def test_scores_travel_as_decimal_strings():
    wire = _assessment_wire()
    assert (wire["theory_score"], wire["practical_score"]) == ("85.5", "90")
    back = from_wire("assessment", wire)
    assert (back["theory_score"], back["practical_score"]) == (85.5, 90.0)
    for bad in ("90.0", "085", "-0", "1e2", "NaN", ""):
        with pytest.raises(WrongType):
            from_wire("assessment", {**wire, "theory_score": bad})


def _trainee(**changes) -> dict:
    row = {
        "seq": 1,
        "uuid": "0193a4c2-5b1e-7c3d-8e4f-123456789abc",
        "station_code": "320706001",
        "version": 1,
        "created_at": "2026-12-01T00:30:00.000Z",
        "updated_at": "2026-12-01T00:30:00.000Z",
        "name": "欧阳·明月",
        "id_number": ID_NUMBER,
        "birth_date": date(1985, 3, 12),
        "sex": "女",
        "phone": "13912345678",
        "target_flags": '["脱贫家庭"]',
        "consent_at": "2026-12-01T00:30:00.000Z",
        "consent_version": "2025.1",
        "photo_consent": 0,
        "active": True,
        "created_by": "clerk",
    }
    for column in schema("trainee").fields:
        row.setdefault(column.column, None)  # the optional ones
    row.update(changes)
    return row


def _assessment_wire() -> dict:
    return to_wire(
        "assessment",
        {
            "seq": 1,
            "uuid": "0193a4c2-5b1e-7c3d-8e4f-123456789abc",
            "station_code": "320706001",
            "version": 1,
            "created_at": "2026-12-01T00:30:00.000Z",
            "updated_at": "2026-12-01T00:30:00.000Z",
            "enrollment_uuid": "0193a4c2-5b1e-7c3d-8e4f-bbbbbbbbbbbb",
            "attempt": 1,
            "theory_score": 85.5,
            "practical_score": 90.0,
            "result": "pass",
            "assessed_on": date(2026, 12, 12),
            "note": None,
            "recorded_by": "clerk",
        },
    )


def test_a_sqlalchemy_row_mapping_is_taken_as_it_comes():
    """``session.execute(select(table)).mappings()`` rows, not only dicts."""
    from sqlalchemy import create_engine, insert, select

    from jiangxin_desktop.store.models import Base

    engine = create_engine("sqlite://")
    table = Base.metadata.tables["class_session"]
    table.create(engine)
    stored = {k: v for k, v in session_row().items() if k != "seq"}
    with engine.begin() as connection:
        connection.execute(insert(table).values(**stored))
        row = connection.execute(select(table)).mappings().one()
    assert type(row).__name__ == "RowMapping"
    assert to_wire("class_session", row) == to_wire("class_session", session_row())
    engine.dispose()
