"""Keyboard habits of the long form dialogs (registration, class): Enter goes to the next
field and presses a focused button; the field that gets focus stays in view when the form
scrolls (small screens, 150 % scaling)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QWidget

from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE


class FormKeysDialog(QDialog):
    """A dialog whose ``form`` sits in ``form_scroll``; subclasses set both, and ``attempt_save``."""

    form: QWidget
    form_scroll: QScrollArea

    def attempt_save(self) -> None:
        raise NotImplementedError

    def save_row(self, save_text: str) -> QHBoxLayout:
        """The row under the form: why saving is refused (red), then save and 取消 (Esc)."""
        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(ERROR_STYLE)
        self.save_button = QPushButton(save_text, self)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.attempt_save)
        self.cancel_button = QPushButton(self.tr("取消 (Esc)"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.reason_label, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        return row

    def focusNextPrevChild(self, forward: bool) -> bool:
        moved = super().focusNextPrevChild(forward)
        focus = self.focusWidget()
        if moved and focus is not None and self.form.isAncestorOf(focus):
            self.form_scroll.ensureWidgetVisible(focus)
        return moved

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                focus.click()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
