"""Opening the database from the command line: the passphrase, the account password, ``--user``.

Every command module imports these from here (not from ``commands.py``, which imports the
command modules to register them: that was an import cycle).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import resolve_data_dir
from jiangxin_desktop.services.security.keystore import PassphraseProvider, env_passphrase_provider

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


def terminal_passphrase(new: bool) -> str:
    """Ask on the terminal; refuse when there is none (scripts set JIANGXIN_PASSPHRASE)."""
    if not sys.stdin.isatty():
        raise KnownError("本机没有系统密钥环，需要数据库口令：请设置环境变量 JIANGXIN_PASSPHRASE。")
    if not new:
        return getpass.getpass("数据库口令：")
    first = getpass.getpass("设置数据库口令（至少 8 个字符）：")
    if getpass.getpass("再次输入口令：") != first:
        raise KnownError("两次输入的口令不一致。")
    return first


def cli_passphrase() -> PassphraseProvider:
    return env_passphrase_provider(terminal_passphrase)


PASSWORD_ENV = "JIANGXIN_PASSWORD"


def user_password(prompt: str = "密码：", *, confirm: bool = False) -> str:
    """The account password: JIANGXIN_PASSWORD for scripts, else asked on the terminal."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError(f"需要登录密码：请在提示时输入，或设置环境变量 {PASSWORD_ENV}。")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再次输入：") != first:
        raise KnownError("两次输入的密码不一致。")
    return first


def open_cli_context(
    args, *, login: bool = True, password: str | None = None, reads_only: bool = False
) -> AppContext:
    """Open the database and, for commands that touch personal data, log in as --user
    (with ``password`` when the command has asked for it already, else as user_password).

    A command that changes data (``reads_only`` false) refuses while the program's window
    holds the data directory: the window's screens would not show the change."""
    from jiangxin_desktop.cli.window_lock import window_holder
    from jiangxin_desktop.context import open_context

    paths = resolve_data_dir(args.data_dir)
    if not reads_only and (pid := window_holder(paths.root)) is not None:
        raise KnownError(
            f"程序窗口正在使用这个数据目录（进程 {pid}），命令行不能同时修改数据，"
            "否则窗口里显示的内容会过时。请在窗口中操作，或先关闭窗口再运行这条命令。"
        )
    ctx = open_context(paths, cli_passphrase())
    if not login:
        return ctx
    try:
        if not ctx.users.has_users():
            raise KnownError("数据库还没有用户账户。请先运行 jiangxin-desktop user create-admin 创建管理员。")
        if not getattr(args, "user", None):
            raise KnownError("请用 --user 指定用户名（密码在提示时输入，或用环境变量 JIANGXIN_PASSWORD）。")
        ctx.login(args.user, password if password is not None else user_password())
    except BaseException:
        ctx.close()
        raise
    return ctx
