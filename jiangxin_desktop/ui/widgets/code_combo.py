"""A combo box over a code list: shows labels, stores codes (or a plain list of strings)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget

from jiangxin_desktop.domain.codes import CodeList


class CodeCombo(QComboBox):
    """Item text is the label the clerk reads; item data is the value that is stored."""

    def __init__(self, placeholder: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)

    def set_items(self, items: Iterable[tuple[str, str]]) -> None:
        """Replace the entries with (label, value) pairs, keeping the current value when present."""
        current = self.value()
        self.blockSignals(True)
        self.clear()
        if self._placeholder is not None:
            self.addItem(self._placeholder, None)
        for label, value in items:
            self.addItem(label, value)
        self.blockSignals(False)
        self.set_value(current)

    def set_code_list(self, codes: CodeList) -> None:
        self.set_items((c.label, c.code) for c in codes)

    def value(self) -> str | None:
        data = self.currentData()
        return data if isinstance(data, str) else None

    def set_value(self, value: str | None) -> None:
        """Select the entry holding ``value``; unknown or None selects the placeholder (or the first)."""
        index = self.findData(value) if value is not None else -1
        self.setCurrentIndex(index if index >= 0 else 0)
