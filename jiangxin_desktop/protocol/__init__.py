"""The wire format of every record that travels to the city, versioned.

Owns: each travelling entity's fields (wire name, type, personal-data marks, what
anonymisation does to them), the conversion of a stored row to its wire form and back,
and canonical JSON for hashing and signing batches. It is the one list of personal
fields: sealing of audit copies and the retention rule derive theirs from it.

Imports only the standard library: nothing of Qt, SQLAlchemy, or this program's store,
services, domain, ui, cli or context, so that the city's receiver can depend on it alone.
Display records' ``to_json()`` are for the command line, not for the wire.
"""

from __future__ import annotations

from jiangxin_desktop.protocol.canonical import canonical_json
from jiangxin_desktop.protocol.convert import from_wire, to_wire
from jiangxin_desktop.protocol.entities import (
    ANONYMISE,
    ASSESSMENT,
    ATTENDANCE,
    CERTIFICATE,
    SUBSIDY_CLAIM,
    FOLLOW_UP,
    SERVICE_EVENT,
    CLASS_SESSION,
    DEACTIVATE,
    DELETE,
    ENROLLMENT,
    OPERATIONS,
    PROTOCOL_VERSION,
    SCHEMAS,
    TRAINEE,
    TRAINING_CLASS,
    UPSERT,
    describe,
    schema,
)
from jiangxin_desktop.protocol.errors import (
    MissingField,
    NotCanonical,
    ProtocolError,
    UnknownEntity,
    UnknownField,
    WrongType,
)
from jiangxin_desktop.protocol.fields import Anonymise, EntitySchema, Field, Kind

__all__ = [
    "ANONYMISE",
    "ASSESSMENT",
    "ATTENDANCE",
    "CERTIFICATE",
    "SUBSIDY_CLAIM",
    "FOLLOW_UP",
    "SERVICE_EVENT",
    "CLASS_SESSION",
    "DEACTIVATE",
    "DELETE",
    "ENROLLMENT",
    "OPERATIONS",
    "PROTOCOL_VERSION",
    "SCHEMAS",
    "TRAINEE",
    "TRAINING_CLASS",
    "UPSERT",
    "Anonymise",
    "EntitySchema",
    "Field",
    "Kind",
    "MissingField",
    "NotCanonical",
    "ProtocolError",
    "UnknownEntity",
    "UnknownField",
    "WrongType",
    "canonical_json",
    "describe",
    "from_wire",
    "schema",
    "to_wire",
]
