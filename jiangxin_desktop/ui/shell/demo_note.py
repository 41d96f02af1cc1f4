"""Where a demo database's users and passwords are: on the terminal at start, and one line on
its login form. The demo users all share one password (``demo --password`` may have set
another; the terminal line says so)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QCoreApplication

from jiangxin_desktop.demo_setup import DEMO_PASSWORD, DEMO_USERS
from jiangxin_desktop.services.security.roles import ROLE_LABELS

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

_announced: set[str] = set()  # databases whose users were printed by this process


def _tr(text: str) -> str:
    return QCoreApplication.translate("DemoNote", text)


def demo_users_text() -> str:
    """clerk（经办人）、reviewer（审核人）、admin（管理员）"""
    return "、".join(f"{name}（{ROLE_LABELS[role]}）" for name, _display, role in reversed(DEMO_USERS))


def terminal_note() -> str:
    return _tr(
        "演示数据库的用户：{users}，密码均为 {password}"
        "（用 demo --password 建立的演示数据库，密码是当时指定的）。"
    ).format(users=demo_users_text(), password=DEMO_PASSWORD)


def login_line() -> str:
    return _tr("演示数据库：用户名 {users}，密码见启动时终端输出或 README（默认 {password}）。").format(
        users=" / ".join(name for name, _display, _role in reversed(DEMO_USERS)), password=DEMO_PASSWORD
    )


def announce_demo(ctx: AppContext, stream: TextIO | None = None) -> str | None:
    """For a demo database: print the users once on the terminal, return the login form's line."""
    if not ctx.demo:
        return None
    key = str(ctx.paths.database)
    if key not in _announced:
        _announced.add(key)
        out = stream if stream is not None else sys.stdout
        try:
            print(terminal_note(), file=out, flush=True)
        except (OSError, ValueError):  # no terminal (pythonw, closed pipe): the form still says it
            pass
    return login_line()
