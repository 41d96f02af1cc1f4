"""A modal progress window for one BackgroundTask: bar, count and 取消; never freezes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from jiangxin_desktop.ui.widgets.workers import BackgroundTask


class TaskProgressDialog(QDialog):
    """Shows a task's progress; Esc or 取消 asks the task to stop and waits for it."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.outcome: tuple[str, object] = ("cancelled", None)
        self._task: BackgroundTask | None = None

        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first report
        self.bar.setTextVisible(False)
        self.count_label = QLabel(self.tr("正在准备…"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_label)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)

    def run(self, task: BackgroundTask) -> tuple[str, object]:
        """Start the task, wait in a modal loop, return ("finished"|"failed"|"cancelled", value)."""
        self._task = task
        task.progress.connect(self._on_progress)
        task.finished.connect(lambda result: self._end("finished", result))
        task.failed.connect(lambda error: self._end("failed", error))
        task.cancelled.connect(lambda: self._end("cancelled", None))
        task.start()
        self.exec()
        return self.outcome

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.count_label.setText(self.tr("已完成 {done} / {total}").format(done=done, total=total))

    def _end(self, kind: str, value: object) -> None:
        self.outcome = (kind, value)
        self._task = None
        self.done(QDialog.DialogCode.Accepted if kind == "finished" else QDialog.DialogCode.Rejected)

    def reject(self) -> None:
        if self._task is None:
            super().reject()
            return
        self._task.cancel()
        self.cancel_button.setEnabled(False)
        self.count_label.setText(self.tr("正在取消，请稍候…"))
