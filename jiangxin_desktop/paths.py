"""Where the program keeps its files. Nothing here runs at import time."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "jiangxin-desktop"
DATA_DIR_ENV = "JIANGXIN_DATA_DIR"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "jiangxin.db"

    @property
    def key_descriptor(self) -> Path:
        return self.root / "key.json"

    @property
    def migration_backups(self) -> Path:
        return self.root / "pre-migration"

    @property
    def crash_reports(self) -> Path:
        return self.root / "crash-reports"

    def ensure(self) -> DataPaths:
        """Create the data directory owner-only (0700)."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(self.root, 0o700)
        return self


def resolve_data_dir(cli_value: str | None = None) -> DataPaths:
    """--data-dir beats JIANGXIN_DATA_DIR beats the platform's user data directory."""
    if cli_value:
        return DataPaths(Path(cli_value).expanduser().resolve())
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return DataPaths(Path(env).expanduser().resolve())
    import platformdirs

    return DataPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def resources_dir() -> Path:
    """The shipped resources/ folder (fonts, catalogs, translations); forms/ is its sibling.

    JIANGXIN_RESOURCES beats the frozen bundle's folder, beats the copy an installed wheel carries
    inside the package (``_data/``, see setup.py), beats the source checkout's top-level folder.
    """
    env = os.environ.get("JIANGXIN_RESOURCES")
    if env:
        return Path(env)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    package = Path(__file__).resolve().parent
    installed = package / "_data" / "resources"
    if installed.is_dir():
        return installed
    return package.parent / "resources"
