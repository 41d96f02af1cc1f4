"""The selected class at a glance, beside the list: its facts, a returned class's review note,
and for a draft what still stops it from opening — so the clerk fixes it before the reviewer looks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.ui.training.class_model import date_range
from jiangxin_desktop.ui.widgets.styles import BANNER_STYLE, WARNING_STYLE


class ClassSummary(QScrollArea):
    def __init__(self, codes: CodeCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = codes
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        body = QWidget(self)
        self.title = QLabel(body)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.note_frame = QFrame(body)
        self.note_frame.setObjectName("banner")
        self.note_frame.setStyleSheet(BANNER_STYLE)
        self.note_label = QLabel(self.note_frame)
        self.note_label.setWordWrap(True)
        self.note_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.note_frame).addWidget(self.note_label)
        self.problems_label = QLabel(body)
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QFormLayout()
        self.facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.values: dict[str, QLabel] = {}
        for key in (
            "状态",
            "培训项目",
            "证书",
            "承训机构",
            "培训地点",
            "开班—结业",
            "课时",
            "人数",
            "授课教师",
            "培训费",
            "审核",
            "目录",
        ):
            value = QLabel(body)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            self.facts.addRow(self.tr(key), value)
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.note_frame)
        layout.addWidget(self.problems_label)
        layout.addLayout(self.facts)
        layout.addStretch(1)
        self.setWidget(body)
        self.show_record(None, [])

    def show_record(self, record: ClassRecord | None, problems: list[str]) -> None:
        """``problems``: opening_problems for a draft (empty otherwise)."""
        if record is None:
            self.title.setText(self.tr("请在左侧选择一个培训班"))
            self.note_frame.setVisible(False)
            self.problems_label.setVisible(False)
            for value in self.values.values():
                value.setText("")
            return
        self.title.setText(f"{record.name}\n{record.code}")
        self.note_frame.setVisible(bool(record.review_note))
        self.note_label.setText(self.tr("审核人退回意见：{note}").format(note=record.review_note or ""))
        if record.status == "draft":
            if problems:
                text = self.tr("开班前还需解决：") + "".join(f"\n· {p}" for p in problems)
                self.problems_label.setStyleSheet(WARNING_STYLE)
            else:
                text = self.tr("已符合目录规则，可由审核人审核开班。")
                self.problems_label.setStyleSheet("")
            self.problems_label.setText(text)
        self.problems_label.setVisible(record.status == "draft")
        level = self.codes["skill_level"].label(record.level) if record.level else None
        certificate = self.codes["certificate_type"].label(record.certificate_type) or record.certificate_type
        v = self.values
        v["状态"].setText(record.status_label)
        v["培训项目"].setText(f"{record.project_name}\n{record.occupation_name}（{record.occupation_code}）")
        v["证书"].setText(f"{certificate}{f' · {level}' if level else ''}")
        v["承训机构"].setText(record.institution_name)
        v["培训地点"].setText(record.site)
        v["开班—结业"].setText(date_range(record))
        v["课时"].setText(
            self.tr("{hours} 课时，{n} 次课").format(hours=record.class_hours, n=len(record.sessions))
        )
        v["人数"].setText(
            self.tr("已报名 {n} 人 / 计划 {capacity} 人").format(n=record.enrolled, capacity=record.capacity)
        )
        v["授课教师"].setText("、".join(record.teachers) or self.tr("未填写"))
        v["培训费"].setText(
            self.tr("{fee}（政府 {g}，企业 {e}，个人 {p}）").format(
                fee=yuan_sign(record.fee_fen),
                g=yuan_sign(record.government_fen),
                e=yuan_sign(record.employer_fen),
                p=yuan_sign(record.personal_fen),
            )
        )
        v["审核"].setText(
            self.tr("{who} 于 {when} 审核开班").format(who=record.approved_by, when=record.approved_at[:10])
            if record.approved_by and record.approved_at
            else self.tr("尚未审核")
        )
        v["目录"].setText(record.catalog_version)
