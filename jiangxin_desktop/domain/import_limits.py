"""The limits a roster file must keep before it is read: their setting keys, labels and defaults.

The administrator sets them among the station's settings; the roster import checks them
(``services/exchange/roster_limits.py``). Both read this one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_FILE_MB = "import.max_file_mb"
MAX_ROWS = "import.max_rows"
MAX_UNPACKED_MB = "import.max_unpacked_mb"
LIMIT_LABELS = {
    MAX_FILE_MB: "导入文件大小上限（MB）",
    MAX_ROWS: "导入行数上限",
    MAX_UNPACKED_MB: "导入表格解压后大小上限（MB）",
}


@dataclass(frozen=True)
class ImportLimits:
    max_file_mb: int = 20
    max_rows: int = 50_000
    max_unpacked_mb: int = 200

    @classmethod
    def from_settings(cls, settings: Any) -> ImportLimits:
        """The administrator's limits (``settings.get(key)``; shipped defaults where unset)."""
        default = cls()
        values = {
            "max_file_mb": settings.get(MAX_FILE_MB),
            "max_rows": settings.get(MAX_ROWS),
            "max_unpacked_mb": settings.get(MAX_UNPACKED_MB),
        }
        return cls(**{k: int(v) if v is not None else getattr(default, k) for k, v in values.items()})
