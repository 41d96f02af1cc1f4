"""One form field with its validation message underneath (red error, orange warning)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE, WARNING_STYLE


class FieldRow(QWidget):
    ERROR, WARNING = "error", "warning"

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.level: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.message)

    def set_message(self, text: str | None, level: str | None = ERROR) -> None:
        """Show ``text`` under the field; None or empty hides it."""
        if (text or "", level if text else None) == (self.message.text(), self.level):
            return  # called for every field on every keystroke: touch Qt only on a change
        self.level = level if text else None
        self.message.setText(text or "")
        self.message.setStyleSheet(WARNING_STYLE if level == self.WARNING else ERROR_STYLE)
        self.message.setVisible(bool(text))

    def message_text(self) -> str:
        return self.message.text()
