"""导入名册: choose a spreadsheet, see what would happen row by row, then import in one go.

The preview (a dry run of the same service) says how many people would be enrolled and
registered, and lists every duplicate and problem with its row number, column and reason;
the problem list can be saved as a workbook (the original rows plus a reason column) for
the training site to correct. 导入 then writes all valid rows in one transaction.

Values the catalog does not know, headers nobody named and a missing 人员类别 column are
questions (ui/exchange/roster_questions_panel.py): the clerk answers each, previews again with the
answers, and only then can import; the answers are remembered for the station.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_answers import RosterAnswers
from jiangxin_desktop.services.exchange.roster_result import ImportResult
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.exchange.roster_questions_panel import RosterQuestionsPanel
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext
    from jiangxin_desktop.services.training.class_records import ClassRecord

SPREADSHEETS = "表格文件 (*.xlsx *.xls *.ods)"


class RosterImportDialog(QDialog):
    def __init__(self, ctx: AppContext, record: ClassRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.path: Path | None = None
        self.preview: ImportResult | None = None
        self.done_result: ImportResult | None = None
        self.answers = RosterAnswers()  # the clerk's answers to this file's questions
        self.setWindowTitle(self.tr("导入名册 — {name}").format(name=record.name))

        self.file_label = QLabel(self.tr("请选择培训点提供的名册（Excel、WPS 或 LibreOffice 表格）。"))
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.questions = RosterQuestionsPanel(ctx.codes, self)
        self.questions.apply.connect(self.apply_answers)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("行号"), self.tr("类型"), self.tr("列"), self.tr("原因")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, sample in ((0, "00000"), (1, "重复"), (2, "身份证号码（18位）")):
            self.table.setColumnWidth(
                column, metrics.horizontalAdvance(sample) + 3 * metrics.averageCharWidth()
            )

        self.consent_note = QLabel(
            self.tr(
                "导入即表示：名册中新登记的学员已在培训点阅读并签署个人信息处理告知（{version}）。"
            ).format(version=ctx.consent.version)
        )
        self.consent_note.setWordWrap(True)
        self.report_button = QPushButton(self.tr("保存问题清单…"))
        self.report_button.clicked.connect(self.save_report)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.clicked.connect(self.run_import)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.questions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.consent_note)
        layout.addLayout(buttons)
        self.resize(metrics.horizontalAdvance("中") * 56, metrics.height() * 30)
        self._update()

    # --- steps ------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择名册"), "", self.tr(SPREADSHEETS))
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> ImportResult | None:
        """Preview ``path``: nothing is written."""
        if path != self.path:
            self.answers = RosterAnswers()
        self.path, self.preview, self.done_result = path, None, None
        self.file_label.setText(self.tr("名册：{file}").format(file=path))
        self.preview = self._run(dry_run=True, report=None, title=self.tr("正在检查名册"))
        self._show(self.preview)
        return self.preview

    def apply_answers(self) -> ImportResult | None:
        """Preview again with the answers chosen in the questions panel."""
        if self.path is None:
            return None
        self.questions.answers_into(self.answers)
        return self.load(self.path)

    def save_report(self) -> Path | None:
        if self.path is None:
            return None
        suggested = self.path.with_name(self.path.stem + "-问题清单.xlsx")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存问题清单"), str(suggested), "Excel (*.xlsx)")
        return self.write_report(Path(name)) if name else None

    def write_report(self, out: Path) -> Path | None:
        if self._run(dry_run=True, report=out, title=self.tr("正在保存问题清单")) is None:
            return None
        self.summary.setText(self.summary.text() + self.tr("\n问题清单已保存：{file}").format(file=out))
        return out

    def run_import(self) -> ImportResult | None:
        result = self._run(dry_run=False, report=None, title=self.tr("正在导入名册"))
        if result is None:
            return None
        self.done_result = result
        self.preview = None
        self._show(result)
        return result

    # --- helpers ----------------------------------------------------------------------
    def _run(self, *, dry_run: bool, report: Path | None, title: str) -> ImportResult | None:
        assert self.path is not None
        ctx, code, path, answers = self.ctx, self.record.code, self.path, self.answers

        def work(progress: ProgressCallback) -> ImportResult:
            return ctx.roster_importer().run(code, path, dry_run=dry_run, report=report, answers=answers)

        dialog = TaskProgressDialog(title, self.tr("{file}，请稍候……").format(file=path.name), self)
        kind, value = dialog.run(BackgroundTask(work, dialog))
        if kind == "finished":
            assert isinstance(value, ImportResult)
            return value
        if kind == "failed":
            if isinstance(value, KnownError):
                show_known_error(self, value, title=self.tr("名册没有导入"))
                return None
            assert isinstance(value, BaseException)
            raise value
        return None

    def _show(self, result: ImportResult | None) -> None:
        self.table.setRowCount(0)
        self.questions.show_questions(result if result is not None and result.dry_run else None)
        if result is None:
            self.summary.clear()
            self._update()
            return
        if result.dry_run:
            text = self.tr(
                "共 {rows} 行数据：可导入 {n} 人（其中新登记 {new} 人）；重复 {dup} 行不会重复添加；"
                "有问题 {bad} 处，这些行不会导入。"
            )
        else:
            text = self.tr(
                "已导入 {n} 人（其中新登记 {new} 人）；重复 {dup} 行未重复添加；有问题 {bad} 处未导入。"
            )
        text = text.format(
            rows=result.data_rows,
            n=result.imported,
            new=result.registered,
            dup=len(result.duplicates),
            bad=len(result.errors),
        )
        if any(q.get("required") for q in result.missing_columns):
            text = self.tr("名册缺少必需的列，还没有读取任何行。请先在下面指出哪一列是它。")
        elif result.needs_answers:
            text += self.tr("\n另有 {n} 行等待回答下面的问题，回答后才能导入。").format(n=result.waiting)
        if result.remembered:
            text += self.tr("\n所选的对应关系已记住，本站下次导入自动使用。")
        self.summary.setText(text)
        self.summary.setStyleSheet(ERROR_STYLE if result.errors and not result.imported else "")
        items = (
            [(e["row"], self.tr("问题"), e["column"], e["message"]) for e in result.errors]
            + [
                (
                    d["row"],
                    self.tr("重复"),
                    "",
                    self.tr("{id} 已在本班或在表中重复，不会重复添加").format(id=d["id_number"]),
                )
                for d in result.duplicates
            ]
            + [(w["row"], self.tr("提示"), "", w["message"]) for w in result.warnings]
            + [(s["row"], self.tr("不导入"), s["column"], s["message"]) for s in result.skipped]
        )
        items.sort(key=lambda item: item[0])
        self.table.setRowCount(len(items))
        for r, values in enumerate(items):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self._update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()  # long reasons wrap to the new width

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def _update(self) -> None:
        asking = self.preview is not None and self.preview.needs_answers
        ready = self.preview is not None and self.preview.imported > 0 and not asking
        self.import_button.setEnabled(ready)
        if self.preview is not None:
            self.import_button.setText(self.tr("导入 {n} 人").format(n=self.preview.imported))
        else:
            self.import_button.setText(self.tr("导入"))
        why = (
            self.tr("请先回答上方的问题，再按“按所选重新预览”")
            if asking
            else self.tr("请先选择名册；没有可导入的行时不能导入")
        )
        self.import_button.setToolTip("" if ready else why)
        shown = self.preview or self.done_result  # after an import the clerk still needs the list to fix
        has_problems = shown is not None and bool(shown.errors)
        self.report_button.setEnabled(has_problems)
