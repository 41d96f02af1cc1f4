"""The clerk's answers to a roster's questions, and the station's memory of them.

A station's rosters use their own words: "高校毕业生" where the catalog has two kinds of
graduate, "人员类型" for 人员类别, a 培训意向 column nobody asked for, no 人员类别 column at
all. Instead of refusing such rows, the import asks once:

- a value a coded column holds that the catalog does not know → a catalog entry, or
  :data:`SKIP` (leave those rows out);
- a header the program does not recognise → one of our fields, or :data:`IGNORE`;
- a required coded column the roster lacks (人员类别) → one value for the whole class.

Values and columns answered in an import that was written are remembered for the station
(the ``setting`` row :data:`REMEMBERED_KEY`) and applied to the next import; class-wide
values are not (they belong to one class). ``roster mappings`` lists and clears them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.labels import FIELD_LABELS
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_codes import SKIP, text_key
from jiangxin_desktop.services.exchange.roster_fields import CODED_FIELDS, ROSTER_FIELDS
from jiangxin_desktop.services.exchange.roster_headers import IGNORE, header_key
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Setting

if TYPE_CHECKING:
    from jiangxin_desktop.services.security import Acting
    from jiangxin_desktop.store.database import Database

REMEMBERED_KEY = "roster.mappings"
SKIP_WORDS = ("不导入", "不导入这些行", "跳过")
IGNORE_WORDS = ("忽略", "忽略此列", "不导入")
# Coded fields whose column must be there (or answered with a class-wide value).
REQUIRED_CODED = ("target_group",)
COLUMN_FIELDS = (*ROSTER_FIELDS, "sex")
_LABELS = {**FIELD_LABELS, "sex": "性别"}


def field_label(name: str) -> str:
    return _LABELS.get(name, name)


@dataclass
class RosterAnswers:
    """``values``: field → value key (:func:`text_key`) → code or SKIP; ``columns``: header key
    (:func:`header_key`) → field or IGNORE; ``defaults``: field → code for the whole class."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def map_value(self, name: str, value: str, code: str) -> None:
        self.values.setdefault(name, {})[text_key(value)] = code

    def map_column(self, header: str, name: str) -> None:
        self.columns[header_key(header)] = name

    def merged_over(self, remembered: RosterAnswers) -> RosterAnswers:
        """These answers, and the remembered ones where these say nothing."""
        values = {f: dict(m) for f, m in remembered.values.items()}
        for f, m in self.values.items():
            values.setdefault(f, {}).update(m)
        return RosterAnswers(values, {**remembered.columns, **self.columns}, dict(self.defaults))

    def is_empty(self) -> bool:
        return not (any(self.values.values()) or self.columns or self.defaults)

    def to_json(self) -> dict:
        return {"values": self.values, "columns": self.columns}

    @classmethod
    def from_json(cls, data: Mapping) -> RosterAnswers:
        values = data.get("values") if isinstance(data, Mapping) else None
        columns = data.get("columns") if isinstance(data, Mapping) else None
        return cls(
            {str(f): {str(k): str(v) for k, v in m.items()} for f, m in (values or {}).items()},
            {str(k): str(v) for k, v in (columns or {}).items()},
        )


# --- what the clerk types: 人员类别 / 人员类别:高校毕业生=22 / 人员类型=人员类别 ------------------


def field_named(text: str, *, option: str, coded: bool = False) -> str:
    """Our field for ``人员类别`` (or ``target_group``), else a message naming the option."""
    wanted = text.strip()
    choices = CODED_FIELDS if coded else COLUMN_FIELDS
    for name in choices:
        if wanted in (name, field_label(name)):
            return name
    known = "、".join(field_label(n) for n in choices)
    raise KnownError(f"{option} 中的“{wanted}”不是可用的字段名。可用：{known}")


def code_named(codes: CodeCatalog, name: str, text: str, *, option: str) -> str:
    """The code of ``text`` (a code, label or alias) in the field's code list."""
    code_list = codes[CODED_FIELDS[name]]
    wanted = text.strip()
    entry = code_list.get(wanted) or code_list.by_label(wanted)
    if entry is None:
        key = text_key(wanted)
        entry = next((e for e in code_list if text_key(e.label) == key or e.code == key), None)
    if entry is None:
        sample = "、".join(f"{e.code} {e.label}" for e in list(code_list)[:8])
        raise KnownError(
            f"{option} 中的“{wanted}”不在{code_list.title}代码表中，请写代码或名称，如：{sample}"
        )
    return entry.code


def parse_map(codes: CodeCatalog, text: str, answers: RosterAnswers) -> None:
    """``人员类别:高校毕业生=22`` (or ``=离校未就业高校毕业生``, ``=不导入``) into ``answers``."""
    option = f"--map {text}"
    head, eq, target = text.partition("=")
    name_text, colon, value = head.partition(":")
    if not eq or not colon or not value.strip() or not target.strip():
        raise KnownError(f"{option} 的格式应为 字段:表中的值=代码或名称，例如 --map 人员类别:高校毕业生=22")
    name = field_named(name_text, option=option, coded=True)
    code = SKIP if target.strip() in SKIP_WORDS else code_named(codes, name, target, option=option)
    answers.map_value(name, value.strip(), code)


def parse_column(text: str, answers: RosterAnswers) -> None:
    """``人员类型=人员类别`` (or ``培训意向=忽略``) into ``answers``."""
    option = f"--column {text}"
    header, eq, target = text.rpartition("=")
    if not eq or not header.strip() or not target.strip():
        raise KnownError(
            f"{option} 的格式应为 表头=字段名，例如 --column 人员类型=人员类别 或 --column 培训意向=忽略"
        )
    name = IGNORE if target.strip() in IGNORE_WORDS else field_named(target, option=option)
    answers.map_column(header, name)


def parse_default(codes: CodeCatalog, text: str, answers: RosterAnswers) -> None:
    """``人员类别=31``: one value for the whole class, where the roster has no such column."""
    option = f"--default {text}"
    name_text, eq, target = text.partition("=")
    if not eq or not target.strip():
        raise KnownError(f"{option} 的格式应为 字段=代码或名称，例如 --default 人员类别=31")
    name = field_named(name_text, option=option, coded=True)
    answers.defaults[name] = code_named(codes, name, target, option=option)


# --- the station's memory ----------------------------------------------------------------


def remembered(session: Session) -> RosterAnswers:
    row = session.get(Setting, REMEMBERED_KEY)
    if row is None:
        return RosterAnswers()
    try:
        return RosterAnswers.from_json(json.loads(row.value_json))
    except (ValueError, AttributeError):
        return RosterAnswers()  # unreadable: asked again, never guessed


def remember(session: Session, answers: RosterAnswers, actor: str) -> dict | None:
    """Add the values and columns of ``answers`` to the station's memory (in the caller's
    transaction). Returns what was added, for the import's audit event, or None."""
    if not any(answers.values.values()) and not answers.columns:
        return None
    merged = answers.merged_over(remembered(session))
    _store(session, merged, actor)
    words = {SKIP: "不导入这些行", IGNORE: "忽略此列"}  # the audit log reads words, not markers
    return {
        "values": {
            field_label(f): {v: words.get(c, c) for v, c in m.items()} for f, m in answers.values.items() if m
        },
        "columns": {h: words.get(f, field_label(f)) for h, f in answers.columns.items()},
    }


def _store(session: Session, answers: RosterAnswers, actor: str) -> None:
    encoded = json.dumps(answers.to_json(), ensure_ascii=False, sort_keys=True)
    now = utc_now()
    row = session.get(Setting, REMEMBERED_KEY)
    if row is None:
        row = Setting(key=REMEMBERED_KEY, value_json=encoded, updated_at=now, updated_by=actor, version=1)
        session.add(row)
    else:
        row.value_json, row.updated_at, row.updated_by = encoded, now, actor
        row.version += 1


def shown(answers: RosterAnswers, codes: CodeCatalog) -> list[dict]:
    """The remembered answers as a clerk reads them, one a line."""
    lines = []
    for name, mapping in sorted(answers.values.items()):
        code_list = codes[CODED_FIELDS[name]] if name in CODED_FIELDS else None
        for value, code in sorted(mapping.items()):
            label = code_list.label(code) if code_list else ""
            target = "不导入这些行" if code == SKIP else f"{code} {label or ''}"
            lines.append({"kind": "value", "field": field_label(name), "value": value, "to": target.strip()})
    for header, name in sorted(answers.columns.items()):
        target = "忽略此列" if name == IGNORE else field_label(name)
        lines.append({"kind": "column", "field": "", "value": header, "to": target})
    return lines


def list_remembered(db: Database, acting: Acting, codes: CodeCatalog) -> list[dict]:
    """The station's remembered answers, for a clerk or administrator."""
    acting.require("clerk", "admin", action="查看名册对应关系")
    with db.read() as session:
        return shown(remembered(session), codes)


def clear_remembered(
    db: Database, acting: Acting, codes: CodeCatalog, *, field_text: str | None = None
) -> int:
    """Forget the remembered answers (only those of one field, or the columns, when named).
    Returns how many were forgotten; audited."""
    acting.require("clerk", "admin", action="清除名册对应关系")
    with db.write() as session:
        current = remembered(session)
        before = shown(current, codes)
        if field_text is None:
            kept = RosterAnswers()
        elif field_text.strip() in ("列", "表头", "columns"):
            kept = RosterAnswers(current.values, {})
        else:
            name = field_named(field_text, option="--field", coded=True)
            kept = RosterAnswers({f: m for f, m in current.values.items() if f != name}, current.columns)
        forgotten = len(before) - len(shown(kept, codes))
        if forgotten:
            _store(session, kept, acting.actor)
            audit(
                session,
                actor=acting.actor,
                action="roster.mappings.clear",
                object_type="setting",
                object_id=REMEMBERED_KEY,
                before={"mappings": before},
                after={"mappings": shown(kept, codes)},
            )
        return forgotten
