"""``jiangxin-desktop user …``: accounts (administrators manage them; everyone changes their own)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jiangxin_desktop.cli.login import open_cli_context, user_password
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError

if TYPE_CHECKING:
    from jiangxin_desktop.services.security.users import UserInfo

# The service module pulls in SQLAlchemy; the parser is built on every start (the window
# included), so the role names are repeated here and the labels looked up when needed.
ROLE_CHOICES = ("clerk", "reviewer", "admin")
ROLE_HELP = "角色：clerk 经办人、reviewer 审核人、admin 管理员"


def _label(role: str) -> str:
    from jiangxin_desktop.services.security.users import ROLE_LABELS

    return ROLE_LABELS[role]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    user = sub.add_parser("user", help="用户账户").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("create-admin", parents=[common], help="数据库还没有用户时，创建第一个管理员")
    p.add_argument("username", metavar="用户名")
    p.add_argument("--name", default="管理员", help="姓名（默认“管理员”）")
    p.set_defaults(handler=cmd_create_admin)
    p = user.add_parser("add", parents=[common], help="新建用户（管理员）；密码为临时密码，首次登录须修改")
    p.add_argument("username", metavar="用户名")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--role", required=True, choices=ROLE_CHOICES, help=ROLE_HELP)
    p.set_defaults(handler=cmd_add)
    p = user.add_parser("list", parents=[common], help="列出用户（管理员）")
    p.set_defaults(handler=cmd_list)
    p = user.add_parser("unlock", parents=[common], help="解除锁定（管理员）")
    p.add_argument("username", metavar="用户名")
    p.set_defaults(handler=cmd_unlock)
    p = user.add_parser(
        "passwd",
        parents=[common],
        help="修改自己的密码（原密码：JIANGXIN_PASSWORD 或提示；新密码：JIANGXIN_NEW_PASSWORD 或提示两次）",
    )
    p.set_defaults(handler=cmd_passwd)
    p = user.add_parser(
        "reset",
        parents=[common],
        help="重置密码（管理员）；临时密码下次登录时须修改（JIANGXIN_NEW_PASSWORD）",
    )
    p.add_argument("username", metavar="用户名")
    p.set_defaults(handler=cmd_reset)
    p = user.add_parser(
        "role", parents=[common], help="修改角色（管理员）：clerk 经办人、reviewer 审核人、admin 管理员"
    )
    p.add_argument("username", metavar="用户名")
    p.add_argument("role", choices=ROLE_CHOICES, help=ROLE_HELP)
    p.set_defaults(handler=cmd_role)
    p = user.add_parser("deactivate", parents=[common], help="停用账户（管理员）；账户不删除，可以再启用")
    p.add_argument("username", metavar="用户名")
    p.set_defaults(handler=cmd_deactivate)
    p = user.add_parser("reactivate", parents=[common], help="重新启用已停用的账户（管理员）")
    p.add_argument("username", metavar="用户名")
    p.set_defaults(handler=cmd_reactivate)


def _info(user) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": _label(user.role),
        "active": user.active,
        "must_change_password": user.must_change_password,
        "locked_until": user.locked_until,
        "last_login_at": user.last_login_at,
    }


def cmd_create_admin(args) -> int:
    ctx = open_cli_context(args, login=False)
    try:
        if ctx.users.has_users():
            raise KnownError("数据库已经有用户账户；新用户请由管理员用 user add 创建。")
        admin = ctx.users.create_first_admin(
            args.username, args.name, user_password("设置密码：", confirm=True)
        )
    finally:
        ctx.close()
    emit(_info(admin), as_json=args.json, text=f"已创建管理员 {admin.username}")
    return 0


def cmd_add(args) -> int:
    ctx = open_cli_context(args)
    try:
        temporary = _new_password()
        user = ctx.users.create_user(ctx.user, args.username, args.name, args.role, temporary)
    finally:
        ctx.close()
    emit(_info(user), as_json=args.json, text=f"已创建用户 {user.username}（{_label(user.role)}）")
    return 0


NEW_PASSWORD_ENV = "JIANGXIN_NEW_PASSWORD"


def _new_password(what: str = "新用户的临时密码") -> str:
    """A password being set: JIANGXIN_NEW_PASSWORD for scripts, else asked twice on the terminal."""
    import getpass
    import os
    import sys

    value = os.environ.get(NEW_PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError(f"需要{what}：请在提示时输入，或设置环境变量 {NEW_PASSWORD_ENV}。")
    first = getpass.getpass(f"{what}：")
    if getpass.getpass("再次输入：") != first:
        raise KnownError("两次输入的密码不一致，没有修改。请重新运行命令。")
    return first


def cmd_list(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        users = ctx.users.list_users(ctx.user)
    finally:
        ctx.close()
    for user in users:
        emit(
            _info(user),
            as_json=args.json,
            text=f"{user.username}\t{user.display_name}\t{_label(user.role)}\t{_status(user)}",
        )
    return 0


def _status(user: UserInfo) -> str:
    from jiangxin_desktop.services.security.roles import local_hhmm, parse_iso

    if not user.active:
        return "已停用"
    if user.locked_until:
        return f"已锁定至 {local_hhmm(parse_iso(user.locked_until))}"
    return "需改密码" if user.must_change_password else "正常"


def cmd_unlock(args) -> int:
    ctx = open_cli_context(args)
    try:
        ctx.users.unlock(ctx.user, args.username)
    finally:
        ctx.close()
    emit({"unlocked": args.username}, as_json=args.json, text=f"已解除 {args.username} 的锁定")
    return 0


def cmd_passwd(args) -> int:
    # The current password is asked once: it logs in and it is checked again by the change.
    current = user_password("当前密码：") if getattr(args, "user", None) else None
    ctx = open_cli_context(args, password=current)
    try:
        assert ctx.user is not None and current is not None
        user = ctx.users.change_password(ctx.user, current, _new_password("新密码"))
    finally:
        ctx.close()
    emit(_info(user), as_json=args.json, text=f"已修改 {user.username} 的密码")
    return 0


def _as_admin(args, change) -> UserInfo:
    """Log in as --user, apply ``change(users, acting)`` and return the changed account."""
    ctx = open_cli_context(args)
    try:
        assert ctx.user is not None
        return change(ctx.users, ctx.user)
    finally:
        ctx.close()


def cmd_reset(args) -> int:
    user = _as_admin(
        args, lambda users, me: users.reset_password(me, args.username, _new_password("临时密码"))
    )
    text = f"已重置 {user.username} 的密码；下次登录时须先修改这个临时密码"
    emit(_info(user), as_json=args.json, text=text)
    return 0


def cmd_role(args) -> int:
    user = _as_admin(args, lambda users, me: users.change_role(me, args.username, args.role))
    emit(_info(user), as_json=args.json, text=f"已把 {user.username} 的角色改为{_label(user.role)}")
    return 0


def cmd_deactivate(args) -> int:
    user = _as_admin(args, lambda users, me: users.deactivate(me, args.username))
    emit(_info(user), as_json=args.json, text=f"已停用账户 {user.username}（记录保留，可以再启用）")
    return 0


def cmd_reactivate(args) -> int:
    user = _as_admin(args, lambda users, me: users.reactivate(me, args.username))
    emit(_info(user), as_json=args.json, text=f"已重新启用账户 {user.username}")
    return 0
