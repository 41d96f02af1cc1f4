"""Building classes for tests: a valid 初级 class with a 40-hour timetable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from jiangxin_desktop.services.training.class_records import ClassInput, SessionInput
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from tests.conftest import DEMO_PASSWORD


def class_input(start: date = date(2026, 12, 1), sessions: int = 10, hours: int = 4, **changes) -> ClassInput:
    timetable = [
        SessionInput(start + timedelta(days=i), "08:30", "11:30", hours, "王老师") for i in range(sessions)
    ]
    data = ClassInput(
        name="养老护理员（初级）第一期",
        project_code="KY01",
        occupation_code="4-10-01-05",
        level="5",
        certificate_type="1",
        institution_code="JG002",
        site="海州区新南街道社区服务中心三楼",
        start_date=start,
        end_date=start + timedelta(days=sessions - 1),
        class_hours=sessions * hours,
        capacity=30,
        teachers=["王老师"],
        fee="1000",
        government="800",
        employer="0",
        personal="200",
        sessions=timetable,
    )
    return replace(data, **changes)


def login(ctx, username: str) -> None:
    ctx.act_as(ctx.users.authenticate(username, DEMO_PASSWORD))


def opened_class(ctx, **changes):
    """A class created by the clerk and opened by the reviewer; ctx acts as the clerk afterwards."""
    login(ctx, "clerk")
    record = ctx.classes.create(class_input(**changes))
    login(ctx, "reviewer")
    record = ctx.classes.approve(record.uuid)
    login(ctx, "clerk")
    return record


def person(ctx, birth: str = "19900101", seq: int = 101, name: str = "钱小满", group: str = "31"):
    number = id_with_check(f"320706{birth}{seq:03d}")
    found = ctx.registry.find_by_id_number(number)
    if found:
        return found
    return ctx.registry.register(
        TraineeInput(
            name=name,
            id_number=number,
            phone="13800000000",
            target_group=group,
            evidence_type="失业登记证" if group == "31" else None,
            evidence_number="SY2026-001" if group == "31" else None,
            consent=True,
        )
    )
