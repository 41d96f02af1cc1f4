"""The entities that travel to the city, version 1: their fields, types and privacy marks.

The fields follow the stored columns (store/models.py); a test holds the two together.
Wire names are the column names, except that JSON text columns travel as real arrays
without their ``_json`` suffix. Raise an entity's ``version`` when its fields change, and
``PROTOCOL_VERSION`` when the envelope or the rules of encoding change.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from jiangxin_desktop.protocol.errors import UnknownEntity
from jiangxin_desktop.protocol.fields import Anonymise, EntitySchema, Field, Kind

PROTOCOL_VERSION = 1

# Entity names, as outbox entries name them.
TRAINEE = "trainee"
TRAINING_CLASS = "training_class"
CLASS_SESSION = "class_session"
ENROLLMENT = "enrollment"
ATTENDANCE = "attendance"
ASSESSMENT = "assessment"
CERTIFICATE = "certificate"
SUBSIDY_CLAIM = "subsidy_claim"
FOLLOW_UP = "follow_up"
SERVICE_EVENT = "service_event"

# What a change did to a row, as outbox entries and batches name it.
UPSERT = "upsert"  # created or changed: the record is sent whole
DEACTIVATE = "deactivate"  # a trainee deactivated (the row stays, inactive)
DELETE = "delete"  # removed at the station (a class session taken out of the timetable)
ANONYMISE = "anonymise"  # the retention rule ran: clear and replace what the schema marks so
OPERATIONS = frozenset({UPSERT, DEACTIVATE, DELETE, ANONYMISE})

_LOCAL = frozenset({"seq"})  # the local integer key never leaves the database
_CLAIM_LOCAL = _LOCAL | {"submitted_batch_id"}  # which local batch carried a claim: the station's own

S, INT, B, U, D, DT, TIME = Kind.STR, Kind.INT, Kind.BOOL, Kind.UUID, Kind.DATE, Kind.DATETIME, Kind.TIME
CLEAR, REPLACE = Anonymise.CLEAR, Anonymise.REPLACE


def _travelling(*fields: Field) -> tuple[Field, ...]:
    """Every travelling record: uuid, the creating station, a version counter, timestamps."""
    return (
        Field("uuid", U),
        Field("station_code", S),
        Field("version", INT),
        Field("created_at", DT),
        Field("updated_at", DT),
        *fields,
    )


def _who(column: str, kind: Kind = S, *, optional: bool = True, sensitive: bool = False) -> Field:
    """Something about the person: personal information, kept when the person is anonymised."""
    return Field(column, kind, optional=optional, personal=True, sensitive=sensitive)


def _identifying(
    column: str, on_anonymise: Anonymise = CLEAR, *, kind: Kind = S, sensitive: bool = False
) -> Field:
    """Points to the person: sealed in audit copies, cleared or replaced on anonymisation."""
    return Field(
        column,
        kind,
        optional=on_anonymise is CLEAR,
        personal=True,
        sensitive=sensitive,
        identifying=True,
        on_anonymise=on_anonymise,
    )


TRAINEE_SCHEMA = EntitySchema(
    TRAINEE,
    1,
    _travelling(
        _identifying("name", REPLACE),  # → （已匿名）
        _identifying("id_number", REPLACE, sensitive=True),  # → a unique placeholder
        _identifying("birth_date", REPLACE, kind=D),  # → 1 January of the same year
        _who("sex", optional=False),
        _identifying("phone", REPLACE),  # → ""
        _who("hukou"),
        _who("ethnicity"),
        _who("education"),
        _who("target_group"),
        _who("target_flags", Kind.STR_LIST, optional=False, sensitive=True),  # 脱贫家庭, 低保…
        _who("evidence_type"),
        _identifying("evidence_number"),
        _who("employment_status"),
        _identifying("bank_card", sensitive=True),
        _identifying("address"),
        _identifying("employer"),
        _identifying("employer_uscc"),
        _identifying("employer_uscc_override"),
        _identifying("note"),
        Field("consent_at", DT),
        Field("consent_version", S),
        Field("photo_consent", B),
        Field("active", B),
        Field("deactivated_at", DT, optional=True),
        _identifying("deactivated_reason"),
        Field("created_by", S),
        Field("anonymised_at", DT, optional=True),
    ),
    _LOCAL,
)

TRAINING_CLASS_SCHEMA = EntitySchema(
    TRAINING_CLASS,
    1,
    _travelling(
        Field("code", S),
        Field("name", S),
        Field("status", S),
        Field("catalog_version", S),
        Field("project_code", S),
        Field("project_name", S),
        Field("occupation_code", S),
        Field("occupation_name", S),
        Field("level", S),
        Field("certificate_type", S),
        Field("institution_code", S),
        Field("institution_name", S),
        Field("institution_uscc", S),
        Field("site", S),
        Field("start_date", D),
        Field("end_date", D),
        Field("class_hours", INT),
        Field("capacity", INT),
        Field("teachers_json", Kind.STR_LIST, wire="teachers", personal=True),  # teachers' names
        Field("fee_fen", INT),
        Field("government_fen", INT),
        Field("employer_fen", INT),
        Field("personal_fen", INT),
        Field("note", S, optional=True),
        Field("review_note", S, optional=True),
        Field("approved_by", S, optional=True),
        Field("approved_at", DT, optional=True),
        Field("created_by", S),
    ),
    _LOCAL,
)

CLASS_SESSION_SCHEMA = EntitySchema(
    CLASS_SESSION,
    1,
    _travelling(
        Field("class_uuid", U),
        Field("number", INT),
        Field("day", D),
        Field("start_time", TIME),
        Field("end_time", TIME),
        Field("hours", INT),
        Field("teacher", S, optional=True, personal=True),
        Field("topic", S, optional=True),
    ),
    _LOCAL,
)

ENROLLMENT_SCHEMA = EntitySchema(
    ENROLLMENT,
    1,
    _travelling(
        Field("class_uuid", U),
        Field("trainee_uuid", U),
        _who("target_group", optional=False),
        _who("target_flags", Kind.STR_LIST, optional=False, sensitive=True),
        _who("evidence_type"),
        _identifying("evidence_number"),
        Field("subsidised", B),
        Field("status", S),
        Field("warnings_json", Kind.STR_LIST, wire="warnings"),  # eligibility warnings accepted
        Field("withdrawn_at", DT, optional=True),
        _who("withdrawn_reason"),
        Field("created_by", S),
    ),
    _LOCAL,
)

ATTENDANCE_SCHEMA = EntitySchema(
    ATTENDANCE,
    1,
    _travelling(
        Field("session_uuid", U),
        Field("enrollment_uuid", U),
        Field("status", S),
        Field("sign_in_at", DT, optional=True),
        Field("sign_out_at", DT, optional=True),
        _who("note"),
        Field("recorded_by", S),
        Field("makeup", S, optional=True),
        _who("makeup_reason"),
        Field("makeup_sign_in_at", DT, optional=True),
        Field("makeup_sign_out_at", DT, optional=True),
        Field("makeup_by", S, optional=True),
        Field("makeup_reviewed_by", S, optional=True),
        Field("makeup_reviewed_at", DT, optional=True),
    ),
    _LOCAL,
)

ASSESSMENT_SCHEMA = EntitySchema(
    ASSESSMENT,
    1,
    _travelling(
        Field("enrollment_uuid", U),
        Field("attempt", INT),
        Field("theory_score", Kind.DECIMAL, optional=True),
        Field("practical_score", Kind.DECIMAL, optional=True),
        Field("result", S),
        Field("assessed_on", D),
        _who("note"),
        Field("recorded_by", S),
    ),
    _LOCAL,
)

CERTIFICATE_SCHEMA = EntitySchema(
    CERTIFICATE,
    1,
    _travelling(
        Field("number", S),
        Field("year", INT),
        Field("serial", INT),
        Field("class_uuid", U),
        Field("enrollment_uuid", U),
        Field("trainee_uuid", U),
        Field("certificate_type", S),
        Field("occupation_code", S),
        Field("occupation_name", S),
        Field("level", S),
        Field("issue_date", D),
        Field("status", S),
        Field("reissue_count", INT),
        Field("reissued_on", D, optional=True),
        _who("reissue_reason"),
        Field("revoked_at", DT, optional=True),
        Field("revoked_by", S, optional=True),
        _who("revoked_reason"),
        Field("issued_by", S),
        Field("issuer_name", S, optional=True),
        Field("issuer_filing_number", S, optional=True),
    ),
    _LOCAL,
)

SUBSIDY_CLAIM_SCHEMA = EntitySchema(
    SUBSIDY_CLAIM,
    1,
    _travelling(
        Field("number", S),
        Field("year", INT),
        Field("serial", INT),
        Field("revision", INT),
        Field("supersedes_uuid", U, optional=True),
        Field("enrollment_uuid", U),
        Field("trainee_uuid", U),
        Field("class_uuid", U),
        Field("certificate_uuid", U),
        Field("status", S),
        Field("kind", S),
        Field("standard_fen", INT),
        Field("amount_fen", INT),
        Field("fee_fen", INT),
        Field("government_fen", INT),
        Field("employer_fen", INT),
        Field("personal_fen", INT),
        Field("payee_kind", S),
        _identifying("payee_name", REPLACE),  # → （已匿名）
        _identifying("payee_account", REPLACE, sensitive=True),  # → ""
        Field("payee_bank", S, optional=True),
        Field("payee_uscc", S, optional=True),
        Field("catalog_version", S),
        Field("inputs_json", S, personal=True),  # canonical JSON text: what the claim rests on
        Field("inputs_hash", S),
        Field("explanation_json", S, personal=True),
        _who("note"),
        Field("created_by", S),
        Field("reviewed_by", S, optional=True),
        Field("reviewed_at", DT, optional=True),
        _who("withdrawn_reason"),
        Field("decided_amount_fen", INT, optional=True),
        _who("decision_reason"),
        Field("decided_at", DT, optional=True),
        Field("decided_by", S, optional=True),
        Field("paid_on", D, optional=True),
    ),
    _CLAIM_LOCAL,
)

FOLLOW_UP_SCHEMA = EntitySchema(
    FOLLOW_UP,
    1,
    _travelling(
        Field("enrollment_uuid", U),
        Field("trainee_uuid", U),
        Field("class_uuid", U),
        Field("period_months", INT),
        Field("due_on", D),
        _who("outcome", optional=False),
        Field("employer_name", S, optional=True),
        Field("employer_uscc", S, optional=True),
        Field("contract_type", S, optional=True),
        _who("wage_band"),
        Field("contacted_on", D),
        _who("note"),
        Field("recorded_by", S),
    ),
    _LOCAL,
)

SERVICE_EVENT_SCHEMA = EntitySchema(
    SERVICE_EVENT,
    1,
    _travelling(
        Field("trainee_uuid", U),
        Field("kind", S),
        Field("on_date", D),
        _who("details"),
        Field("employer_name", S, optional=True),
        Field("recorded_by", S),
    ),
    _LOCAL,
)

# Parents before children: the order a batch lists its rows in.
SCHEMAS: Mapping[str, EntitySchema] = MappingProxyType(
    {
        s.entity: s
        for s in (
            TRAINEE_SCHEMA,
            TRAINING_CLASS_SCHEMA,
            CLASS_SESSION_SCHEMA,
            ENROLLMENT_SCHEMA,
            ATTENDANCE_SCHEMA,
            ASSESSMENT_SCHEMA,
            CERTIFICATE_SCHEMA,
            SUBSIDY_CLAIM_SCHEMA,
            FOLLOW_UP_SCHEMA,
            SERVICE_EVENT_SCHEMA,
        )
    }
)


def schema(entity: str) -> EntitySchema:
    """The schema of ``entity``; :class:`UnknownEntity` for a name that does not travel."""
    try:
        return SCHEMAS[entity]
    except (KeyError, TypeError):
        raise UnknownEntity(entity) from None


def describe() -> dict[str, object]:
    """Every schema as plain JSON data, with the protocol's version."""
    return {
        "protocol_version": PROTOCOL_VERSION,
        "operations": sorted(OPERATIONS),
        "entities": [s.describe() for s in SCHEMAS.values()],
    }
