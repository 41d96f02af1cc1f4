"""考核 tab of a class: theory and practical scores per trainee, the result, and 补考 after a fail."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.class_lifecycle import ASSESSING
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.attendance import RESULT_LABELS, AssessmentRecord, RateRow
from jiangxin_desktop.services.training.class_records import STATUS_LABELS, ClassRecord
from jiangxin_desktop.services.training.enrollment import EnrollmentRecord
from jiangxin_desktop.ui.training.class_actions import may_enter
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR, ERROR_STYLE
from jiangxin_desktop.ui.widgets.tables import make_read_only_list
from jiangxin_desktop.ui.training.timetable_generator import date_edit, to_date

NAME, ID, RATE, THEORY, PRACTICAL, RESULT, ATTEMPT, DAY = range(8)


@dataclass(frozen=True)
class ScoreRow:
    enrolment: EnrollmentRecord
    rate: RateRow | None
    latest: AssessmentRecord | None


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class AssessmentTab(QWidget):
    changed = Signal()
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: ClassRecord | None = None
        self.certified: dict[str, str] = {}  # enrolment → its valid certificate's number
        self.model: RecordTableModel[ScoreRow] = RecordTableModel(
            [
                self.tr("姓名"),
                self.tr("公民身份号码"),
                self.tr("出勤率"),
                self.tr("理论成绩"),
                self.tr("实操成绩"),
                self.tr("考核结果"),
                self.tr("考核次数"),
                self.tr("考核日期"),
            ],
            self._cell,
            lambda r: r.enrolment.uuid,
            self,
        )
        self.model.colour = lambda r, c: (
            ERROR_COLOR if c == RESULT and r.latest and r.latest.result == "fail" else None
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        self.table.setAlternatingRowColors(True)
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for column, sample in (
            (ID, "000000********0000"),
            (RATE, "出勤率"),
            (THEORY, "理论成绩"),
            (PRACTICAL, "实操成绩"),
            (RESULT, "不合格"),
            (ATTEMPT, "第 2 次（补考）"),
            (DAY, "0000-00-00"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())

        self.blocked_label = QLabel(self)
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet(ERROR_STYLE)
        self.theory_edit = QLineEdit(self)
        self.practical_edit = QLineEdit(self)
        for edit in (self.theory_edit, self.practical_edit):
            edit.setMaxLength(6)
            edit.setPlaceholderText(self.tr("0–100，可不填"))
            edit.textChanged.connect(lambda _t: self._preview())
        self.theory_edit.returnPressed.connect(self.practical_edit.setFocus)
        self.practical_edit.returnPressed.connect(self.save)
        self.result_combo = CodeCombo(None, self)
        self.result_combo.currentIndexChanged.connect(lambda _i: self._preview())
        self.day_edit = date_edit(self)
        today = ctx.acting.today()
        self.day_edit.setDate(QDate(today.year, today.month, today.day))
        self.preview_label = QLabel(self)
        self.preview_label.setWordWrap(True)
        # Room for three lines whatever it says, so that 保存成绩 below never moves under the mouse.
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.preview_label.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 4)
        self.save_button = QPushButton(self.tr("保存成绩"), self)
        self.retake_button = QPushButton(self.tr("记录补考"), self)
        for button in (self.save_button, self.retake_button):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        self.retake_button.clicked.connect(lambda: self.save(retake=True))

        self.editor = QGroupBox(self.tr("成绩"), self)
        form = QFormLayout(self.editor)
        form.addRow(self.tr("理论成绩"), self.theory_edit)
        form.addRow(self.tr("实操成绩"), self.practical_edit)
        form.addRow(self.tr("考核结果"), self.result_combo)
        form.addRow(self.tr("考核日期"), self.day_edit)
        form.addRow("", self.preview_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.retake_button)
        form.addRow("", buttons)
        self.editor.setFixedWidth(metrics.horizontalAdvance("中") * 20)

        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.addWidget(self.blocked_label)
        layout.addLayout(body, 1)

    def _cell(self, r: ScoreRow, column: int) -> str:
        latest = r.latest
        if column == NAME:
            return r.enrolment.trainee_name
        if column == ID:
            return mask_id(r.enrolment.trainee_id_number)
        if column == RATE:
            return f"{r.rate.rate:.0%}" if r.rate else ""
        if latest is None:
            return self.tr("未考核") if column == RESULT else ""
        if column == THEORY:
            return _score(latest.theory_score)
        if column == PRACTICAL:
            return _score(latest.practical_score)
        if column == RESULT:
            return RESULT_LABELS.get(latest.result, latest.result)
        if column == ATTEMPT:
            return (
                self.tr("第 {n} 次（补考）").format(n=latest.attempt)
                if latest.attempt > 1
                else self.tr("第 1 次")
            )
        if column == DAY:
            return latest.assessed_on.isoformat()
        return ""

    # --- loading ------------------------------------------------------------------------------
    def load(self, record: ClassRecord) -> None:
        self.record = record
        pass_score = self.ctx.catalogs.active().rules.assessment_pass_score
        self.result_combo.set_items(
            [
                (self.tr("按成绩判定（{p:g} 分及格）").format(p=pass_score), "auto"),
                *((label, code) for code, label in RESULT_LABELS.items()),
            ]
        )
        rates = {r.enrollment_uuid: r for r in self.ctx.attendance.rates(record.uuid)}
        latest = self.ctx.attendance.assessments(record.uuid)
        current = self.table.currentIndex().row()
        self.model.set_rows(
            [
                ScoreRow(e, rates.get(e.uuid), latest.get(e.uuid))
                for e in self.ctx.enrollments.list(record.uuid)
            ]
        )
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(max(0, min(current, self.model.rowCount() - 1)), 0))
        self.certified = self.ctx.attendance.certified(record.uuid)
        why = may_enter(self.ctx.user)
        if why is None and record.status not in ASSESSING:
            why = self.tr("本班现在是“{state}”，培训开始后才能记录考核成绩").format(
                state=STATUS_LABELS[record.status]
            )
        if why is None:  # the last session has not come yet
            why = self.ctx.attendance.assessment_block(record.uuid)
        self.blocked_label.setText(why or "")
        self.blocked_label.setVisible(bool(why))
        self.editor.setEnabled(why is None)
        self.editor.setToolTip(why or "")
        self._selected()

    def current(self) -> ScoreRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self) -> None:
        row = self.current()
        latest = row.latest if row else None
        self.theory_edit.setText(_score(latest.theory_score) if latest else "")
        self.practical_edit.setText(_score(latest.practical_score) if latest else "")
        self.result_combo.set_value("auto")
        if latest is not None:
            self.day_edit.setDate(
                QDate(latest.assessed_on.year, latest.assessed_on.month, latest.assessed_on.day)
            )
        self.editor.setTitle(
            self.tr("成绩：{name}").format(name=row.enrolment.trainee_name) if row else self.tr("成绩")
        )
        if row is None:
            why: str | None = self.tr("请先在列表中选择一位学员")
        elif latest is None:
            why = self.tr("还没有考核成绩；首次考核请用“保存成绩”")
        elif latest.result != "fail":
            why = self.tr("考核合格，无需补考")
        else:
            why = None
        number = self.certified.get(row.enrolment.uuid) if row else None
        certified = (
            self.tr("已按此结果发证书 {number}；更正考核结果须先由审核人撤销该证书").format(number=number)
            if number
            else None
        )
        self.retake_button.setEnabled(why is None and certified is None)
        self.retake_button.setToolTip(certified or why or "")
        self.save_button.setEnabled(row is not None and certified is None)
        self.save_button.setToolTip(
            certified or (self.tr("将更正第 {n} 次考核的成绩").format(n=latest.attempt) if latest else "")
        )
        self._preview()

    # --- saving -------------------------------------------------------------------------------
    def _scores(self) -> tuple[float | None, float | None, str | None]:
        """(theory, practical, problem) from the two boxes."""
        values: list[float | None] = []
        for label, edit in (
            (self.tr("理论成绩"), self.theory_edit),
            (self.tr("实操成绩"), self.practical_edit),
        ):
            text = edit.text().strip()
            if not text:
                values.append(None)
                continue
            try:
                values.append(float(text))
            except ValueError:
                return None, None, self.tr("{label}“{text}”不是数字").format(label=label, text=text)
        return values[0], values[1], None

    def _preview(self) -> None:
        theory, practical, problem = self._scores()
        choice = self.result_combo.value()
        if problem:
            text, style = problem, ERROR_STYLE
        elif choice in RESULT_LABELS:
            text, style = self.tr("结果：{r}（手动选择）").format(r=RESULT_LABELS[choice]), ""
        elif theory is None and practical is None:
            text, style = self.tr("请填写理论或实操成绩，或直接选择考核结果"), ""
        else:
            pass_score = self.ctx.catalogs.active().rules.assessment_pass_score
            ok = all(x >= pass_score for x in (theory, practical) if x is not None)
            text, style = self.tr("结果：{r}").format(r=RESULT_LABELS["pass" if ok else "fail"]), ""
        self.preview_label.setText(text)
        self.preview_label.setStyleSheet(style)

    def save(self, retake: bool = False) -> None:
        row = self.current()
        if row is None or may_enter(self.ctx.user) is not None:
            return
        theory, practical, problem = self._scores()
        if problem:
            self.theory_edit.setFocus()
            return
        choice = self.result_combo.value()
        try:
            saved = self.ctx.attendance.record_assessment(
                row.enrolment.uuid,
                theory=theory,
                practical=practical,
                assessed_on=to_date(self.day_edit.date()),
                result=choice if choice in RESULT_LABELS else None,
                retake=retake,
            )
        except KnownError as exc:  # scores out of range, class not started, no retake after a pass
            show_known_error(self, exc, title=self.tr("未能保存成绩"))
            return
        name = row.enrolment.trainee_name
        self.message.emit(
            self.tr("已保存 {name} 的考核成绩：{r}").format(
                name=name, r=RESULT_LABELS.get(saved.result, saved.result)
            )
        )
        index = self.model.row_of(row.enrolment.uuid) or 0
        if self.record is not None:
            self.load(self.record)
        if index + 1 < self.model.rowCount():  # on to the next trainee, as with a paper list
            self.table.setCurrentIndex(self.model.index(index + 1, 0))
        self.theory_edit.setFocus()
        self.theory_edit.selectAll()
        self.changed.emit()
