"""Code lists (人员类别, 民族, 文化程度, …) parsed from catalog data.

The lists are data shipped in ``resources/catalogs/codes.json`` (or published by the city);
this module only parses and validates an already-loaded mapping. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Code:
    """One entry; ``extra`` holds list-specific data (rank, evidence types, flags, aliases…)."""

    code: str
    label: str
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CodeList:
    name: str
    title: str
    codes: tuple[Code, ...]

    def get(self, code: str) -> Code | None:
        """The entry with this code, or None."""
        return next((c for c in self.codes if c.code == code), None)

    def label(self, code: str) -> str | None:
        """The label of this code, or None when unknown."""
        entry = self.get(code)
        return entry.label if entry else None

    def by_label(self, label: str) -> Code | None:
        """The entry with this label (spaces trimmed), else the one listing it in ``extra.aliases``."""
        label = (label or "").strip()
        if not label:
            return None
        exact = next((c for c in self.codes if c.label == label), None)
        if exact:
            return exact
        return next((c for c in self.codes if label in c.extra.get("aliases", ())), None)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class CodeCatalog:
    version: str
    lists: Mapping[str, CodeList]

    def __getitem__(self, name: str) -> CodeList:
        try:
            return self.lists[name]
        except KeyError:
            raise KeyError(f"代码表“{name}”不存在，请更新代码目录") from None

    def __contains__(self, name: object) -> bool:
        return name in self.lists


def _freeze(value: Any) -> Any:
    """Recursively turn dicts into read-only mappings and lists into tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse_code(name: str, index: int, entry: Any) -> Code:
    where = f"代码表“{name}”第{index}项"
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}格式错误：应为对象")
    code, label = entry.get("code"), _text(entry.get("label"))
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{where}缺少代码（code 必须是非空字符串）")
    if label is None:
        raise ValueError(f"{where}（代码 {code}）缺少名称（label）")
    extra = entry.get("extra", {})
    if not isinstance(extra, Mapping):
        raise ValueError(f"{where}（代码 {code}）的 extra 应为对象")
    aliases = extra.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError(f"{where}（代码 {code}）的 aliases 应为字符串列表")
    return Code(code=code.strip(), label=label, extra=_freeze(extra))


def _parse_list(name: str, data: Any) -> CodeList:
    if not isinstance(data, Mapping):
        raise ValueError(f"代码表“{name}”格式错误：应为对象")
    title = _text(data.get("title"))
    if title is None:
        raise ValueError(f"代码表“{name}”缺少标题（title）")
    entries = data.get("codes")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"代码表“{name}”没有代码（codes 应为非空列表）")
    codes = tuple(_parse_code(name, i, e) for i, e in enumerate(entries, start=1))
    seen_codes: set[str] = set()
    seen_labels: set[str] = set()
    for c in codes:
        if c.code in seen_codes:
            raise ValueError(f"代码表“{name}”中代码“{c.code}”重复")
        for text in (c.label, *c.extra.get("aliases", ())):
            if text in seen_labels:
                raise ValueError(f"代码表“{name}”中名称或别名“{text}”重复（代码 {c.code}）")
            seen_labels.add(text)
        seen_codes.add(c.code)
    return CodeList(name=name, title=title, codes=codes)


def parse_code_catalog(data: Mapping[str, Any]) -> CodeCatalog:
    """Validate and parse ``{"version": ..., "lists": {name: {"title", "codes": [...]}}}``.

    Raises ValueError with a Chinese message naming the list and entry on bad data.
    """
    if not isinstance(data, Mapping):
        raise ValueError("代码目录格式错误：应为对象")
    version = _text(data.get("version"))
    if version is None:
        raise ValueError("代码目录缺少版本号（version）")
    lists = data.get("lists")
    if not isinstance(lists, Mapping) or not lists:
        raise ValueError("代码目录没有代码表（lists 应为非空对象）")
    parsed = {str(name): _parse_list(str(name), body) for name, body in lists.items()}
    return CodeCatalog(version=version, lists=MappingProxyType(parsed))
