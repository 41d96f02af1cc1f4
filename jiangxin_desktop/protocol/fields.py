"""What a wire schema is made of: field kinds, privacy marks, and one entity's schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """A field's type on the wire (and what the stored row holds for it)."""

    STR = "str"  # stored str → JSON string
    INT = "int"  # stored int → JSON integer (money: integer fen)
    BOOL = "bool"  # stored bool (or 0/1) → JSON true/false
    UUID = "uuid"  # stored str → JSON string, lower-case 8-4-4-4-12 hex
    DATE = "date"  # stored datetime.date → "YYYY-MM-DD"
    DATETIME = "datetime"  # stored ISO 8601 text with an offset or Z → the same text
    TIME = "time"  # stored "HH:MM" (local time of day) → the same text
    DECIMAL = "decimal"  # stored float (a score) → a decimal string such as "85.5"; never a float
    STR_LIST = "str_list"  # stored JSON text of a list of strings → a JSON array of strings


class Anonymise(Enum):
    """What the retention rule does to a field when it anonymises the person."""

    KEEP = "keep"  # kept: statistics by sex, age band, category… still add up
    CLEAR = "clear"  # set to NULL
    REPLACE = "replace"  # replaced by a placeholder (name, ID number, phone) or coarsened (birth date)


@dataclass(frozen=True)
class Field:
    """One field of a travelling record.

    ``personal``: personal information under PIPL (names, numbers, contacts, circumstances,
    free text about a person). ``sensitive``: PIPL's sensitive personal information (ID
    number, bank account, 脱贫/低保 status). ``identifying``: points to the trainee the row is
    about; sealed in audit copies and removed when the person is anonymised.
    """

    column: str
    kind: Kind
    optional: bool = False
    wire: str = ""  # defaults to the column's name
    personal: bool = False
    sensitive: bool = False
    identifying: bool = False
    on_anonymise: Anonymise = Anonymise.KEEP

    def __post_init__(self) -> None:
        if not self.wire:
            object.__setattr__(self, "wire", self.column)


@dataclass(frozen=True)
class EntitySchema:
    """The wire schema of one entity: its fields in order, and the stored columns that stay home."""

    entity: str
    version: int
    fields: tuple[Field, ...]
    local: frozenset[str] = field(default_factory=frozenset)  # stored columns that never travel

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def by_column(self, column: str) -> Field | None:
        return next((f for f in self.fields if f.column == column), None)

    @property
    def personal(self) -> frozenset[str]:
        """Columns holding personal information."""
        return frozenset(f.column for f in self.fields if f.personal)

    @property
    def identifying(self) -> frozenset[str]:
        """Columns that point to the person: sealed in audit copies."""
        return frozenset(f.column for f in self.fields if f.identifying)

    @property
    def cleared_on_anonymisation(self) -> tuple[str, ...]:
        """Columns the retention rule sets to NULL, in schema order."""
        return tuple(f.column for f in self.fields if f.on_anonymise is Anonymise.CLEAR)

    @property
    def replaced_on_anonymisation(self) -> tuple[str, ...]:
        """Columns the retention rule replaces by a placeholder or coarsens, in schema order."""
        return tuple(f.column for f in self.fields if f.on_anonymise is Anonymise.REPLACE)

    def describe(self) -> dict[str, object]:
        """The schema as plain JSON data (for the protocol's documentation and the receiver)."""
        return {
            "entity": self.entity,
            "version": self.version,
            "fields": [
                {
                    "name": f.wire,
                    "type": f.kind.value,
                    "optional": f.optional,
                    "personal": f.personal,
                    "sensitive": f.sensitive,
                    "identifying": f.identifying,
                }
                for f in self.fields
            ],
        }
