"""The status bar's sync label: always says where sync stands, and opens the 同步 page when clicked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE


class SyncStatusLabel(QLabel):
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("同步"), parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable without the mouse; Enter opens
        self.setToolTip(self.tr("点击打开“同步”页。"))
        self.problem = False

    def show_words(self, text: str, tooltip: str, problem: bool) -> None:
        self.setText(text)
        self.setToolTip(tooltip)
        self.problem = problem
        self.setStyleSheet(WARNING_STYLE if problem else "")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)
