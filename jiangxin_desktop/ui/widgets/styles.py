"""The few colours the windows share (validation red, warning orange, banners)."""

from __future__ import annotations

ERROR_COLOR = "#c0392b"  # red with enough contrast on white
WARNING_COLOR = "#b35900"  # orange, readable on white
ERROR_STYLE = f"color: {ERROR_COLOR};"
WARNING_STYLE = f"color: {WARNING_COLOR};"
BANNER_STYLE = "QFrame#banner { background: #fff4d6; border: 1px solid #e0b84d; border-radius: 4px; }"
INACTIVE_COLOR = "#8a8a8a"
