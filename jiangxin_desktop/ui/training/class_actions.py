"""Which class actions the clerk at the screen may take now, and in words why not.

The services enforce the same rules (roles and states); this only mirrors them so that a
disabled button can say why it is disabled.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from jiangxin_desktop.services.training.class_records import STATUS_LABELS, ClassRecord
from jiangxin_desktop.services.security.roles import ROLE_LABELS, UserInfo

ENTERING = ("clerk", "admin")  # 经办人 and 管理员 enter classes, enrolments, attendance
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


def class_action_blocks(
    user: UserInfo | None, record: ClassRecord | None, today: date | None = None
) -> dict[str, str | None]:
    """Action → None when allowed, else the reason in Chinese (for the button's tooltip)."""
    pick = _tr("请先在列表中选择一个培训班")
    blocks: dict[str, str | None] = {"new": _only(user, ENTERING, _tr("新建培训班"))}
    if record is None:
        blocks.update({key: pick for key in ACTIONS if key != "new"})
        return blocks
    blocks["open"] = None
    blocks["edit"] = _only(user, ENTERING, _tr("修改培训班")) or _state(record, ("draft",), _tr("修改"))
    blocks["approve"] = _only(user, ("reviewer",), _tr("审核开班")) or _state(
        record, ("draft",), _tr("审核开班")
    )
    blocks["send_back"] = _only(user, ("reviewer",), _tr("退回")) or _state(
        record, ("draft", "opened"), _tr("退回")
    )
    blocks["start"] = _only(user, ENTERING, _tr("开始培训")) or _state(record, ("opened",), _tr("开始培训"))
    finish = _only(user, ENTERING, _tr("结业")) or _state(record, ("training",), _tr("结业"))
    if finish is None and record.sessions:
        last = max(s.day for s in record.sessions)
        if (today or date.today()) < last:
            finish = _tr("最后一次课在 {day}，之后才能结业").format(day=last.isoformat())
    blocks["finish"] = finish
    blocks["archive"] = _only(user, ("reviewer", "admin"), _tr("归档")) or _state(
        record, ("finished",), _tr("归档")
    )
    return blocks


def may_enter(user: UserInfo | None) -> str | None:
    """None when the user enters data (enrolment, attendance, scores), else why not."""
    return _only(user, ENTERING, _tr("报名、考勤和考核成绩"))
