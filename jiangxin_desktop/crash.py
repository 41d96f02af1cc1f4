"""Crash reports: a bug's traceback saved to a file the clerk can send to support."""

from __future__ import annotations

import platform
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from jiangxin_desktop import __version__
from jiangxin_desktop.files import write_private_atomic
from jiangxin_desktop.paths import resolve_data_dir


def save_crash_report(exc: BaseException, *, data_dir: str | None = None) -> Path:
    """Write the report under the data directory (or the temp folder if that fails)."""
    body = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    text = (
        f"jiangxin-desktop {__version__}\n"
        f"time: {datetime.now().isoformat(timespec='seconds')}\n"
        f"python: {sys.version.split()[0]} on {platform.platform()}\n\n{body}"
    )
    name = f"crash-{datetime.now():%Y%m%d-%H%M%S}.txt"
    try:
        target = resolve_data_dir(data_dir).crash_reports / name
        write_private_atomic(target, text.encode("utf-8"))
    except OSError:
        target = Path(tempfile.gettempdir()) / name
        write_private_atomic(target, text.encode("utf-8"))
    return target
