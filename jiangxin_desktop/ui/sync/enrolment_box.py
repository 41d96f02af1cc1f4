"""注册信息 on the 同步 page: which city, where, this station's code, registered or not, since when."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from jiangxin_desktop.ui.sync.status_words import local_time
from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE


class EnrolmentBox(QGroupBox):
    def __init__(self, enrol_button: QPushButton, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("注册信息"), parent)
        grid = QGridLayout(self)
        self.city_value, self.url_value, self.code_value = QLabel(), QLabel(), QLabel()
        self.state_value, self.imported_value = QLabel(), QLabel()
        pairs = [
            (self.tr("市里名称"), self.city_value, 0, 0),
            (self.tr("地址"), self.url_value, 0, 2),
            (self.tr("本站编码"), self.code_value, 1, 0),
            (self.tr("注册状态"), self.state_value, 1, 2),
            (self.tr("导入时间"), self.imported_value, 2, 0),
        ]
        for caption, value, row, column in pairs:
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(QLabel(caption + self.tr("：")), row, column)
            grid.addWidget(value, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)
        grid.addWidget(enrol_button, 2, 3, Qt.AlignmentFlag.AlignRight)

    def show_enrolment(self, enrolment: Any, station_code: str) -> None:
        """``enrolment``: the service's EnrolmentInfo, or None before the city's file is imported."""
        e = enrolment
        if e is None:
            for value in (self.city_value, self.url_value, self.imported_value):
                value.setText(self.tr("—"))
            self.code_value.setText(station_code)
            self.state_value.setText(self.tr("未导入注册文件"))
            self.state_value.setStyleSheet(WARNING_STYLE)
            return
        self.city_value.setText(e.city_name)
        self.url_value.setText(e.url)
        self.url_value.setToolTip(e.url)
        self.code_value.setText(e.station_code)
        if e.registered:
            self.state_value.setText(self.tr("已注册（{when}）").format(when=local_time(e.registered_at)))
            self.state_value.setStyleSheet("")
        else:
            self.state_value.setText(self.tr("待注册：下次同步或U盘交换时向市里登记本站"))
            self.state_value.setStyleSheet(WARNING_STYLE)
        self.state_value.setToolTip(self.tr("注册文件有效期至 {when}").format(when=local_time(e.expires_at)))
        self.imported_value.setText(local_time(e.imported_at))
        who = e.imported_by
        self.imported_value.setToolTip(self.tr("由 {who} 导入").format(who=who) if who else "")
