"""Printing results: JSON for scripts (--json), plain Chinese lines for people."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit(obj: Any, *, as_json: bool, text: str | None = None) -> None:
    if as_json:
        print(json.dumps(obj, ensure_ascii=False, default=str))
    elif text is not None:
        print(text)


def fail(message: str, *, as_json: bool, code: int = 2) -> int:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    print(f"错误：{message}", file=sys.stderr)
    return code
