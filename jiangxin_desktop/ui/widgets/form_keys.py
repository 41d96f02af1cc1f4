"""Keyboard habits of the long form dialogs (registration, class): Enter goes to the next
field and presses a focused button; the field that gets focus stays in view when the form
scrolls (small screens, 150 % scaling)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QPushButton, QScrollArea, QWidget


class FormKeysDialog(QDialog):
    """A dialog whose ``form`` sits in ``form_scroll``; subclasses set both."""

    form: QWidget
    form_scroll: QScrollArea

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
