"""What a class (培训班) is, as the services and the windows exchange it: input, records, labels.

``ClassService`` (classes.py) checks and stores them; this module has no database access.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from jiangxin_desktop.domain.class_lifecycle import ENROLLING, STATUS_LABELS

__all__ = [  # the states and their labels live in domain/class_lifecycle; kept importable here
    "CLASS_LABELS",
    "ENROLLING",
    "STATUS_LABELS",
    "ClassInput",
    "ClassRecord",
    "SessionInput",
    "SessionRecord",
]

CLASS_LABELS = {
    "name": "班级名称",
    "project_code": "培训项目",
    "occupation_code": "职业（工种）",
    "level": "等级",
    "certificate_type": "证书类型",
    "institution_code": "承训机构",
    "site": "培训地点",
    "start_date": "开班日期",
    "end_date": "结业日期",
    "class_hours": "课时",
    "capacity": "计划人数",
    "teachers": "授课教师",
    "fee": "培训费",
    "shares": "费用分担",
    "sessions": "课次安排",
}


@dataclass(frozen=True)
class SessionInput:
    day: date
    start_time: str  # HH:MM
    end_time: str
    hours: int
    teacher: str = ""
    topic: str = ""


@dataclass
class ClassInput:
    name: str
    project_code: str
    occupation_code: str
    level: str
    certificate_type: str
    institution_code: str
    site: str
    start_date: date
    end_date: date
    class_hours: int
    capacity: int
    teachers: list[str] = field(default_factory=list)
    fee: str = "0"  # yuan, as typed ("1200" or "1200.50")
    government: str = "0"
    employer: str = "0"
    personal: str = "0"
    note: str = ""
    sessions: list[SessionInput] = field(default_factory=list)


@dataclass(frozen=True)
class SessionRecord:
    uuid: str
    number: int
    day: date
    start_time: str
    end_time: str
    hours: int
    teacher: str | None
    topic: str | None


@dataclass(frozen=True)
class ClassRecord:
    uuid: str
    code: str
    name: str
    status: str
    catalog_version: str
    project_code: str
    project_name: str
    occupation_code: str
    occupation_name: str
    level: str
    certificate_type: str
    institution_code: str
    institution_name: str
    institution_uscc: str
    site: str
    start_date: date
    end_date: date
    class_hours: int
    capacity: int
    teachers: tuple[str, ...]
    fee_fen: int
    government_fen: int
    employer_fen: int
    personal_fen: int
    note: str | None
    review_note: str | None
    approved_by: str | None
    approved_at: str | None
    version: int
    created_by: str
    created_at: str
    updated_at: str
    enrolled: int = 0
    sessions: tuple[SessionRecord, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("start_date", "end_date"):
            data[key] = data[key].isoformat()
        data["teachers"] = list(self.teachers)
        data["sessions"] = [{**asdict(s), "day": s.day.isoformat()} for s in self.sessions]
        data.pop("enrolled")
        return data
