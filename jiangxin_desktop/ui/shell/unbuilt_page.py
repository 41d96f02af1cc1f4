"""The areas this version does not have yet: a plain statement, no fake data or buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class UnbuiltPage(QWidget):
    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(title)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        self.message = QLabel(
            self.tr("“{area}”功能在当前版本中尚未提供，将在后续版本中加入。").format(area=title)
        )
        self.message.setWordWrap(True)
        self.detail = QLabel(explanation)
        self.detail.setWordWrap(True)
        for label in (self.message, self.detail):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(heading)
        layout.addSpacing(12)
        layout.addWidget(self.message)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def text(self) -> str:
        """Everything the page says, for tests and screen readers."""
        return f"{self.message.text()}\n{self.detail.text()}"
