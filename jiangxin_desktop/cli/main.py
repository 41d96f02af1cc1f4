"""Command line: ``jiangxin-desktop [command]``. With no command the window opens.

Every command shares the services the windows use, and prints JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import sys

from jiangxin_desktop import __version__
from jiangxin_desktop.cli.output import fail, silence_stdout
from jiangxin_desktop.cli.parser import Parser, UsageError, install_chinese
from jiangxin_desktop.errors import KnownError


def _add_common(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--json", action="store_true", default=default, help="以 JSON 输出（供脚本使用）")
    parser.add_argument(
        "--data-dir",
        default=default,
        help="数据目录（默认：环境变量 JIANGXIN_DATA_DIR，否则为本机用户数据文件夹）",
    )
    parser.add_argument(
        "--user", default=default, help="以该用户登录（密码：提示输入，或环境变量 JIANGXIN_PASSWORD）"
    )


_VALUED = ("--data-dir", "--user")  # the options before a command that take a value
_FLAGS = ("--json", "--self-test", "--demo")


def opens_the_window(argv: list[str]) -> bool:
    """True when ``argv`` names no command (only the options the window takes): the window
    starts without the commands' parser, whose modules cost ~50-75 ms before anything paints."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUED:
            i += 2
        elif arg in _FLAGS or arg.startswith(tuple(f"{o}=" for o in _VALUED)):
            i += 1
        else:  # a command, --help, --version, a typo: the full parser decides
            return False
    return True


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    # --json and --data-dir work before or after the subcommand; the subcommands' copies
    # default to SUPPRESS so that they never overwrite a value given before the subcommand.
    install_chinese()
    common = Parser(add_help=False)
    _add_common(common, argparse.SUPPRESS)

    parser = Parser(prog="jiangxin-desktop", description="匠心 职业技能培训 服务站客户端")
    _add_common(parser, None)
    parser.set_defaults(json=False)
    parser.add_argument("--version", action="version", version=__version__, help="显示版本号并退出")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="自检：打开一个临时加密数据库、在后台绘制中文，然后退出",
    )
    parser.add_argument("--demo", action="store_true", help="还没有数据库时，先建立演示数据库再打开窗口")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command")

    from jiangxin_desktop.cli import commands as every_command

    every_command.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # output piped into `head`: stop quietly
        silence_stdout()
        return 0


def _run(argv: list[str] | None) -> int:
    parser = build_parser(commands=not opens_the_window(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return fail(exc.message, as_json="--json" in (sys.argv[1:] if argv is None else argv))
    as_json = bool(getattr(args, "json", False))
    try:
        if args.self_test:
            from jiangxin_desktop.selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from jiangxin_desktop.ui.shell.app import run_gui

            return run_gui(args)
        return args.handler(args)
    except KnownError as exc:
        return fail(_with_restore_hint(exc, args), as_json=as_json)
    except BrokenPipeError:  # not a bug: main stops quietly
        raise
    except KeyboardInterrupt:
        return fail("已取消。", as_json=as_json, code=130)
    except Exception as exc:  # a bug: keep a report, say where it is
        from jiangxin_desktop.crash import save_crash_report
        from jiangxin_desktop.database_files import as_damage
        from jiangxin_desktop.paths import resolve_data_dir

        damage = as_damage(exc, resolve_data_dir(getattr(args, "data_dir", None)).database)
        if damage is not None:  # a page that cannot be read, met while working: not a bug
            return fail(_with_restore_hint(damage, args), as_json=as_json)

        path = save_crash_report(exc, data_dir=getattr(args, "data_dir", None))
        return fail(f"程序内部错误，报告已保存到 {path}，请发给技术支持。", as_json=as_json, code=70)


def _with_restore_hint(exc: KnownError, args: argparse.Namespace) -> str:
    """A key that cannot open the database: name the newest sound backup in the data
    directory's backups folder and the exact command that restores it."""
    from jiangxin_desktop.errors import DatabaseDamagedError
    from jiangxin_desktop.services.security.keystore import UnusableKeyError

    if not isinstance(exc, (UnusableKeyError, DatabaseDamagedError)):
        return exc.message
    from jiangxin_desktop.paths import resolve_data_dir
    from jiangxin_desktop.services.audit.anchor import shown_time
    from jiangxin_desktop.services.station.db_check import newest_backup

    paths = resolve_data_dir(getattr(args, "data_dir", None))
    choice = newest_backup([paths.root / "backups"], None)
    if choice is None:
        return exc.message
    return (
        f"{exc.message}数据目录中最新的完好备份做于 {shown_time(choice.created_at)}（{choice.trainees} 名学员），"
        f"恢复命令：{choice.restore_command}"
    )


if __name__ == "__main__":
    sys.exit(main())
