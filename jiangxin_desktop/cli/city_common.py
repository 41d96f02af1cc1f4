"""What the city's commands share: opening the receiver of ``--dir`` and who is at the keyboard."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path


def open_city(args: argparse.Namespace):
    """The receiver of the city folder ``args.dir`` (the caller closes it)."""
    from jiangxin_desktop.city import load_city, open_receiver

    return open_receiver(load_city(Path(args.dir)))


def who() -> str:
    """The operating-system user, named in the city's records as who acted."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "city"
