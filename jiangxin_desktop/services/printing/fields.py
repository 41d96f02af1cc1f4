"""Placeholders in template text: ``{trainee.name}`` filled from a context dict.

``{a.b}`` looks up key ``a`` then key (or attribute) ``b``; ``{{`` and ``}}`` are literal
braces. A table cell looks in its row first, then in the page's context. ``{page}`` and
``{pages}`` are the page number and page count of the current sheet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*")
_MISSING = object()


@dataclass(frozen=True)
class Field:
    path: str


Part = str | Field


class PlaceholderSyntaxError(ValueError):
    """Carries a Chinese description of what is wrong with the placeholder text."""


def parse(text: str) -> tuple[Part, ...]:
    """Split template text into literal strings and fields; raises PlaceholderSyntaxError."""
    parts: list[Part] = []
    literal: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        literal.append(text[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
        elif token in ("{", "}"):
            raise PlaceholderSyntaxError(
                f"第 {m.start() + 1} 个字符处的“{token}”没有配对（字段写作 {{trainee.name}}，"
                "要印出花括号请写两个：{{ 或 }}）"
            )
        else:
            name = (m.group(1) or "").strip()
            if not _NAME.fullmatch(name):
                raise PlaceholderSyntaxError(
                    f"“{token}”不是有效的字段名（只能用英文字母、数字、下划线和点，如 {{trainee.name}}）"
                )
            if any(literal):
                parts.append("".join(literal))
            literal = []
            parts.append(Field(name))
    literal.append(text[pos:])
    if any(literal):
        parts.append("".join(literal))
    return tuple(parts)


def lookup(path: str, scopes: Sequence[Mapping[str, Any]]) -> Any:
    """The value at ``path`` in the first scope that has it; raises KeyError(path) if none does."""
    first, *rest = path.split(".")
    for scope in scopes:
        value = scope.get(first, _MISSING)
        if value is _MISSING:
            continue
        for key in rest:
            value = value.get(key, _MISSING) if isinstance(value, Mapping) else getattr(value, key, _MISSING)
            if value is _MISSING:
                raise KeyError(path)
        return value
    raise KeyError(path)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill(parts: Sequence[Part], scopes: Sequence[Mapping[str, Any]]) -> str:
    return "".join(p if isinstance(p, str) else as_text(lookup(p.path, scopes)) for p in parts)


def fields(parts: Sequence[Part]) -> list[Field]:
    return [p for p in parts if isinstance(p, Field)]


def literal_text(parts: Sequence[Part]) -> str:
    return "".join(p for p in parts if isinstance(p, str))
