"""Refuse a document before anything is written if a font cannot draw one of its characters.

A name like 刘䶮 in a font without 䶮 would print an empty box on an official form; the user
must hear which person, which field and which character, and which shipped font has it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.printing import fonts
from jiangxin_desktop.services.printing.fields import Part, as_text, fields, lookup
from jiangxin_desktop.services.printing.templates import Template

SHOWN = 30  # at most this many problems are listed one by one
PAGE_SCOPE = {"page": 1, "pages": 1}


@dataclass(frozen=True)
class MissingGlyph:
    subject: str  # whose record: "学员 刘䶮"
    label: str  # which field: "姓名"
    char: str
    font: str  # font key

    def sentence(self) -> str:
        whose = f"{self.subject} 的" if self.subject else ""
        return f"{whose}{self.label}中的“{self.char}”在字体“{fonts.font_spec(self.font).label}”中没有字形"


def field_value(template: Template, where: str, path: str, scopes: Sequence[Mapping[str, Any]]) -> str:
    try:
        return as_text(lookup(path, scopes))
    except KeyError:
        known = sorted({k for scope in scopes for k in _paths(scope)})
        raise KnownError(
            f"打印模板 {template.path} 中 {where} 用了字段 {{{path}}}，但要打印的数据中没有这个字段。"
            f"请改正模板。可用的字段：{'、'.join(known)}"
        ) from None


def _paths(scope: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in scope.items():
        if key.startswith("_") or (prefix == "" and isinstance(value, list)):
            continue
        if isinstance(value, Mapping):
            out += _paths(value, f"{prefix}{key}.")
        else:
            out.append("{" + prefix + key + "}")
    return out


def find_missing(template: Template, contexts: Sequence[Mapping[str, Any]]) -> list[MissingGlyph]:
    found: dict[MissingGlyph, None] = {}  # ordered, without repeats

    def check(parts: tuple[Part, ...], role: str, label: str, where: str, scopes, subject: str) -> None:
        key = template.font_key(role)
        for f in fields(parts):
            value = field_value(template, where, f.path, scopes)
            for ch in fonts.missing_characters(key, value):
                found[MissingGlyph(subject, label or labels.get(f.path, f.path), ch, key)] = None

    for context in contexts:
        subject = as_text(context.get("_subject"))
        labels: Mapping[str, str] = context.get("_labels") or {}  # field → its name in messages
        scopes = (PAGE_SCOPE, context)
        for e in template.texts:
            check(e.parts, e.font, e.label, e.where, scopes, subject)
        table = template.table
        if table is None:
            continue
        rows = context.get(table.rows)
        if not isinstance(rows, list):
            raise KnownError(
                f"打印模板 {template.path} 的 [table] 要打印“{table.rows}”中的行，"
                "但要打印的数据中没有这一项。请改正模板。"
            )
        for row in rows:
            row_subject = as_text(row.get("_subject")) or subject
            for c in table.columns:
                check(c.parts, table.font, c.label, c.where, (row, *scopes), row_subject)
    return list(found)


def check_printable(template: Template, contexts: Sequence[Mapping[str, Any]]) -> None:
    """Raise KnownError listing each character that would print as an empty box."""
    missing = find_missing(template, contexts)
    if not missing:
        return
    lines = [m.sentence() for m in missing[:SHOWN]]
    if len(missing) > SHOWN:
        lines.append(f"另有 {len(missing) - SHOWN} 处")
    elsewhere = []
    for ch in dict.fromkeys(m.char for m in missing):
        others = [s.label for k, s in fonts.SHIPPED_FONTS.items() if not fonts.missing_characters(k, ch)]
        if others:
            elsewhere.append(f"“{ch}”在{'、'.join(f'“{o}”' for o in others)}中有")
    hint = "请先核对这些字是否录入正确。"
    if elsewhere:
        hint += f"若无误，可请管理员在打印模板中改用含有这些字的字体（{'；'.join(elsewhere)}）。"
    else:
        hint += "若无误：程序带的字体都没有这些字，请联系技术支持添加字体。"
    raise KnownError("；".join(lines) + "，无法打印（会印成空框）。" + hint)
