"""补证明材料: the evidence an enrolment lacked (待补证明材料), supplied before the subsidy claim.

The same as ``enroll --class C --id N --evidence-type T --evidence-number X`` on the command
line: the kinds the person's 人员类别 accepts, a number, checked and audited by the service.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.enrollment import EnrollInput, EnrollmentRecord
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error


class EvidenceDialog(QDialog):
    def __init__(
        self, record: EnrollmentRecord, group_label: str, kinds: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("补证明材料"))
        question = QLabel(
            self.tr("{name}（{id}）以“{group}”报名，待补证明材料。补齐后才能申请补贴。").format(
                name=record.trainee_name, id=mask_id(record.trainee_id_number), group=group_label
            )
        )
        question.setWordWrap(True)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(kinds)
        if record.evidence_type in kinds:
            self.kind_combo.setCurrentText(record.evidence_type)
        self.number_edit = QLineEdit(record.evidence_number or "")
        self.number_edit.setMaxLength(60)
        self.number_edit.setPlaceholderText(self.tr("证件上的编号"))
        self.number_edit.textChanged.connect(lambda _t: self._update())
        form = QFormLayout()
        form.addRow(self.tr("证明材料类型"), self.kind_combo)
        form.addRow(self.tr("证明材料编号"), self.number_edit)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        self._update()

    def _update(self) -> None:
        ready = bool(self.number_edit.text().strip())
        self.save_button.setEnabled(ready)
        self.save_button.setToolTip("" if ready else self.tr("请填写证明材料编号"))

    def evidence(self) -> tuple[str, str]:
        return self.kind_combo.currentText(), self.number_edit.text().strip()


def supply_evidence(
    parent: QWidget, ctx, class_uuid: str, row: EnrollmentRecord, evidence: tuple[str, str] | None = None
) -> bool:
    """Ask for (unless ``evidence`` is given) and save the evidence of ``row``; True when saved."""
    entry = ctx.codes["target_group"].get(row.target_group)
    if evidence is None:
        kinds = list(entry.extra.get("evidence", ())) if entry is not None else []
        dialog = EvidenceDialog(row, entry.label if entry else row.target_group, kinds, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        evidence = dialog.evidence()
    kind, number = evidence
    try:
        data = EnrollInput(row.trainee_uuid, evidence_type=kind, evidence_number=number)
        ctx.enrollments.enroll(class_uuid, data)
    except KnownError as exc:
        show_known_error(parent, exc, title=parent.tr("证明材料没有保存"))
        return False
    return True
