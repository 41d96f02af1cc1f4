"""A class's (培训班) lifecycle: 草稿 → 已开班 → 培训中 → 已结业 → 已归档, and 退回 to 草稿.

The one transition table: which action moves a class from which states to which, and who
may take it. ``ClassService`` enforces it; the class window reads it to say why a button
is disabled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

DRAFT, OPENED, TRAINING, FINISHED, ARCHIVED = "draft", "opened", "training", "finished", "archived"
STATUS_LABELS = {
    DRAFT: "草稿",
    OPENED: "已开班",
    TRAINING: "培训中",
    FINISHED: "已结业",
    ARCHIVED: "已归档",
}
ENROLLING = (DRAFT, OPENED, TRAINING)  # states in which trainees may be added
RECORDING = (OPENED, TRAINING)  # attendance is recorded (the first record starts the training)
ASSESSING = (TRAINING, FINISHED)  # assessment results are entered
ENTERING = ("clerk", "admin")  # 经办人 and 管理员 enter classes, enrolments, attendance, scores


@dataclass(frozen=True)
class Transition:
    action: str
    duty: str  # what the user does, for a refusal by role: "审核开班"
    verb: str  # the same in a sentence about states: "只有草稿才能审核开班"
    sources: tuple[str, ...]  # empty: no class yet (新建)
    target: str
    roles: tuple[str, ...]


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("create", "新建培训班", "新建", (), DRAFT, ENTERING),
        Transition("edit", "修改培训班", "修改", (DRAFT,), DRAFT, ENTERING),
        Transition("approve", "审核开班", "审核开班", (DRAFT,), OPENED, ("reviewer",)),
        Transition("send_back", "退回开班申请", "退回", (DRAFT, OPENED), DRAFT, ("reviewer",)),
        Transition("start", "开始培训", "开始培训", (OPENED,), TRAINING, ENTERING),
        Transition("finish", "结业", "结业", (TRAINING,), FINISHED, ENTERING),
        Transition("archive", "归档培训班", "归档", (FINISHED,), ARCHIVED, ("reviewer", "admin")),
    )
}


def may(action: str, role: str | None) -> bool:
    """Whether the role may take the action (whatever the class's state)."""
    return role in TRANSITIONS[action].roles


def allowed_from(action: str, status: str) -> bool:
    """Whether a class in ``status`` can take the action."""
    return status in TRANSITIONS[action].sources


def returned(status: str, review_note: str | None) -> bool:
    """退回 is no state of its own: a draft that carries the reviewer's reason (已退回)."""
    return status == DRAFT and bool(review_note)


def earliest_finish(session_days: Iterable[date], end_date: date) -> date:
    """A class closes (结业) no earlier than its last session; with none, its end date."""
    return max(session_days, default=end_date)
