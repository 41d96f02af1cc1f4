"""Windows sized to the screen they open on, so 1366×768 at 125–150 % still shows everything."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_to_screen(window: QWidget, width: int, height: int, margin: int = 48) -> None:
    """Resize to (width, height) logical pixels, or less where the available screen is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    window.resize(min(width, area.width() - margin), min(height, area.height() - margin))
