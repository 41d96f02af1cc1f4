"""Reading one TOML table of a template, with errors that say where in the file they are."""

from __future__ import annotations

from typing import Any

from jiangxin_desktop.services.printing.fields import Part, PlaceholderSyntaxError, parse

_REQUIRED: Any = object()


class TemplateError(ValueError):
    """A Chinese description of a template problem: where it is and what is wrong."""


def _shown(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else str(value)


class Reader:
    def __init__(self, data: Any, where: str, *, present: bool = True) -> None:
        self.data: dict = data if isinstance(data, dict) else {}
        self.where = where
        self.present = present

    # --- errors -----------------------------------------------------------------------
    def fail(self, key: str, message: str) -> None:
        where = f"{self.where} 的" if self.where else ""
        raise TemplateError(f"{where}“{key}”{message}")

    def fail_at(self, where: str, message: str) -> None:
        raise TemplateError(f"{where} {message}")

    # --- structure --------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self.data)

    def allow(self, *keys: str) -> None:
        for key in self.data:
            if key not in keys:
                self.fail(key, f"不是可用的项（可用：{'、'.join(keys)}）")

    def section(self, key: str, *, required: bool = True) -> Reader:
        where = f"[{self.where.strip('[]')}.{key}]" if self.where else f"[{key}]"
        if key not in self.data:
            if required:
                self.fail(key, "必须给出")
            return Reader({}, where, present=False)
        value = self.data[key]
        if not isinstance(value, dict):
            self.fail(key, "应是一个表（写作 [" + key + "] 或 " + key + " = { … }）")
        return Reader(value, where)

    def items(self, key: str) -> list[Reader]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"应写作一组 [[{key}]]")
        out = []
        for i, item in enumerate(value, start=1):
            named = f"（name = “{item['name']}”）" if isinstance(item.get("name"), str) else ""
            out.append(Reader(item, f"[[{key}]] 第 {i} 项{named}"))
        return out

    def table_items(self, key: str) -> list[Reader]:
        """``[[table.columns]]`` items: named after the section they are in."""
        value = self.data.get(key, [])
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"应写作一组 [[{self.where.strip('[]')}.{key}]]，至少一项")
        base = self.where.strip("[]")
        return [Reader(item, f"[[{base}.{key}]] 第 {i} 项") for i, item in enumerate(value, start=1)]

    # --- values -----------------------------------------------------------------------
    def _get(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            self.fail(key, "必须给出")
        return default

    def text(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self._get(key, default)
        if value is not default and not isinstance(value, str):
            self.fail(key, f"应是用双引号括起来的文字，现在是 {_shown(value)}")
        return value

    def content(self, key: str, default: Any = _REQUIRED) -> tuple[Part, ...]:
        """Text with {field} placeholders, parsed."""
        value = self.text(key, default)
        try:
            return parse(value)
        except PlaceholderSyntaxError as exc:
            self.fail(key, f"有误：{exc}")
            raise AssertionError("unreachable") from exc

    def number(self, key: str, default: Any = _REQUIRED, *, low: float = 0, high: float = 10_000) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"应是数字，现在是 {_shown(value)}")
        if not low <= value <= high:
            self.fail(key, f"应在 {low:g} 到 {high:g} 之间，现在是 {value:g}")
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"应是 true 或 false，现在是 {_shown(value)}")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: Any = _REQUIRED) -> Any:
        value = self._get(key, default)
        if value not in options:
            self.fail(key, f"应是 {'、'.join(options)} 之一，现在是 {_shown(value)}")
        return value

    def color(self, key: str, default: str | None = None) -> str | None:
        value = self._get(key, default)
        if value is None:
            return None
        if not (isinstance(value, str) and len(value) == 7 and value.startswith("#")):
            self.fail(key, f'应是颜色，写作 "#333333"，现在是 {_shown(value)}')
        try:
            int(value[1:], 16)
        except ValueError:
            self.fail(key, f'应是颜色，写作 "#333333"，现在是 {_shown(value)}')
        return value
