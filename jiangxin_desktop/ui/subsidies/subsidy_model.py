"""The table of a class's enrolments on the 补贴 page: 姓名, 身份证号, 可否申请, 申请金额, 申请状态.

Colours are few and only repeat what the text says: 不能申请 in red, a returned claim in orange,
a withdrawn one grey.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.ui.subsidies.claim_words import status_word
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR, INACTIVE_COLOR, WARNING_COLOR
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

NAME, ID, ELIGIBLE, AMOUNT, STATUS = range(5)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SubsidyPage", text)


def cell(row: Any, column: int) -> str:
    if column == NAME:
        return row.trainee_name
    if column == ID:
        return row.id_masked
    if column == ELIGIBLE:
        return _tr("可以申请") if row.eligible else _tr("不能申请")
    if column == AMOUNT:
        return yuan_sign(row.amount_fen) if row.eligible or row.claim_status else "—"
    if column == STATUS:
        return status_word(row.claim_status)  # the claim's number is in the explanation beside
    return ""


def colour(row: Any, column: int) -> str | None:
    if column == ELIGIBLE and not row.eligible:
        return ERROR_COLOR
    if column == STATUS and row.claim_status == "returned":
        return WARNING_COLOR
    if column == STATUS and row.claim_status in (None, "withdrawn"):
        return INACTIVE_COLOR
    return None


def check_model(parent: Any = None) -> RecordTableModel:
    model: RecordTableModel = RecordTableModel(
        [_tr("姓名"), _tr("身份证号"), _tr("可否申请"), _tr("申请金额"), _tr("申请状态")],
        cell,
        lambda r: r.enrollment_uuid,
        parent,
    )
    model.colour = colour
    return model


def check_view(model: RecordTableModel, parent: QWidget | None = None) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    make_read_only_list(table)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    metrics = table.fontMetrics()
    pad = 3 * metrics.averageCharWidth()
    for column, sample in (
        (NAME, "阿依古丽·买买"),
        (ID, "320706********0014"),
        (ELIGIBLE, "不能申请"),
        (AMOUNT, "¥10,000.00"),
    ):
        table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table
