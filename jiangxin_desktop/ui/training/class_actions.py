"""Which class actions the clerk at the screen may take now, and in words why not.

The services enforce the transition table of domain/class_lifecycle; this reads the same
table so that a disabled button can say why it is disabled.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from jiangxin_desktop.domain.class_lifecycle import ENTERING, STATUS_LABELS, TRANSITIONS, earliest_finish
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.services.security.roles import ROLE_LABELS, UserInfo

ACTIONS = ("new", "edit", "approve", "send_back", "start", "finish", "archive", "open")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ClassActions", text)


def _role_text(user: UserInfo | None) -> str:
    if user is None:
        return _tr("尚未登录")
    return _tr("您的角色是{role}").format(role=ROLE_LABELS.get(user.role, user.role))


def _only(user: UserInfo | None, roles: tuple[str, ...], what: str) -> str | None:
    if user is not None and user.role in roles:
        return None
    who = _tr("或").join(ROLE_LABELS[r] for r in roles)
    return _tr("{what}由{who}办理；{mine}").format(what=what, who=who, mine=_role_text(user))


def _state(record: ClassRecord, allowed: tuple[str, ...], what: str) -> str | None:
    if record.status in allowed:
        return None
    need = _tr("或").join(f"“{STATUS_LABELS[s]}”" for s in allowed)
    return _tr("只有{need}的培训班才能{what}，本班现在是“{now}”").format(
        need=need, what=what, now=record.status_label
    )


def _block(user: UserInfo | None, record: ClassRecord, action: str) -> str | None:
    step = TRANSITIONS[action]
    return _only(user, step.roles, _tr(step.duty)) or _state(record, step.sources, _tr(step.verb))


def class_action_blocks(
    user: UserInfo | None, record: ClassRecord | None, today: date | None = None
) -> dict[str, str | None]:
    """Action → None when allowed, else the reason in Chinese (for the button's tooltip)."""
    pick = _tr("请先在列表中选择一个培训班")
    create = TRANSITIONS["create"]
    blocks: dict[str, str | None] = {"new": _only(user, create.roles, _tr(create.duty))}
    if record is None:
        blocks.update({key: pick for key in ACTIONS if key != "new"})
        return blocks
    blocks["open"] = None
    for action in ("edit", "approve", "send_back", "start", "finish", "archive"):
        blocks[action] = _block(user, record, action)
    last = earliest_finish((s.day for s in record.sessions), record.end_date)
    if blocks["finish"] is None and (today or date.today()) < last:
        blocks["finish"] = _tr("最后一次课在 {day}，之后才能结业").format(day=last.isoformat())
    return blocks


def may_enter(user: UserInfo | None) -> str | None:
    """None when the user enters data (enrolment, attendance, scores), else why not."""
    return _only(user, ENTERING, _tr("报名、考勤和考核成绩"))
