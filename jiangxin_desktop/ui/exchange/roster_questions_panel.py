"""The import preview's questions: values, columns and class-wide values the clerk answers.

One row per question (services/exchange/roster_questions.py): a value the catalog does not know
(its field and row count, a combo of catalog entries — the likely ones first — and
不导入这些行), a header nobody named (its first values, a combo of fields and 忽略此列), a
required column the roster lacks (a combo of entries for the whole class). The import
goes ahead only once every row has an answer; answers of a written import are remembered
for the station.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
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

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.services.exchange.roster_answers import COLUMN_FIELDS, RosterAnswers, field_label, field_named
from jiangxin_desktop.services.exchange.roster_codes import SKIP
from jiangxin_desktop.services.exchange.roster_fields import CODED_FIELDS
from jiangxin_desktop.services.exchange.roster_headers import IGNORE
from jiangxin_desktop.services.exchange.roster_result import ImportResult
from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE

KIND, TEXT, WHERE, SAMPLES, ANSWER = range(5)


class RosterQuestionsPanel(QGroupBox):
    """The open questions of a preview; :meth:`answers_into` collects the answers."""

    changed = Signal()  # an answer was chosen or cleared
    apply = Signal()  # 按所选重新预览

    def __init__(self, codes: CodeCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("导入前请回答（每项选一次，本站以后自动使用）"))
        self.codes = codes
        self.required = QLabel(self)  # 姓名 / 公民身份号码 not found: which column is it?
        self.required.setWordWrap(True)
        self.required.setStyleSheet(WARNING_STYLE)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("类型"),
                self.tr("表中的内容"),
                self.tr("列 / 行数"),
                self.tr("前几个值"),
                self.tr("对应为"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SAMPLES, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for column, sample in ((KIND, "缺少的列"), (TEXT, "灵活就业人员"), (WHERE, "人员类别，120 行")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.table.setColumnWidth(ANSWER, metrics.horizontalAdvance("离校未就业高校毕业生（22）") + 2 * pad)
        self.apply_button = QPushButton(self.tr("按所选重新预览"), self)
        self.apply_button.setAutoDefault(False)
        self.apply_button.clicked.connect(self.apply)
        self._rows: list[tuple[str, str, str, QComboBox]] = []  # (kind, field key, text, combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.required)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.setVisible(False)

    # --- building ---------------------------------------------------------------------
    def show_questions(self, result: ImportResult | None) -> None:
        self.table.setRowCount(0)
        self._rows = []
        if result is None or not result.needs_answers:
            self.setVisible(False)
            return
        for q in result.unknown_values:
            name = field_named(q["field"], option="", coded=True)
            rows = self.tr("{column}，{n} 行").format(column=q["column"], n=q["rows"])
            first = self.tr("第 {rows} 行").format(rows="、".join(map(str, q["first_rows"])))
            combo = self._entries(name, [c["code"] for c in q["candidates"]], self.tr("不导入这些行"), SKIP)
            self._add("value", name, q["value"], self.tr("取值"), rows, first, combo)
        for q in result.unknown_columns:
            combo = self._fields()
            samples = "、".join(q["samples"]) or self.tr("（无内容）")
            where = self.tr("第 {n} 列").format(n=q["index"])
            self._add("column", "", q["column"], self.tr("列"), where, samples, combo)
        required = [q["field"] for q in result.missing_columns if q.get("required")]
        self.required.setText(
            self.tr("名册中找不到“{fields}”列：请在下面指出哪一列是它。").format(fields="”“".join(required))
        )
        self.required.setVisible(bool(required))
        for q in result.missing_columns:
            if q.get("required"):
                continue
            name = field_named(q["field"], option="", coded=True)
            combo = self._entries(name, [], "", "")
            self._add("default", name, q["field"], self.tr("缺少的列"), self.tr("全班使用"), "", combo)
        row_height = max(QComboBox().sizeHint().height(), self.fontMetrics().height()) + 4
        for row in range(self.table.rowCount()):  # one height for every row, the combo's
            self.table.setRowHeight(row, row_height)
        shown = min(self.table.rowCount(), 8)  # the panel is as tall as its questions, up to 8
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(shown))
        if shown < self.table.rowCount():
            height += self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(height)
        self.setVisible(True)
        self._update()

    def _add(self, kind: str, name: str, text: str, *cells_and_combo) -> None:
        *cells, combo = cells_and_combo
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = (cells[0], text, cells[1], cells[2])
        for column, value in zip((KIND, TEXT, WHERE, SAMPLES), values, strict=True):
            self.table.setItem(row, column, QTableWidgetItem(value))
        combo.currentIndexChanged.connect(lambda _i: self._update())
        self.table.setCellWidget(row, ANSWER, combo)
        self._rows.append((kind, name, text, combo))

    def _entries(self, name: str, likely: list[str], skip_text: str, skip_data: str) -> QComboBox:
        code_list = self.codes[CODED_FIELDS[name]]
        combo = QComboBox(self)
        combo.addItem(self.tr("请选择……"), None)
        for code in likely:  # the entries the value may mean, first
            label = code_list.label(code) or code
            combo.addItem(self.tr("{label}（{code}）").format(label=label, code=code), code)
        if likely:
            combo.insertSeparator(combo.count())
        for entry in code_list:
            if entry.code not in likely:
                text = self.tr("{label}（{code}）").format(label=entry.label, code=entry.code)
                combo.addItem(text, entry.code)
        if skip_text:
            combo.insertSeparator(combo.count())
            combo.addItem(skip_text, skip_data)
        if likely:
            combo.setToolTip(self.tr("可能是几项之一，请核对后选择；程序不会替您猜"))
        return combo

    def _fields(self) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(self.tr("请选择……"), None)
        for name in COLUMN_FIELDS:
            combo.addItem(field_label(name), name)
        combo.insertSeparator(combo.count())
        combo.addItem(self.tr("忽略此列"), IGNORE)
        return combo

    # --- answers ----------------------------------------------------------------------
    def open_count(self) -> int:
        return sum(1 for *_rest, combo in self._rows if combo.currentData() is None)

    def all_answered(self) -> bool:
        return bool(self._rows) and self.open_count() == 0

    def answers_into(self, answers: RosterAnswers) -> None:
        for kind, name, text, combo in self._rows:
            chosen = combo.currentData()
            if chosen is None:
                continue
            if kind == "value":
                answers.map_value(name, text, chosen)
            elif kind == "column":
                answers.map_column(text, chosen)
            else:
                answers.defaults[name] = chosen

    def choose(self, text: str, data: str) -> None:
        """Answer the question about ``text`` with the combo item holding ``data`` (tests, keys)."""
        for _kind, _name, asked, combo in self._rows:
            if asked == text:
                combo.setCurrentIndex(combo.findData(data))
                return
        raise KeyError(text)

    def _update(self) -> None:
        left = self.open_count()
        self.apply_button.setEnabled(self.all_answered())
        self.apply_button.setToolTip("" if left == 0 else self.tr("还有 {n} 项没有选择").format(n=left))
        self.note.setText(
            self.tr("还有 {n} 项没有选择；全部选好后按“按所选重新预览”。").format(n=left)
            if left
            else self.tr("都已选好，请按“按所选重新预览”查看结果，再导入。")
        )
        self.changed.emit()
