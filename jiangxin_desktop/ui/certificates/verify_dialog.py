"""核验证书: a scanned (or pasted) certificate QR code checked against the station keys.

A USB scanner types the payload and presses Enter, so the box checks on Enter and selects
its text afterwards: the next scan replaces it. Needs no class and no personal data: the
result shows what the QR code itself says (masked name and ID number).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.services.certificates.payload import VerifyResult, VerifyStatus
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR

VALID_COLOR = "#1e7b34"


class VerifyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: VerifyResult | None = None
        self.setWindowTitle(self.tr("核验证书"))
        hint = QLabel(
            self.tr(
                "用扫码枪扫描证书上的二维码，或把二维码内容（核验地址，或以 JX1: 开头的签名数据）粘贴到下面，按回车核验。"
            ),
            self,
        )
        hint.setWordWrap(True)
        self.payload_edit = QLineEdit(self)
        self.payload_edit.setMaxLength(2000)
        self.payload_edit.setPlaceholderText(self.tr("扫描或粘贴二维码内容"))
        self.payload_edit.returnPressed.connect(self.check)
        self.check_button = QPushButton(self.tr("核验"), self)
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check)
        row = QHBoxLayout()
        row.addWidget(self.payload_edit, 1)
        row.addWidget(self.check_button)

        self.verdict_label = QLabel(self)
        font = self.verdict_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("number", self.tr("证书编号")),
            ("holder", self.tr("持证人")),
            ("kind", self.tr("证书类型")),
            ("occupation", self.tr("职业（工种）")),
            ("level", self.tr("等级")),
            ("date", self.tr("发证日期")),
            ("station", self.tr("发证服务站")),
            ("reissue", self.tr("补发")),
        ):
            value = QLabel(self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            self.details.addRow(label, value)
        self.result_frame = QFrame(self)
        self.result_frame.setObjectName("verdict")
        inner = QVBoxLayout(self.result_frame)
        inner.addWidget(self.verdict_label)
        inner.addWidget(self.message_label)
        inner.addLayout(self.details)
        self.result_frame.hide()

        close = QPushButton(self.tr("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(self.result_frame, 1)
        layout.addLayout(bottom)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 40)
        self.payload_edit.setFocus()

    def check(self) -> VerifyResult | None:
        text = self.payload_edit.text().strip()
        if not text:
            return None
        self.result = self.ctx.certificates.verify(text)
        self._show(self.result)
        self.payload_edit.selectAll()  # the next scan replaces this one
        return self.result

    def _verdict(self, status: VerifyStatus) -> str:
        return {
            VerifyStatus.VALID: self.tr("✔ 证书有效"),
            VerifyStatus.REVOKED: self.tr("✘ 证书已撤销，不再有效"),
            VerifyStatus.TAMPERED: self.tr("✘ 证书信息被改动或系伪造"),
            VerifyStatus.UNKNOWN_KEY: self.tr("✘ 无法确认真伪：不是已知服务站签发"),
            VerifyStatus.MALFORMED: self.tr("✘ 无法识别：不是证书二维码或已损坏"),
        }[status]

    def _show(self, result: VerifyResult) -> None:
        colour = VALID_COLOR if result.valid else ERROR_COLOR
        self.result_frame.setStyleSheet(
            f"QFrame#verdict {{ border: 2px solid {colour}; border-radius: 4px; }}"
        )
        self.verdict_label.setStyleSheet(f"color: {colour};")
        self.verdict_label.setText(self._verdict(result.status))
        self.message_label.setText(result.message)
        c = result.claims
        for value in self.fields.values():
            self.details.setRowVisible(value, c is not None)
        if c is not None:
            codes = self.ctx.codes
            station = c.station_code
            if station == self.ctx.station.code:
                station = self.tr("{name}（{code}）").format(name=self.ctx.station.name, code=station)
            self.fields["number"].setText(c.number)
            self.fields["holder"].setText(
                self.tr("{name}（{id}）").format(name=c.masked_name, id=c.masked_id)
            )
            self.fields["kind"].setText(
                codes["certificate_type"].label(c.certificate_type) or c.certificate_type
            )
            self.fields["occupation"].setText(f"{c.occupation_name}（{c.occupation_code}）")
            self.fields["level"].setText((codes["skill_level"].label(c.level) or c.level) if c.level else "—")
            self.fields["date"].setText(f"{c.issue_date.year}年{c.issue_date.month}月{c.issue_date.day}日")
            self.fields["station"].setText(station)
            self.fields["reissue"].setText(
                self.tr("第 {n} 次补发").format(n=c.reissue) if c.reissue else self.tr("否（原证）")
            )
        self.result_frame.show()
        self.layout().activate()
        if self.height() < self.sizeHint().height():  # the details appeared: grow, never clip them
            self.resize(self.width(), self.sizeHint().height())
