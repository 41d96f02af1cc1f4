"""How the program's lists behave (the trainee list, the audit trail)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView


def make_read_only_list(table: QTableView) -> None:
    """Rows selected whole, one at a time, never edited in place, no row numbers."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
