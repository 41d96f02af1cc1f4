"""设置 → 培训目录: which catalog is in force, its rules, and (administrator) importing the city's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class CatalogPage(QWidget):
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.user is not None and ctx.user.role == "admin"
        self.version_label = QLabel()
        self.version_label.setWordWrap(True)
        self.example_label = QLabel(
            self.tr(
                "当前是程序自带的示例目录：项目、职业、机构和金额均为示例，正式开班前请导入市人社局发布的目录。"
            )
        )
        self.example_label.setWordWrap(True)
        self.example_label.setStyleSheet(WARNING_STYLE)
        self.details = QTextBrowser()
        self.import_button = QPushButton(self.tr("导入目录…"))
        self.import_button.clicked.connect(self.choose_file)
        self.import_button.setEnabled(self.is_admin)
        self.import_button.setToolTip("" if self.is_admin else self.tr("只有管理员可以导入培训目录"))
        row = QHBoxLayout()
        row.addWidget(self.version_label, 1)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.example_label)
        layout.addWidget(self.details, 1)
        self.load()

    def load(self) -> None:
        catalog = self.ctx.catalogs.active()
        self.version_label.setText(
            self.tr("培训目录 {version}：{p} 个项目、{o} 个职业（工种）、{i} 个承训机构").format(
                version=catalog.version,
                p=len(catalog.projects),
                o=len(catalog.occupations),
                i=len(catalog.institutions),
            )
        )
        self.example_label.setVisible(catalog.example)
        rules = catalog.rules
        levels = self.ctx.codes["skill_level"]
        hours = "；".join(
            f"{levels.label(level) or self.tr('无等级')} ≥ {n}" for level, n in rules.min_class_hours.items()
        )
        lines = [
            self.tr("<b>规则</b>"),
            self.tr("开班时年满 {n} 周岁").format(n=rules.min_age),
            self.tr("每人最多享受 {n} 次补贴性培训").format(n=rules.max_subsidised_trainings),
            self.tr("最少课时：{h}（每课时 {m} 分钟）").format(h=hours, m=rules.class_hour_minutes),
            self.tr("享受补贴的出勤率：{p:.0%}；考核合格分：{s:g}").format(
                p=rules.attendance_threshold, s=rules.assessment_pass_score
            ),
            self.tr(
                "考勤：开课前 {b} 分钟至下课可签到，下课后 {o} 分钟内可签退；迟到、早退超过 {late}/{early} 分钟的"
                "{beyond}；没有签退的{missing}；下课 {h} 小时后补录须补签（0 为不限）"
            ).format(
                b=rules.attendance.checkin_before_start_minutes,
                o=rules.attendance.checkout_after_end_minutes,
                late=rules.attendance.late_limit_minutes,
                early=rules.attendance.early_leave_limit_minutes,
                beyond=self.tr("不计课时")
                if rules.attendance.beyond_limit == "zero"
                else self.tr("按实际在场时间折算整课时"),
                missing=self.tr("计一半课时") if rules.attendance.missing_signout == "half" else self.tr("不计课时"),
                h=rules.attendance.record_within_hours,
            ),
            self.tr("<b>培训项目</b>"),
            *(f"{p.code}　{p.name}" for p in catalog.projects.values()),
            self.tr("<b>职业（工种）</b>"),
            *(f"{o.code}　{o.name}" for o in catalog.occupations.values()),
            self.tr("<b>承训机构</b>"),
            *(f"{i.code}　{i.name}　{i.uscc}" for i in catalog.institutions.values()),
        ]
        self.details.setHtml("<br>".join(lines))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择培训目录文件"), "", self.tr("培训目录 (*.json)")
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> bool:
        try:
            catalog = self.ctx.catalogs.import_file(self.ctx.user, path)
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("目录没有导入"))
            return False
        self.load()
        self.message.emit(self.tr("已导入培训目录 {version}。").format(version=catalog.version))
        return True
