"""A clerk at work, at random: trainees registered, edited, struck off; classes planned and their
timetables changed (a shorter timetable deletes sessions). Every change goes through the
station's own services, so the outbox holds exactly what a real station's would."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from tests.services.classes_helpers import class_input
from tests.sync_faults.world import act

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂"
STREETS = ["海州区新南街道", "连云区墟沟街道", "赣榆区青口镇", "东海县牛山街道", "灌云县伊山镇"]


class Clerk:
    """Makes random changes with ``rng``; remembers what it made so it can change it again."""

    def __init__(self, ctx, rng: random.Random, *, start: int = 0) -> None:
        self.ctx, self.rng = ctx, rng
        self.made = start  # how many trainees so far: each gets an ID number of its own
        self.trainees: dict[str, TraineeInput] = {}
        self.inactive: set[str] = set()
        self.classes: dict[str, int] = {}  # class uuid → sessions it has now
        self.changes = 0

    # -- trainees ------------------------------------------------------------------------------

    def register(self) -> None:
        n = self.made
        self.made += 1
        birth = date(1970, 1, 1) + timedelta(days=37 * n % 12000)
        number = id_with_check(f"320706{birth:%Y%m%d}{n % 997:03d}")
        data = TraineeInput(
            name=self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2))),
            id_number=number, phone=f"138{self.rng.randrange(10**8):08d}", target_group="31",
            evidence_type="失业登记证", evidence_number=f"SY2026-{n:04d}", consent=True,
            address=self.rng.choice(STREETS))
        record = self.ctx.registry.register(data)
        self.trainees[record.uuid] = data
        self.changes += 1

    def edit(self) -> None:
        uuid = self.rng.choice(sorted(self.trainees))
        data = replace(self.trainees[uuid], phone=f"139{self.rng.randrange(10**8):08d}",
                       address=f"{self.rng.choice(STREETS)}{self.rng.randint(1, 300)}号")
        current = self.ctx.registry.get(uuid)
        self.ctx.registry.update(uuid, data, expected_version=current.version)
        self.trainees[uuid] = data
        self.changes += 1

    def strike_off(self) -> None:
        active = sorted(set(self.trainees) - self.inactive)
        if not active:
            return self.register()
        uuid = self.rng.choice(active)
        self.ctx.registry.deactivate(uuid, "迁出本市")
        self.inactive.add(uuid)
        self.changes += 1

    def restore(self) -> None:
        if not self.inactive:
            return self.edit()
        uuid = self.rng.choice(sorted(self.inactive))
        act(self.ctx, "reviewer")
        try:
            self.ctx.registry.reactivate(uuid)
        finally:
            act(self.ctx, "clerk")
        self.inactive.discard(uuid)
        self.changes += 1

    # -- classes -------------------------------------------------------------------------------

    def plan_class(self) -> None:
        sessions = self.rng.randint(2, 8)
        start = date(2027, 1, 4) + timedelta(days=7 * len(self.classes))
        record = self.ctx.classes.create(class_input(start=start, sessions=sessions))
        self.classes[record.uuid] = sessions
        self.changes += 1

    def retime_class(self) -> None:
        """A draft's timetable grows or shrinks: new sessions, changed ones, deleted ones."""
        if not self.classes:
            return self.plan_class()
        uuid = self.rng.choice(sorted(self.classes))
        record = self.ctx.classes.get(uuid)
        sessions = self.rng.randint(1, 9)
        data = class_input(start=record.start_date, sessions=sessions, hours=self.rng.choice([3, 4]))
        self.ctx.classes.update(uuid, data, expected_version=record.version)
        self.classes[uuid] = sessions
        self.changes += 1

    # -- at random -----------------------------------------------------------------------------

    def work(self, steps: int) -> None:
        for _ in range(steps):
            roll = self.rng.random()
            if not self.trainees or roll < 0.45:
                self.register()
            elif roll < 0.70:
                self.edit()
            elif roll < 0.77:
                self.strike_off()
            elif roll < 0.80:
                self.restore()
            elif roll < 0.88:
                self.plan_class()
            else:
                self.retime_class()
