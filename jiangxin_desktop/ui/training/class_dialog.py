"""新建培训班 / 修改培训班: the form and its timetable, checked while typing against the catalog.

Field errors (the service's ``check``) block saving and are shown next to the field; the
catalog's opening rules (hours per level, sessions adding up, shares adding up to the fee)
are shown as things to fix before the reviewer opens the class — a draft may be saved
with them, so that half-finished work is never lost.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.errors import FieldError, KnownError, ValidationError
from jiangxin_desktop.services.training.class_records import (
    CLASS_LABELS,
    ClassInput,
    ClassRecord,
    SessionInput,
    SessionRecord,
)
from jiangxin_desktop.services.training.class_checks import fen
from jiangxin_desktop.services.catalog.training import TrainingCatalog
from jiangxin_desktop.ui.training.class_form import MONEY, ClassForm
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.widgets.form_keys import FormKeysDialog
from jiangxin_desktop.ui.widgets.screen_fit import fit_to_screen
from jiangxin_desktop.ui.widgets.styles import BANNER_STYLE, ERROR_STYLE, WARNING_STYLE
from jiangxin_desktop.ui.training.timetable_editor import TimetableEditor
from jiangxin_desktop.ui.training.timetable_generator import to_date

SESSIONS = CLASS_LABELS["sessions"]


def catalog_note(catalog: TrainingCatalog, tr) -> str:
    """The catalog in use, and plainly whether it is only the shipped example."""
    if catalog.example:
        return tr(
            "培训目录：{version}。这是程序自带的示例目录，其中的项目、职业、承训机构和规则都是示例，"
            "不是连云港市发布的正式目录；正式目录由管理员导入后替换。"
        ).format(version=catalog.version)
    return tr("培训目录：{version}").format(version=catalog.version)


def preview_record(values: dict, data: ClassInput) -> ClassRecord:
    """An unsaved class as the service would store it, to list what stops it from opening."""
    fields = dict(values)
    teachers = tuple(json.loads(fields.pop("teachers_json")))
    ordered = sorted(data.sessions, key=lambda s: (s.day, s.start_time))
    sessions = tuple(
        SessionRecord("", n, s.day, s.start_time, s.end_time, s.hours, s.teacher, s.topic)
        for n, s in enumerate(ordered, start=1)
    )
    return ClassRecord(
        uuid="",
        code="",
        status="draft",
        review_note=None,
        approved_by=None,
        approved_at=None,
        version=0,
        created_by="",
        created_at="",
        updated_at="",
        teachers=teachers,
        sessions=sessions,
        **fields,
    )


class ClassDialog(FormKeysDialog):
    """New class when ``record`` is None, else editing that draft. ``saved_record`` after accept."""

    def __init__(
        self, ctx: AppContext, record: ClassRecord | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.saved_record: ClassRecord | None = None
        self.catalog = ctx.catalogs.active()
        self.touched: set[str] = set()
        self.edited = False
        self.errors: list[FieldError] = []
        self.problems: list[str] = []

        self.form = ClassForm(ctx.codes, self.catalog, self, today=ctx.acting.today())
        self.timetable = TimetableEditor(self)
        self.timetable.first_day = self.form.start_date
        self.timetable.teacher_hint = self.form.first_teacher
        self.form.changed.connect(self._on_changed)
        self.timetable.changed.connect(lambda: self._on_changed(SESSIONS))
        self.timetable.generated.connect(self._after_generating)

        self.catalog_label = QLabel(catalog_note(self.catalog, self.tr), self)
        self.catalog_label.setWordWrap(True)
        banner = QFrame(self)
        banner.setObjectName("banner")
        banner.setStyleSheet(BANNER_STYLE if self.catalog.example else "")
        QHBoxLayout(banner).addWidget(self.catalog_label)
        if record is not None and record.review_note:
            self.catalog_label.setText(
                self.tr("审核人退回意见：{note}").format(note=record.review_note)
                + "\n"
                + self.catalog_label.text()
            )

        self.form_scroll = QScrollArea(self)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setWidget(self.form)
        self.session_errors = QLabel(self)
        self.session_errors.setWordWrap(True)
        self.session_errors.setStyleSheet(ERROR_STYLE)
        self.problems_label = QLabel(self)
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sessions_box = QGroupBox(self.tr("课次安排"), self)
        right = QVBoxLayout(sessions_box)
        right.addWidget(self.timetable, 1)
        right.addWidget(self.session_errors)
        right.addWidget(self.problems_label)

        columns = QHBoxLayout()
        columns.addWidget(self.form_scroll, 5)
        columns.addWidget(sessions_box, 6)
        layout = QVBoxLayout(self)
        layout.addWidget(banner)
        layout.addLayout(columns, 1)
        layout.addLayout(self._build_buttons())

        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.attempt_save)
        if record is not None:
            self.setWindowTitle(self.tr("修改培训班 — {code}").format(code=record.code))
            self.form.load(record)
            self.timetable.set_sessions(
                SessionInput(s.day, s.start_time, s.end_time, s.hours, s.teacher or "", s.topic or "")
                for s in record.sessions
            )
            self.touched = set(self.form.rows) | {SESSIONS}
        else:
            self.setWindowTitle(self.tr("新建培训班"))
        self.edited = False
        self.revalidate()
        fit_to_screen(self, 1240, 720)
        self.form.name_edit.setFocus()

    def _build_buttons(self) -> QHBoxLayout:
        return self.save_row(self.tr("保存草稿 (Ctrl+S)"))

    # --- validation -------------------------------------------------------------------------
    def _on_changed(self, key: str) -> None:
        self.edited = True
        self.touched.add(key)
        self.revalidate()

    def _input(self) -> ClassInput:
        data = self.form.to_input()
        data.sessions = self.timetable.sessions()
        return data

    def revalidate(self) -> list[FieldError]:
        data = self._input()
        values, self.errors = self.ctx.classes.check(data, self.catalog)
        by_field: dict[str, list[str]] = {}
        for error in self.errors:
            by_field.setdefault(error.field, []).append(error.message)
        for key, row in self.form.rows.items():
            messages = by_field.get(key) if key in self.touched else None
            row.set_message("；".join(messages) if messages else None, FieldRow.ERROR)
        session_messages = by_field.get(SESSIONS, [])
        self.session_errors.setText("\n".join(session_messages))
        self.session_errors.setVisible(bool(session_messages))
        self._show_totals(data)
        self._show_problems(values, data)
        labels = list(dict.fromkeys(e.field for e in self.errors))
        reason = (
            self.tr("还有 {n} 项需要修改：{fields}").format(n=len(labels), fields="、".join(labels))
            if labels
            else ""
        )
        self.reason_label.setText(reason)
        self.save_button.setEnabled(not reason)
        self.save_button.setToolTip(reason)
        return self.errors

    def _show_totals(self, data: ClassInput) -> None:
        total = sum(s.hours for s in data.sessions)
        self.timetable.total_label.setText(
            self.tr("{n} 次课，合计 {total} 课时（班级 {hours} 课时）").format(
                n=len(data.sessions), total=total, hours=data.class_hours
            )
        )
        ignored: list[FieldError] = []
        amounts = {key: fen(getattr(data, key), label, ignored) for key, label in MONEY.items()}
        shares = amounts["government"] + amounts["employer"] + amounts["personal"]
        same = shares == amounts["fee"]
        self.form.shares_label.setText(
            self.tr("三项合计 {shares}，{verdict}培训费 {fee}").format(
                shares=yuan_sign(shares),
                fee=yuan_sign(amounts["fee"]),
                verdict=self.tr("等于") if same else self.tr("不等于"),
            )
        )
        self.form.shares_label.setStyleSheet("" if same else WARNING_STYLE)

    def _show_problems(self, values: dict, data: ClassInput) -> None:
        if self.errors:
            self.problems = []
            self.problems_label.setText("")
            return
        self.problems = self.ctx.classes.opening_problems(preview_record(values, data), self.catalog)
        if self.problems:
            self.problems_label.setStyleSheet(WARNING_STYLE)
            self.problems_label.setText(
                self.tr("审核开班前还需解决（草稿可以先保存）：") + "".join(f"\n· {p}" for p in self.problems)
            )
        else:
            self.problems_label.setStyleSheet("")
            self.problems_label.setText(self.tr("已符合目录规则。保存后，审核人可以审核开班。"))

    def _after_generating(self) -> None:
        """A generated timetable fills in the class hours and the end date when they are missing."""
        sessions = self.timetable.sessions()
        if not sessions:
            return
        if self.form.hours_spin.value() == 0:
            self.form.hours_spin.setValue(sum(s.hours for s in sessions))
        last = max(s.day for s in sessions)
        if to_date(self.form.end_edit.date()) < last:
            self.form.set_end_date(last)

    # --- actions ----------------------------------------------------------------------------
    def attempt_save(self) -> None:
        self.touched = set(self.form.rows) | {SESSIONS}
        if self.revalidate():
            first = next((e.field for e in self.errors if e.field in self.form.editors), None)
            if first:
                self.form.editors[first].setFocus()
                self.form_scroll.ensureWidgetVisible(self.form.editors[first])
            return
        data = self._input()
        try:
            if self.record is None:
                saved = self.ctx.classes.create(data)
            else:
                saved = self.ctx.classes.update(self.record.uuid, data, expected_version=self.record.version)
        except ValidationError as exc:
            self.errors = exc.errors
            show_known_error(self, exc, title=self.tr("未能保存"))
            return
        except KnownError as exc:  # permission, edited elsewhere, no longer a draft, storage
            show_known_error(self, exc, title=self.tr("未能保存"))
            return
        self.saved_record = saved
        self.edited = False
        self.accept()

    def reject(self) -> None:
        if self.edited and not self._confirm_discard():
            return
        super().reject()

    def _confirm_discard(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("放弃填写"),
            self.tr("本次填写的培训班内容还没有保存，确定放弃吗？"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        yes = box.addButton(self.tr("放弃"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(self.tr("返回"), QMessageBox.ButtonRole.RejectRole))
        box.exec()
        return box.clickedButton() is yes
