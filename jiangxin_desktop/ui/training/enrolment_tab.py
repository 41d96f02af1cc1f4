"""学员 tab of a class: who is enrolled, adding a registered trainee (eligibility in words), 退学."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.masking import mask_card, mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.class_records import ENROLLING, STATUS_LABELS, ClassRecord
from jiangxin_desktop.services.training.enrollment import (
    Eligibility,
    EnrollInput,
    EnrollmentRecord,
    NeedsConfirmation,
    NotEligible,
)
from jiangxin_desktop.services.registry.search import TraineeRow
from jiangxin_desktop.ui.training.class_actions import may_enter
from jiangxin_desktop.ui.widgets.error_dialogs import confirm, show_known_error
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE, WARNING_COLOR, WARNING_STYLE
from jiangxin_desktop.ui.widgets.tables import make_read_only_list
from jiangxin_desktop.ui.registry.trainee_picker import TraineePicker

NAME, ID, GROUP, EVIDENCE, SUBSIDISED, WARNINGS = range(6)


class EnrolmentTab(QWidget):
    changed = Signal()  # someone enrolled or withdrew
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: ClassRecord | None = None
        self.chosen: TraineeRow | None = None
        self.dialog: ReasonDialog | None = None
        groups = ctx.codes["target_group"]
        self.model: RecordTableModel[EnrollmentRecord] = RecordTableModel(
            [
                self.tr("姓名"),
                self.tr("公民身份号码"),
                self.tr("人员类别"),
                self.tr("证明材料"),
                self.tr("享受补贴"),
                self.tr("提示"),
            ],
            self._cell,
            lambda r: r.uuid,
            self,
        )
        self.model.colour = lambda r, c: (
            WARNING_COLOR if c == WARNINGS or (c == EVIDENCE and r.evidence_missing) else None
        )
        self.groups = groups

        self.picker = TraineePicker(ctx.search, groups, self)
        self.picker.picked.connect(self.choose)
        self.chosen_label = QLabel(self.tr("尚未选择学员"), self)
        self.chosen_label.setWordWrap(True)
        self.subsidised_box = QCheckBox(self.tr("享受补贴"), self)
        self.subsidised_box.setChecked(True)
        self.subsidised_box.setToolTip(self.tr("不享受补贴的学员也可报名（例如已享受过补贴的人员自费参加）"))
        self.subsidised_box.toggled.connect(lambda _on: self._check())
        self.enrol_button = QPushButton(self.tr("报名"), self)
        self.enrol_button.setAutoDefault(False)
        self.enrol_button.clicked.connect(self.enrol)
        self.verdict_label = QLabel(self)
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.blocked_label = QLabel(self)
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet(WARNING_STYLE)

        self.add_box = QGroupBox(self.tr("添加学员"), self)
        side = QVBoxLayout()
        side.addWidget(self.chosen_label)
        options = QHBoxLayout()
        options.addWidget(self.subsidised_box)
        options.addStretch(1)
        options.addWidget(self.enrol_button)
        side.addLayout(options)
        side.addWidget(self.verdict_label, 1)
        add = QHBoxLayout(self.add_box)
        add.addWidget(self.picker, 1)
        add.addLayout(side, 1)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for column, sample in (
            (NAME, "阿依古丽·买买提"),
            (ID, "000000********0000"),
            (GROUP, "离校未就业高校毕业生"),
            (EVIDENCE, "失业登记证 SY20****01"),
            (SUBSIDISED, "享受补贴"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.table.horizontalHeader().setSectionResizeMode(WARNINGS, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.count_label = QLabel(self)
        self.missing_box = QCheckBox(self.tr("只看缺证明材料"), self)
        self.missing_box.setToolTip(
            self.tr("只列出待补证明材料的学员：已报名，补齐证明材料后才能申请补贴")
        )
        self.missing_box.toggled.connect(lambda _on: self._reload_rows())
        self.evidence_button = QPushButton(self.tr("补证明材料…"), self)
        self.evidence_button.setAutoDefault(False)
        self.evidence_button.clicked.connect(self.supply_evidence)
        self.withdraw_button = QPushButton(self.tr("退学…"), self)
        self.withdraw_button.setAutoDefault(False)
        self.withdraw_button.clicked.connect(self.withdraw_selected)

        self.import_button = QPushButton(self.tr("导入名册…"), self)
        self.import_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.import_roster)
        self.export_button = QPushButton(self.tr("导出花名册…"), self)
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export_roster)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.missing_box)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.evidence_button)
        bottom.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.blocked_label)
        layout.addWidget(self.add_box)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _cell(self, r: EnrollmentRecord, column: int) -> str:
        if column == NAME:
            return r.trainee_name
        if column == ID:
            return mask_id(r.trainee_id_number)
        if column == GROUP:
            return self.groups.label(r.target_group) or r.target_group
        if column == EVIDENCE:
            if r.evidence_missing:
                given = f"{r.evidence_type or ''} {mask_card(r.evidence_number or '')}".strip()
                return self.tr("待补证明材料") + (f"（{given}）" if given else "")
            if not r.evidence_type:
                return self.tr("无需")
            number = mask_card(r.evidence_number or "")
            return f"{r.evidence_type} {number}".strip()
        if column == SUBSIDISED:
            return self.tr("是") if r.subsidised else self.tr("否")
        if column == WARNINGS:
            return "；".join(r.warnings)
        return ""

    # --- loading ------------------------------------------------------------------------------
    def load(self, record: ClassRecord) -> None:
        self.record = record
        self._reload_rows()
        why = may_enter(self.ctx.user)
        if why is None and record.status not in ENROLLING:
            why = self.tr("培训班已{state}，不能再报名").format(state=STATUS_LABELS[record.status])
        self.blocked_label.setText(why or "")
        self.blocked_label.setVisible(bool(why))
        self.add_box.setEnabled(why is None)
        self.import_button.setEnabled(why is None)
        self.import_button.setToolTip(
            why or self.tr("从 Excel、WPS 或 LibreOffice 表格导入学员，先预览再导入")
        )
        self._check()
        self._update_buttons()

    def _reload_rows(self) -> None:
        """The class's enrolments, or only those 待补证明材料 when the box is ticked."""
        if self.record is None:
            return
        rows = self.ctx.enrollments.list(self.record.uuid)
        missing = [r for r in rows if r.evidence_missing]
        self.model.set_rows(missing if self.missing_box.isChecked() else rows)
        capacity = self.record.capacity
        text = self.tr("已报名 {n} 人 / 计划 {capacity} 人").format(n=len(rows), capacity=capacity)
        if missing:
            text += self.tr("，其中 {m} 人待补证明材料").format(m=len(missing))
        self.count_label.setText(text)

    def _update_buttons(self) -> None:
        index = self.table.selectionModel().currentIndex()
        why = may_enter(self.ctx.user)
        if why is None and not index.isValid():
            why = self.tr("请先在列表中选择一位学员")
        self.withdraw_button.setEnabled(why is None)
        self.withdraw_button.setToolTip(why or "")
        if why is None and not self.model.row_at(index.row()).evidence_missing:
            why = self.tr("所选学员的证明材料已齐全")
        self.evidence_button.setEnabled(why is None)
        self.evidence_button.setToolTip(why or self.tr("补填所选学员的证明材料，补齐后才能申请补贴"))

    # --- rosters ------------------------------------------------------------------------------
    def import_roster(self) -> None:
        from jiangxin_desktop.ui.exchange.roster_import_dialog import RosterImportDialog

        dialog = RosterImportDialog(self.ctx, self.record, self)
        dialog.exec()
        if dialog.done_result is not None and dialog.done_result.imported:
            self._reload()
            self.changed.emit()
            self.message.emit(self.tr("已从名册导入 {n} 人。").format(n=dialog.done_result.imported))

    def export_roster(self) -> Path | None:
        suggested = f"{self.record.code} 花名册.xlsx"
        name, _ = QFileDialog.getSaveFileName(self, self.tr("导出花名册"), suggested, "Excel (*.xlsx)")
        return self.export_to(Path(name)) if name else None

    def export_to(self, out: Path) -> Path | None:
        from jiangxin_desktop.ui.training.class_printing import run_in_worker

        code, exports = self.record.code, self.ctx.class_exports()
        kind, result = run_in_worker(  # in a worker with progress: the window never freezes
            self,
            self.tr("导出花名册"),
            self.tr("正在导出 {code} 的花名册……").format(code=code),
            lambda report: exports.export_roster(code, out, progress=report),
            error_title=self.tr("花名册没有导出"),
        )
        if kind != "finished" or not isinstance(result, dict):
            return None
        note = (
            self.tr("（证件号码和电话已脱敏）")
            if result["masked"]
            else self.tr("（完整号码，已记入操作日志）")
        )
        self.message.emit(self.tr("已导出花名册：{file}").format(file=out) + note)
        return out

    # --- adding -------------------------------------------------------------------------------
    def choose(self, row: TraineeRow) -> None:
        self.chosen = row
        group = self.groups.label(row.target_group) if row.target_group else self.tr("未填人员类别")
        self.chosen_label.setText(
            self.tr("已选：{name}（{id}），{group}").format(
                name=row.name, id=mask_id(row.id_number), group=group
            )
        )
        self._check()
        self.enrol_button.setFocus()

    def _input(self) -> EnrollInput | None:
        if self.chosen is None:
            return None
        return EnrollInput(self.chosen.uuid, subsidised=self.subsidised_box.isChecked())

    def _check(self) -> None:
        """Say before 报名 whether the chosen person may join, and why not."""
        data = self._input()
        if data is None or self.record is None:
            self._show_verdict(None)
            self.enrol_button.setEnabled(False)
            self.enrol_button.setToolTip(self.tr("请先在左侧找到并选择一位已登记的学员"))
            return
        try:
            verdict = self.ctx.enrollments.check(self.record.uuid, data)
        except KnownError as exc:
            self._show_verdict(None, exc.message)
            self.enrol_button.setEnabled(False)
            return
        self._show_verdict(verdict)
        self.enrol_button.setEnabled(verdict.ok)
        self.enrol_button.setToolTip("" if verdict.ok else self.tr("不符合报名条件，原因见下方"))

    def _show_verdict(self, verdict: Eligibility | None, error: str = "") -> None:
        if error or (verdict and verdict.problems):
            problems = [error] if error else verdict.problems if verdict else []
            text = self.tr("不能报名：") + "".join(f"\n· {p}" for p in problems)
            if verdict and verdict.warnings:
                text += "\n" + self.tr("另请注意：") + "".join(f"\n· {w}" for w in verdict.warnings)
            self.verdict_label.setStyleSheet(ERROR_STYLE)
        elif verdict and verdict.warnings:
            text = self.tr("可以报名，但请注意（报名时需确认）：") + "".join(
                f"\n· {w}" for w in verdict.warnings
            )
            self.verdict_label.setStyleSheet(WARNING_STYLE)
        elif verdict:
            text = self.tr("符合报名条件。")
            self.verdict_label.setStyleSheet("")
        else:
            text = ""
        self.verdict_label.setText(text)

    def enrol(self) -> None:
        data = self._input()
        if data is None or self.record is None or self.chosen is None:
            return
        name = self.chosen.name
        try:
            try:
                self.ctx.enrollments.enroll(self.record.uuid, data)
            except NeedsConfirmation as exc:
                warnings = "".join(f"\n· {w}" for w in exc.eligibility.warnings)
                question = self.tr(
                    "{name} 报名时有以下情况：{warnings}\n\n确认后仍可报名，提示会随报名记录保存。"
                ).format(name=name, warnings=warnings)
                if not confirm(self, self.tr("确认报名"), question, self.tr("仍然报名")):
                    return
                self.ctx.enrollments.enroll(self.record.uuid, data, confirmed=True)
        except NotEligible as exc:
            self._show_verdict(exc.eligibility)
            self.enrol_button.setEnabled(False)
            return
        except KnownError as exc:  # evidence missing, class full meanwhile, already enrolled
            show_known_error(self, exc, title=self.tr("未能报名"))
            return
        self.chosen = None
        self.chosen_label.setText(self.tr("已为 {name} 报名。可以继续查找下一位学员。").format(name=name))
        self.picker.reset()
        self._reload()
        self.message.emit(self.tr("已为 {name} 报名").format(name=name))

    def _reload(self) -> None:
        if self.record is not None:
            self.record = self.ctx.classes.get(self.record.uuid)
            self.load(self.record)
            self.changed.emit()

    def supply_evidence(self, evidence: tuple[str, str] | None = None) -> bool:
        """补证明材料 for the selected enrolment (``evidence``: type and number, without asking)."""
        from jiangxin_desktop.ui.training.evidence_dialog import supply_evidence

        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or self.record is None:
            return False
        row = self.model.row_at(index.row())
        if not supply_evidence(self, self.ctx, self.record.uuid, row, evidence):
            return False
        self._reload()
        self.message.emit(self.tr("已为 {name} 补填证明材料").format(name=row.trainee_name))
        return True

    # --- withdrawing --------------------------------------------------------------------------
    def withdraw_selected(self) -> None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or may_enter(self.ctx.user) is not None:
            return
        row = self.model.row_at(index.row())
        dialog = ReasonDialog(
            self.tr("退学"),
            self.tr("确定让 {name}（{id}）退学吗？退学会记入操作日志，之后可以重新报名。").format(
                name=row.trainee_name, id=mask_id(row.trainee_id_number)
            ),
            self.tr("退学原因"),
            self.tr("必填，例如：本人申请、外出务工"),
            self.tr("退学"),
            self,
        )
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._withdraw(row, dialog.reason()))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: ReasonDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _withdraw(self, row: EnrollmentRecord, reason: str) -> None:
        try:
            self.ctx.enrollments.withdraw(row.uuid, reason)
        except KnownError as exc:
            show_known_error(self, exc)
            return
        self._reload()
        self.message.emit(self.tr("{name} 已退学").format(name=row.trainee_name))
