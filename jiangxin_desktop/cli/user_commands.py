"""``jiangxin-desktop user …``: accounts (administrators manage them; everyone changes their own)."""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.commands import open_cli_context, user_password
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError

# The service module pulls in SQLAlchemy; the parser is built on every start (the window
# included), so the role names are repeated here and the labels looked up when needed.
ROLE_CHOICES = ("clerk", "reviewer", "admin")


def _label(role: str) -> str:
    from jiangxin_desktop.services.security.users import ROLE_LABELS

    return ROLE_LABELS[role]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    user = sub.add_parser("user", help="用户账户").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("create-admin", parents=[common], help="数据库还没有用户时，创建第一个管理员")
    p.add_argument("username")
    p.add_argument("--name", default="管理员")
    p.set_defaults(handler=cmd_create_admin)
    p = user.add_parser("add", parents=[common], help="新建用户（管理员）；密码为临时密码，首次登录须修改")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--role", required=True, choices=ROLE_CHOICES)
    p.set_defaults(handler=cmd_add)
    p = user.add_parser("list", parents=[common], help="列出用户（管理员）")
    p.set_defaults(handler=cmd_list)
    p = user.add_parser("unlock", parents=[common], help="解除锁定（管理员）")
    p.add_argument("username")
    p.set_defaults(handler=cmd_unlock)


def _info(user) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": _label(user.role),
        "active": user.active,
        "must_change_password": user.must_change_password,
        "locked_until": user.locked_until,
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


def _new_password() -> str:
    import getpass
    import os
    import sys

    value = os.environ.get("JIANGXIN_NEW_PASSWORD")
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError("需要新用户的临时密码：请在提示时输入，或设置环境变量 JIANGXIN_NEW_PASSWORD。")
    first = getpass.getpass("新用户的临时密码：")
    if getpass.getpass("再次输入：") != first:
        raise KnownError("两次输入的密码不一致。")
    return first


def cmd_list(args) -> int:
    ctx = open_cli_context(args)
    try:
        users = ctx.users.list_users(ctx.user)
    finally:
        ctx.close()
    for user in users:
        emit(
            _info(user),
            as_json=args.json,
            text=f"{user.username}\t{user.display_name}\t{_label(user.role)}",
        )
    return 0


def cmd_unlock(args) -> int:
    ctx = open_cli_context(args)
    try:
        ctx.users.unlock(ctx.user, args.username)
    finally:
        ctx.close()
    emit({"unlocked": args.username}, as_json=args.json, text=f"已解除 {args.username} 的锁定")
    return 0
