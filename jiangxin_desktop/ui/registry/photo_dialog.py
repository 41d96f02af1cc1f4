"""照片: the trainee's 一寸 photo for the certificate, shown, chosen from a file, or deleted.

A face photo needs the trainee's separate consent; without it the dialog says so and offers
nothing to store (the service refuses too). Choosing and deleting are audited by the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.registry import TraineePhotos
from jiangxin_desktop.ui.widgets.error_dialogs import confirm, show_known_error

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

PHOTO_W, PHOTO_H = 150, 210  # on screen, the 一寸 proportion (25 × 35 mm)


class PhotoDialog(QDialog):
    def __init__(self, ctx: AppContext, trainee_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.uuid = trainee_uuid
        self.photos = TraineePhotos(ctx.db, ctx.acting)
        record = ctx.registry.get(trainee_uuid)
        self.consent = record.photo_consent
        self.setWindowTitle(self.tr("学员照片：{name}").format(name=record.name))
        self.picture = QLabel(self)
        self.picture.setFixedSize(PHOTO_W, PHOTO_H)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setFrameShape(QLabel.Shape.Box)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("选择照片…"), self)
        self.remove_button = QPushButton(self.tr("删除照片"), self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        side = QVBoxLayout()
        side.addWidget(self.note)
        side.addWidget(self.choose_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.picture)
        row.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(close)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(self.remove)
        close.rejected.connect(self.reject)
        self.resize(460, 280)
        self.show_photo()

    def show_photo(self) -> None:
        current = self.photos.get(self.uuid)
        may_enter = self.ctx.user is not None and self.ctx.user.role in ("clerk", "admin")
        if current is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText(self.tr("（没有照片）"))
        else:
            pixmap = QPixmap()
            pixmap.loadFromData(current[1])
            self.picture.setPixmap(
                pixmap.scaled(PHOTO_W, PHOTO_H, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
            )
        if not self.consent:
            self.note.setText(self.tr(
                "这名学员没有同意采集面部照片。照片须本人单独同意：请先在学员信息中勾选"
                "“同意采集面部照片”，再存照片。"
            ))
        else:
            self.note.setText(self.tr(
                "证书照片框打印这张照片。JPEG 或 PNG，不超过 2 MB；300 × 420 像素即可。"
                "照片只保存在本机加密数据库中，不上传市里。"
            ))
        self.choose_button.setEnabled(self.consent and may_enter)
        self.choose_button.setToolTip(
            "" if self.consent and may_enter
            else self.tr("学员没有同意采集面部照片") if not self.consent
            else self.tr("只有经办人和管理员可以存照片")
        )
        self.remove_button.setEnabled(current is not None and may_enter)
        self.remove_button.setToolTip("" if current is not None else self.tr("没有照片可删除"))

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择一寸照片"), "", self.tr("照片 (*.jpg *.jpeg *.png)")
        )
        if name:
            self.store(Path(name))

    def store(self, path: Path) -> bool:
        try:
            self.photos.set_for(self.uuid, path)
        except KnownError as exc:
            show_known_error(self, exc)
            return False
        self.show_photo()
        return True

    def remove(self) -> None:
        if not confirm(self, self.tr("删除照片"), self.tr("确定删除这名学员的照片吗？删除会记入操作日志。"),
                       self.tr("删除")):
            return
        try:
            self.photos.remove_for(self.uuid)
        except KnownError as exc:
            show_known_error(self, exc)
            return
        self.show_photo()
