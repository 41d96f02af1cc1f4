"""人员类别 with its flags (脱贫家庭, 留守妇女…) and evidence types, rebuilt when the group changes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from jiangxin_desktop.domain.codes import CodeList
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo


class TargetFlags(QWidget):
    """Checkboxes for the flags the selected 人员类别 allows."""

    changed = Signal()
    touched = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: list[QCheckBox] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.none_label = QLabel(self.tr("（该人员类别没有标记）"))
        self.none_label.setEnabled(False)
        self._layout.addWidget(self.none_label)
        self._layout.addStretch(1)

    def set_flags(self, flags: tuple[str, ...], checked: tuple[str, ...] = ()) -> None:
        for box in self.boxes:
            self._layout.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for position, flag in enumerate(flags):
            box = QCheckBox(flag, self)
            box.setChecked(flag in checked)
            box.toggled.connect(self.changed)
            box.clicked.connect(self.touched)
            self._layout.insertWidget(position, box)
            self.boxes.append(box)
        self.none_label.setVisible(not flags)

    def checked(self) -> tuple[str, ...]:
        return tuple(b.text() for b in self.boxes if b.isChecked())


class TargetGroupFields:
    """Keeps the group combo, its flags and the evidence combo consistent."""

    def __init__(self, groups: CodeList, parent: QWidget) -> None:
        self.groups = groups
        self.group = CodeCombo(parent.tr("（请选择人员类别）"), parent)
        self.group.set_code_list(groups)
        self.flags = TargetFlags(parent)
        self.evidence = CodeCombo(parent.tr("（请选择）"), parent)
        self.group.currentIndexChanged.connect(lambda _index: self.rebuild())
        self.rebuild()

    def rebuild(self, flags_checked: tuple[str, ...] | None = None) -> None:
        """Offer the selected group's flags and evidence types, keeping what still applies."""
        entry = self.groups.get(self.group.value() or "")
        keep = self.flags.checked() if flags_checked is None else flags_checked
        allowed = tuple(entry.extra.get("flags", ())) if entry else ()
        self.flags.set_flags(allowed, tuple(f for f in keep if f in allowed))
        evidence = tuple(entry.extra.get("evidence", ())) if entry else ()
        self.evidence.set_items((e, e) for e in evidence)
        self.evidence.setEnabled(bool(evidence))
