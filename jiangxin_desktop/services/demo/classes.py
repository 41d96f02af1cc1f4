"""Demo classes: one finished with results, one in training, one opened, one draft with problems.

Built through the same services a clerk and a reviewer use (so every rule and audit
event applies), with dates relative to today so that the demo always looks current. One
finished trainee's name has a character outside GB2312 (李玥), so every document can be
printed from demo data.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from jiangxin_desktop.services.demo.seed import demo_card
from jiangxin_desktop.services.registry import TraineeInput, TraineeRegistry
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.security import UserInfo
from jiangxin_desktop.services.training import AttendanceService, iso
from jiangxin_desktop.domain.attendance_rules import local_moment
from jiangxin_desktop.services.training import ClassInput, SessionInput
from jiangxin_desktop.services.training import ClassService
from jiangxin_desktop.services.training import EnrollInput, EnrollmentService, NeedsConfirmation, NotEligible
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.models import Trainee

RARE_NAME = "李玥"  # 玥 (U+73A5) is outside GB2312

# The finished class began this long ago: it ended about three months ago, so its 3-month
# 回访 is due in the demo (待回访 is not empty) while its certificates are still claimable.
FINISHED_DAYS_AGO = 110


def _weekdays(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _input(name, project, occupation, level, certificate, start, sessions, hours, **extra) -> ClassInput:
    days = _weekdays(start, sessions)
    return ClassInput(
        name=name,
        project_code=project,
        occupation_code=occupation,
        level=level,
        certificate_type=certificate,
        institution_code=extra.pop("institution", "JG002"),
        site=extra.pop("site", "海州区新南街道社区服务中心三楼培训室"),
        start_date=days[0],
        end_date=days[-1],
        class_hours=extra.pop("class_hours", sessions * hours),
        capacity=extra.pop("capacity", 30),
        teachers=["王丽华", "陈建国"],
        fee=extra.pop("fee", "1000"),
        government=extra.pop("government", "800"),
        employer="0",
        personal=extra.pop("personal", "200"),
        sessions=[
            SessionInput(d, "08:30", "11:30", hours, "王丽华", f"第 {i} 讲") for i, d in enumerate(days, 1)
        ],
    )


class DemoClasses:
    """Builds the demo classes through the services, acting in turn as the demo clerk and reviewer."""

    def __init__(
        self,
        db: Database,
        acting: Acting,
        registry: TraineeRegistry,
        classes: ClassService,
        enrollments: EnrollmentService,
        attendance: AttendanceService,
    ) -> None:
        self.db = db
        self.acting = acting  # whose turn it is, and the clock the services read
        self.registry = registry
        self.classes = classes
        self.enrollments = enrollments
        self.attendance = attendance

    def seed(self, users: dict[str, UserInfo], *, today: date | None = None, seed: int = 2026) -> list[str]:
        """Create the demo classes; ``users`` maps clerk/reviewer to logged-in UserInfo. With ``today``
        the clock stands at 18:00 that day, else it is the acting clock (``acting.now``, the wall
        clock unless a test fixed it); the clock (and a previously acting user) is put back afterwards."""
        acting = self.acting
        clock = (acting.today, acting.now)
        now = datetime.combine(today, time(18, 0)).astimezone() if today else acting.now()
        today = now.date()
        rng = random.Random(seed)
        acting.today = lambda: today
        acting.now = lambda: now
        previous = acting.user

        def as_(role: str) -> None:
            acting.user = users[role]

        as_("clerk")
        rare = self.registry.find_by_id_number("320706199803150021") or self.registry.register(
            TraineeInput(
                name=RARE_NAME,
                id_number="320706199803150021",
                phone="13961300026",
                target_group="31",
                evidence_type="失业登记证",
                evidence_number="SY2026-0026",
                bank_card=demo_card("320706199803150021"),
                consent=True,
            )
        )
        with self.db.read() as session:
            pool = list(
                session.scalars(
                    select(Trainee.uuid)
                    .where(
                        Trainee.active.is_(True),
                        Trainee.target_group.in_(("11", "31", "22")),
                        Trainee.uuid != rare.uuid,
                    )
                    .order_by(Trainee.seq)
                    .limit(60)
                )
            )
        plans = [
            (
                "finished",
                _input(
                    "养老护理员（初级）2026年第1期",
                    "KY01",
                    "4-10-01-05",
                    "5",
                    "1",
                    today - timedelta(days=FINISHED_DAYS_AGO),
                    10,
                    4,
                ),
            ),
            (
                "training",
                _input(
                    "互联网营销师（四级）2026年第2期",
                    "SZ01",
                    "4-01-02-07",
                    "4",
                    "1",
                    today - timedelta(days=7),
                    14,
                    4,
                    fee="1500",
                    government="1200",
                    personal="300",
                ),
            ),
            (
                "opened",
                _input(
                    "中式面点师 培训合格 2026年第3期",
                    "NC01",
                    "4-03-02-02",
                    "",
                    "3",
                    today + timedelta(days=14),
                    10,
                    4,
                    institution="JG003",
                    site="赣榆区青口镇便民服务中心",
                ),
            ),
            (
                "draft",
                _input(
                    "电工（初级）2027年第1期", "SY01", "6-31-01-03", "5", "1", today + timedelta(days=40), 9, 4
                ),
            ),
        ]
        codes = []
        for stage, data in plans:
            as_("clerk")
            klass = self.classes.create(data)
            codes.append(klass.code)
            if stage == "draft":
                continue  # 36 class hours: the reviewer will see why it cannot open
            as_("reviewer")
            self.classes.approve(klass.uuid)
            as_("clerk")
            members = {"finished": pool[:20], "training": pool[20:35]}.get(stage, pool[35:45])
            if stage == "finished":
                members = [rare.uuid, *members]
            enrolled = []
            for uuid in members:
                try:
                    enrolled.append(
                        self.enrollments.enroll(
                            klass.uuid, EnrollInput(uuid, evidence_number=f"DEMO-{rng.randrange(10**6):06d}")
                        )
                    )
                except (NotEligible, NeedsConfirmation):
                    continue
            if stage == "opened":
                continue
            _attend(self.attendance, klass.sessions, enrolled, now, rng)
            acting.now = lambda: now
            if stage == "finished":
                for i, e in enumerate(enrolled):
                    failed = i in (5, 11) and e.trainee_uuid != rare.uuid
                    self.attendance.record_assessment(
                        e.uuid,
                        theory=float(rng.randint(45, 58) if failed else rng.randint(68, 96)),
                        practical=float(rng.randint(62, 95)),
                        assessed_on=klass.end_date,
                    )
                self.classes.finish(klass.uuid)
        if previous is not None:
            acting.user = previous
        acting.today, acting.now = clock
        return codes




def _attend(service: AttendanceService, sessions, enrolled, now: datetime, rng: random.Random) -> None:
    """Every session that is over by ``now``, by ID scan with times inside its window: most on
    time, some late or leaving early, a few on leave or absent."""
    for s in sessions:
        start, end = local_moment(s.day, s.start_time), local_moment(s.day, s.end_time)
        if end + timedelta(minutes=30) > now:
            break
        service.acting.now = lambda end=end: end + timedelta(minutes=30)  # entered as the class ends
        for e in enrolled:
            roll = rng.random()
            if roll >= 0.93:
                service.set_status(s.uuid, e.uuid, "leave" if roll < 0.97 else "absent")
                continue
            sign_in = start + timedelta(minutes=rng.randint(-25, 0))
            sign_out = end + timedelta(minutes=rng.randint(0, 20))
            if roll >= 0.86:
                sign_in = start + timedelta(minutes=rng.randint(3, 40))  # late
            elif roll >= 0.83:
                sign_out = end - timedelta(minutes=rng.randint(5, 50))  # left early
            service.check_in(s.uuid, e.trainee_id_number, at=iso(sign_in))
            service.check_out(s.uuid, e.trainee_id_number, at=iso(sign_out))
