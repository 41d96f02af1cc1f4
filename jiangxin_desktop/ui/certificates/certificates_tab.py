"""证书 tab of a class: the class's certificates; 发证, 补发, 撤销 and 打印证书.

Buttons follow the roles (经办人/管理员 issue, reprint and print; 审核人/管理员 revoke) and say
why when they are disabled; the service checks the same rules again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.certificates.issuing import CertificateRecord, IssueResult
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.services.security.roles import ROLE_LABELS
from jiangxin_desktop.ui.training.class_printing import run_in_worker
from jiangxin_desktop.ui.widgets.error_dialogs import confirm, show_known_error
from jiangxin_desktop.ui.certificates.issue_dialog import IssueDialog
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR, WARNING_STYLE
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

NUMBER, NAME, ID, KIND, DATE, STATUS, REISSUED = range(7)
ISSUING = ("clerk", "admin")  # also 补发 and printing
REVOKING = ("reviewer", "admin")
CERTIFICATE_PRINTING = ISSUING


class CertificatesTab(QWidget):
    changed = Signal()
    message = Signal(str)
    print_requested = Signal(object)  # certificate numbers, or None for all valid ones

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: ClassRecord | None = None
        self.model: RecordTableModel[CertificateRecord] = RecordTableModel(
            [
                self.tr("证书编号"),
                self.tr("姓名"),
                self.tr("公民身份号码"),
                self.tr("证书类型"),
                self.tr("发证日期"),
                self.tr("状态"),
                self.tr("补发次数"),
            ],
            self._cell,
            lambda r: r.number,
            self,
        )
        self.model.colour = lambda r, _c: INACTIVE_COLOR if r.status == "revoked" else None
        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for column, sample in (
            (NUMBER, "320706001-2026-000001"),
            (NAME, "阿依古丽·买买提"),
            (ID, "000000********0000"),
            (KIND, "专项职业能力证书"),
            (DATE, "2026-12-31"),
            (STATUS, "已撤销"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.table.horizontalHeader().setSectionResizeMode(REISSUED, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.blocked_label = QLabel(self)
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet(WARNING_STYLE)
        self.count_label = QLabel(self)
        self.issue_button = self._button(self.tr("发证"), self.issue)
        self.reprint_button = self._button(self.tr("补发…"), self.reprint_selected)
        self.revoke_button = self._button(self.tr("撤销…"), self.revoke_selected)
        self.print_button = self._button(self.tr("打印证书"), self.print_chosen)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        for button in (self.issue_button, self.reprint_button, self.revoke_button, self.print_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.blocked_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _cell(self, r: CertificateRecord, column: int) -> str:
        if column == NUMBER:
            return r.number
        if column == NAME:
            return r.trainee_name
        if column == ID:
            return mask_id(r.trainee_id_number)
        if column == KIND:
            return r.certificate_type_label or r.certificate_type
        if column == DATE:
            return r.issue_date.isoformat()
        if column == STATUS:
            return r.status_label
        if column == REISSUED:
            if not r.reissue_count:
                return "0"
            return self.tr("{n}（最近 {day}）").format(
                n=r.reissue_count, day=r.reissued_on.isoformat() if r.reissued_on else ""
            )
        return ""

    # --- loading ------------------------------------------------------------------------------
    def load(self, record: ClassRecord) -> None:
        self.record = record
        try:
            rows = self.ctx.certificates.list(record.code)
        except KnownError as exc:
            rows = []
            self.blocked_label.setText(exc.message)
        else:
            if rows:
                self.blocked_label.setText("")
            elif record.status == "finished":
                self.blocked_label.setText(self.tr("本班尚未发证：点“发证”为考核合格的学员发放证书。"))
            else:
                self.blocked_label.setText(self._not_finished())
        self.blocked_label.setVisible(bool(self.blocked_label.text()))
        self.model.set_rows(rows)
        valid = sum(1 for r in rows if r.status == "valid")
        self.count_label.setText(
            self.tr("共 {n} 张证书，有效 {valid} 张，已撤销 {revoked} 张").format(
                n=len(rows), valid=valid, revoked=len(rows) - valid
            )
        )
        self._update_buttons()

    def _not_finished(self) -> str:
        assert self.record is not None
        return self.tr("本班现在是“{state}”，结业后才能为考核合格的学员发证。").format(
            state=self.record.status_label
        )

    def selected(self) -> list[CertificateRecord]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def current(self) -> CertificateRecord | None:
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def _role_block(self, roles: tuple[str, ...], what: str) -> str | None:
        user = self.ctx.user
        if user is not None and user.role in roles:
            return None
        who = self.tr("或").join(ROLE_LABELS[r] for r in roles)
        mine = ROLE_LABELS.get(user.role, user.role) if user else self.tr("未登录")
        return self.tr("{what}由{who}办理；您的角色是{mine}").format(what=what, who=who, mine=mine)

    def _update_buttons(self) -> None:
        record = self.record
        one = self.current()
        pick = self.tr("请先在列表中选择一张有效证书")

        issue = self._role_block(ISSUING, self.tr("发证"))
        if issue is None and record is not None and record.status != "finished":
            issue = self._not_finished()
        reprint = self._role_block(ISSUING, self.tr("补发"))
        if reprint is None and (one is None or one.status != "valid"):
            reprint = pick
        revoke = self._role_block(REVOKING, self.tr("撤销证书"))
        if revoke is None and (one is None or one.status != "valid"):
            revoke = pick
        printing = self._role_block(ISSUING, self.tr("打印证书"))
        valid_rows = [r for r in self.model.rows if r.status == "valid"]
        chosen_valid = [r for r in self.selected() if r.status == "valid"]
        if printing is None and not valid_rows:
            printing = self.tr("本班还没有有效证书")
        self.print_button.setText(
            self.tr("打印选中证书（{n}）").format(n=len(chosen_valid))
            if chosen_valid
            else self.tr("打印证书")
        )
        for button, why, tip in (
            (
                self.issue_button,
                issue,
                self.tr("为考核合格、尚无证书的学员发证；发证日期可选，默认为结业日期"),
            ),
            (self.reprint_button, reprint, self.tr("编号不变，证书上注明“补发”")),
            (self.revoke_button, revoke, self.tr("撤销后证书不再有效，核验时显示已撤销")),
            (self.print_button, printing, self.tr("打印选中的有效证书；未选择时打印全部有效证书")),
        ):
            button.setEnabled(why is None)
            button.setToolTip(why or tip)

    # --- actions ------------------------------------------------------------------------------
    def issue(self) -> IssueResult | None:
        record = self.record
        if record is None:
            return None
        ask = IssueDialog(record, self.ctx.acting.today(), self)
        if ask.exec() != IssueDialog.DialogCode.Accepted:
            return None
        day = ask.issue_date()
        kind, value = run_in_worker(  # in a worker with progress: the window never freezes
            self,
            self.tr("正在发证"),
            self.tr("正在为培训班 {code} 发放证书……").format(code=record.code),
            lambda report: self.ctx.certificates.issue(record.code, issue_date=day, progress=report),
            error_title=self.tr("没有发证"),
        )
        if kind == "cancelled":
            self.message.emit(self.tr("已取消发证，没有发出任何证书"))
        if kind != "finished":
            return None
        assert isinstance(value, IssueResult)
        result = value
        self._reload()
        text = self.tr("已发放 {n} 张证书。").format(n=len(result.issued))
        if result.note:
            text += "\n" + result.note
        if result.skipped:
            reasons = "\n".join(
                self.tr("· {name}：{reason}").format(name=s.name, reason=s.reason) for s in result.skipped
            )
            text += "\n\n" + self.tr("以下 {n} 人没有发证：").format(n=len(result.skipped)) + "\n" + reasons
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("发证结果"), text, parent=self)
        print_now = box.addButton(self.tr("打印证书"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(self.tr("以后再打印"), QMessageBox.ButtonRole.RejectRole))
        print_now.setVisible(bool(result.issued))
        box.exec()
        self.message.emit(text.splitlines()[0])
        if box.clickedButton() is print_now:
            self.print_requested.emit([r.number for r in result.issued])
        return result

    def reprint_selected(self) -> CertificateRecord | None:
        row = self.current()
        if row is None:
            return None
        done = self._with_reason(
            self.ctx.certificates.reprint,
            row,
            self.tr("补发证书"),
            self.tr("为 {name}（{id}）补发证书 {number} 吗？编号不变，新证书上注明“补发”，原证仍可核验。"),
            (self.tr("补发原因"), self.tr("必填，例如：原证遗失、污损"), self.tr("补发")),
            self.tr("没有补发"),
        )
        if done is None:
            return None
        self.message.emit(
            self.tr("证书 {number} 已登记第 {n} 次补发").format(number=done.number, n=done.reissue_count)
        )
        if confirm(
            self,
            self.tr("打印补发的证书"),
            self.tr("已登记补发。现在打印 {name} 的证书 {number} 吗？").format(
                name=done.trainee_name, number=done.number
            ),
            self.tr("打印"),
        ):
            self.print_requested.emit([done.number])
        return done

    def revoke_selected(self) -> CertificateRecord | None:
        row = self.current()
        if row is None:
            return None
        done = self._with_reason(
            self.ctx.certificates.revoke,
            row,
            self.tr("撤销证书"),
            self.tr(
                "确定撤销 {name}（{id}）的证书 {number} 吗？\n"
                "撤销后证书不再有效、不能恢复，核验时显示已撤销；此操作记入操作日志。"
            ),
            (self.tr("撤销原因"), self.tr("必填，例如：考核材料不实"), self.tr("撤销证书")),
            self.tr("没有撤销"),
        )
        if done is not None:
            self.message.emit(self.tr("证书 {number} 已撤销").format(number=done.number))
        return done

    def _with_reason(
        self,
        action: Callable[[str, str], CertificateRecord],
        row: CertificateRecord,
        title: str,
        question: str,
        reason_texts: tuple[str, str, str],
        failed_title: str,
    ) -> CertificateRecord | None:
        """Ask for a reason (``question`` filled with the row), run ``action``, reload the list."""
        label, hint, ok = reason_texts
        question = question.format(
            name=row.trainee_name, id=mask_id(row.trainee_id_number), number=row.number
        )
        dialog = ReasonDialog(title, question, label, hint, ok, self)
        if dialog.exec() != ReasonDialog.DialogCode.Accepted:
            return None
        try:
            done = action(row.number, dialog.reason())
        except KnownError as exc:
            show_known_error(self, exc, title=failed_title)
            return None
        self._reload()
        return done

    def print_chosen(self) -> None:
        chosen = [r.number for r in self.selected() if r.status == "valid"]
        self.print_requested.emit(chosen or None)

    def _reload(self) -> None:
        if self.record is not None:
            self.record = self.ctx.classes.get(self.record.uuid)
            self.load(self.record)
            self.changed.emit()
