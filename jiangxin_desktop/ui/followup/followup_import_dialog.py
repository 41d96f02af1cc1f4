"""批量导入回访: a spreadsheet of follow-up results, previewed row by row, then all rows or none.

The import is the service's (``ctx.followup_importer()``, the roster import's reader, limits and
header search): the preview writes nothing and lists every problem with its row and column; a
file with any problem imports nothing, so 导入 waits until the preview is clean. Columns the
import did not read, and required columns it could not find, are questions: the clerk says which
field each column is (or 不导入), previews again, and the answers are remembered for the station
once the import is written. The class comes from each row's 班级编号, or is chosen for the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
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
from jiangxin_desktop.services.exchange.followup_sheet import FIELD_LABELS, MissingFollowupColumns
from jiangxin_desktop.services.exchange.roster_headers import IGNORE, header_key
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext
    from jiangxin_desktop.services.exchange.followup_import import FollowupImportResult

SPREADSHEETS = "表格文件 (*.xlsx *.xls *.ods)"
class FollowupImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: FollowupImportResult | None = None
        self.last_import: FollowupImportResult | None = None
        self.imported = False
        self.answers: dict[str, str] = {}  # header key → field (or IGNORE)
        self.setWindowTitle(self.tr("批量导入回访"))

        self.file_label = QLabel(
            self.tr("请选择回访登记表（Excel、WPS 或 LibreOffice 表格）。需要的列：身份证号、班级编号、"
                    "回访期（3/6）、回访结果、回访日期；可选：姓名、工作单位、统一社会信用代码、用工形式、月工资、备注。")
        )
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        self.class_combo = QComboBox()
        self.class_combo.addItem(self.tr("按表中的班级编号"), None)
        for record in ctx.classes.list(status="finished"):
            self.class_combo.addItem(f"{record.code} {record.name}", record.code)
        # activated, not currentIndexChanged: a combo box being destroyed with the dialog emits
        # currentIndexChanged, and the slot would then touch widgets already gone
        self.class_combo.activated.connect(lambda _i: self.reload())
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)
        klass = QHBoxLayout()
        klass.addWidget(QLabel(self.tr("班级："), self))
        klass.addWidget(self.class_combo, 1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.questions = QGroupBox(self.tr("请指出这些列是什么（导入后本站记住）"))
        self.question_table = QTableWidget(0, 2, self.questions)
        self.question_table.setHorizontalHeaderLabels([self.tr("表中的列"), self.tr("对应为")])
        self.question_table.verticalHeader().setVisible(False)
        self.question_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.question_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.apply_button = QPushButton(self.tr("按所选重新预览"), self.questions)
        self.apply_button.setAutoDefault(False)
        self.apply_button.clicked.connect(self.apply_answers)
        box = QVBoxLayout(self.questions)
        box.addWidget(self.question_table)
        box.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        self.questions.setVisible(False)
        self._combos: list[tuple[str, str, QComboBox]] = []  # (kind, header or field, combo)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("行号"), self.tr("列"), self.tr("原因")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, sample in ((0, "00000"), (1, "统一社会信用代码")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 3 * metrics.averageCharWidth())

        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.run_import)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(klass)
        layout.addWidget(self.summary)
        layout.addWidget(self.questions)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(metrics.horizontalAdvance("中") * 56, metrics.height() * 28)
        self._update()

    # --- steps ------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择回访登记表"), "", self.tr(SPREADSHEETS))
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> FollowupImportResult | None:
        """Preview ``path`` (a dry run: nothing is written)."""
        if path != self.path:
            self.answers = {}
        self.path = path
        self.file_label.setText(self.tr("回访登记表：{file}").format(file=path))
        return self.reload()

    def reload(self) -> FollowupImportResult | None:
        if self.path is None:
            return None
        self.preview, self.last_import = None, None
        self.preview = self._run(dry_run=True, title=self.tr("正在检查回访登记表"))
        self._show(self.preview)
        return self.preview

    def apply_answers(self) -> FollowupImportResult | None:
        """Preview again with the columns the clerk named."""
        for kind, name, combo in self._combos:
            value = combo.currentData()
            if kind == "column" and value:
                self.answers[header_key(name)] = value
            elif kind == "missing" and value:
                self.answers[header_key(value)] = name
        return self.reload()

    def run_import(self) -> FollowupImportResult | None:
        result = self._run(dry_run=False, title=self.tr("正在导入回访"))
        if result is None:
            return None
        self.last_import, self.preview = result, None
        self.imported = self.imported or result.written
        self._show(result)
        return result

    # --- helpers ----------------------------------------------------------------------------------
    def _run(self, *, dry_run: bool, title: str) -> FollowupImportResult | None:
        assert self.path is not None
        ctx, path, code, columns = self.ctx, self.path, self.class_combo.currentData(), dict(self.answers)

        def work(progress: ProgressCallback) -> FollowupImportResult:
            return ctx.followup_importer().run(path, class_code=code, dry_run=dry_run, columns=columns)

        dialog = TaskProgressDialog(title, self.tr("{file}，请稍候……").format(file=path.name), self)
        kind, value = dialog.run(BackgroundTask(work, dialog))
        if kind == "finished":
            return value  # type: ignore[return-value]
        if kind == "failed":
            if not isinstance(value, KnownError):
                assert isinstance(value, BaseException)
                raise value
            if isinstance(value, MissingFollowupColumns) and value.headers:  # a question, not a dead end
                self._ask_missing(value.fields, value.headers)
            else:
                show_known_error(self, value, title=self.tr("回访没有导入"))
        return None

    def _combo(self, items: list[tuple[str, str | None]]) -> QComboBox:
        combo = QComboBox()
        for text, data in items:
            combo.addItem(text, data)
        combo.activated.connect(lambda _i: self._update())
        return combo

    def _set_questions(self, rows: list[tuple[str, str, str, QComboBox]]) -> None:
        self.question_table.setRowCount(len(rows))
        self._combos = []
        for r, (kind, name, text, combo) in enumerate(rows):
            self.question_table.setItem(r, 0, QTableWidgetItem(text))
            self.question_table.setCellWidget(r, 1, combo)
            self._combos.append((kind, name, combo))
        table = self.question_table  # as tall as its questions, up to six
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        table.setFixedHeight(height + sum(table.rowHeight(r) for r in range(min(len(rows), 6))))
        self.questions.setVisible(bool(rows))
        self._update()

    def _ask_missing(self, fields: list[str], headers: list[str]) -> None:
        self.table.setRowCount(0)
        labels = "”“".join(FIELD_LABELS[f] for f in fields)
        self.summary.setText(
            self.tr("表中找不到“{labels}”列，还没有读取任何行。请在下面指出它是表中的哪一列，"
                    "再按“按所选重新预览”。").format(labels=labels)
        )
        self.summary.setStyleSheet(ERROR_STYLE)
        choices = [(self.tr("（请选择表中的列）"), None)] + [(h, h) for h in headers]
        self._set_questions([
            ("missing", f, self.tr("缺少“{label}”，是表中的哪一列？").format(label=FIELD_LABELS[f]), self._combo(choices))
            for f in fields
        ])

    def _show(self, result: FollowupImportResult | None) -> None:
        self.table.setRowCount(0)
        if result is None:
            self._update()
            return
        bad = len(result.problems)
        if result.dry_run and not bad:
            text = self.tr("共 {rows} 行回访，都可以导入。").format(rows=result.rows)
        elif result.dry_run:
            text = self.tr("共 {rows} 行回访，有问题 {bad} 处（见下表）。有问题时一行也不导入："
                           "请在表格中改正后重新选择文件。").format(rows=result.rows, bad=bad)
        elif result.written:
            text = self.tr("已导入：新记录 {new} 条，更正 {fixed} 条，未变 {same} 条。").format(
                new=result.recorded, fixed=result.corrected, same=result.unchanged)
        else:
            text = self.tr("没有导入：有问题 {bad} 处（见下表），请改正后再导入。").format(bad=bad)
        if result.unknown_columns:
            text += self.tr("\n没有读取的列：{cols}（如需导入，请在上方指出它们是什么）").format(
                cols="、".join(result.unknown_columns))
        self.summary.setText(text)
        self.summary.setStyleSheet(ERROR_STYLE if bad else "")
        fields = [(self.tr("不导入"), IGNORE)] + [(label, name) for name, label in FIELD_LABELS.items()]
        self._set_questions([
            ("column", h, h, self._combo([(self.tr("（请选择）"), None), *fields])) for h in result.unknown_columns
        ] if result.dry_run else [])
        self.table.setRowCount(bad)
        for r, p in enumerate(result.problems):
            for c, value in enumerate((p.row, p.column, p.message)):
                item = QTableWidgetItem(str(value))
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self._update()

    def _update(self) -> None:
        preview = self.preview
        ready = preview is not None and preview.ok and preview.rows > 0
        self.import_button.setEnabled(ready)
        self.import_button.setText(self.tr("导入 {n} 条").format(n=preview.rows) if ready and preview else self.tr("导入"))
        if ready:
            why = ""
        elif preview is not None and preview.problems:
            why = self.tr("表中有问题时一行也不导入，请先改正")
        else:
            why = self.tr("请先选择回访登记表；没有可导入的行时不能导入")
        self.import_button.setToolTip(why)
        self.apply_button.setEnabled(any(combo.currentData() for _k, _n, combo in self._combos))
