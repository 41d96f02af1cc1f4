"""导入注册文件: the city's enrolment file from a USB stick, or its text pasted (a one-time code).

The dialog only collects the file or the text; the page hands it to ``ctx.sync.enrol`` and shows
the refusal, if any, in the dialog's red line so the administrator can correct and try again.
``attempt(path_or_text)`` returns None when the file was imported, else the reason in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE


class EnrolDialog(QDialog):
    """``chosen()`` is the file's path, or else the pasted text."""

    def __init__(
        self,
        attempt: Callable[[str | Path], str | None],
        replacing: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.attempt = attempt
        self.setWindowTitle(self.tr("导入注册文件"))
        intro = QLabel(
            self.tr(
                "请选择市人社局发来的本站注册文件（通常在U盘上），"
                "或者把市里给的注册码整段粘贴到下面的框里。"
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if replacing:
            note = QLabel(
                self.tr("本站已注册到“{city}”。导入新的注册文件后将改用新文件，并记入操作日志。").format(
                    city=replacing
                )
            )
            note.setWordWrap(True)
            note.setStyleSheet(ERROR_STYLE)
            layout.addWidget(note)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("尚未选择文件"))
        self.file_edit.setToolTip(self.tr("点“选择文件…”选择注册文件"))
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("注册文件")))
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("或粘贴注册码")))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(self.tr("在这里粘贴市里给的注册码（Ctrl+V）"))
        self.text_edit.textChanged.connect(self._update)
        layout.addWidget(self.text_edit, 1)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.problem)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("取消 (Esc)"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 36)
        self._update()

    def chosen(self) -> str | Path | None:
        if self.file_edit.text():
            return Path(self.file_edit.text())
        text = self.text_edit.toPlainText().strip()
        return text or None

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择注册文件"), "", self.tr("注册文件 (*.json *.jws *.txt);;所有文件 (*)")
        )
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.file_edit.setText(str(path))
        self.file_edit.setToolTip(str(path))
        self._update()

    def accept(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        problem = self.attempt(chosen)
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def _update(self) -> None:
        ready = self.chosen() is not None
        self.import_button.setEnabled(ready)
        self.import_button.setToolTip("" if ready else self.tr("请先选择注册文件，或粘贴注册码"))
        self.problem.clear()
