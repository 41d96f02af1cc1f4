"""Printing results: JSON for scripts (--json), plain Chinese lines for people."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def emit(obj: Any, *, as_json: bool, text: str | None = None) -> None:
    if as_json:
        print(json.dumps(obj, ensure_ascii=False, default=str))
    elif text is not None:
        print(text)


def fail(message: str, *, as_json: bool, code: int = 2) -> int:
    """Say what went wrong (on stderr, and as JSON on stdout with --json); the exit status."""
    print(f"错误：{message}", file=sys.stderr)
    if as_json:
        try:
            print(json.dumps({"error": message}, ensure_ascii=False), flush=True)
        except BrokenPipeError:  # the script reading stdout has gone; the status still tells
            silence_stdout()
    return code


def silence_stdout() -> None:
    """Send what is left for stdout nowhere: its reader has gone (``… | head``), and
    Python's own flush at exit would fail on the closed pipe again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
