"""Whether the program's window holds a data directory (its lock file, read without Qt).

The window holds ``jiangxin.lock`` (Qt's QLockFile: the holder's process id on the first
line, its application name and host on the next). A command that changes data refuses while
a live window holds the directory: the window's screens would go stale, and two writers
would each think they show the truth (issue 15, point 4.3). Commands that only read run.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from jiangxin_desktop.files import process_alive

LOCK_NAME = "jiangxin.lock"  # the same name ui/shell/single_instance.py locks


def lock_owner(data_dir: Path) -> tuple[int, str] | None:
    """(process id, host) named by the lock file, or None without a readable one."""
    try:
        lines = (data_dir / LOCK_NAME).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if not lines or not lines[0].strip().isdigit():
        return None
    return int(lines[0].strip()), lines[2].strip() if len(lines) > 2 else ""


def window_holder(data_dir: Path) -> int | None:
    """The process id of a live window holding ``data_dir``, or None."""
    owner = lock_owner(data_dir)
    if owner is None or owner[0] == os.getpid():
        return None
    pid, host = owner
    if host and host != socket.gethostname():
        return pid  # a window on another computer (a shared folder): cannot look, assume it lives
    return pid if process_alive(pid) else None
