"""Command line: ``jiangxin-desktop [command]``. With no command the window opens.

Every command shares the services the windows use, and prints JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import sys

from jiangxin_desktop import __version__
from jiangxin_desktop.cli.output import fail
from jiangxin_desktop.errors import KnownError


def _add_common(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--json", action="store_true", default=default, help="print JSON")
    parser.add_argument(
        "--data-dir",
        default=default,
        help="data directory (default: JIANGXIN_DATA_DIR or the user data folder)",
    )
    parser.add_argument(
        "--user", default=default, help="log in as this user (password: prompt or JIANGXIN_PASSWORD)"
    )


def build_parser() -> argparse.ArgumentParser:
    # --json and --data-dir work before or after the subcommand; the subcommands' copies
    # default to SUPPRESS so that they never overwrite a value given before the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)

    parser = argparse.ArgumentParser(prog="jiangxin-desktop", description="匠心 职业技能培训 服务站客户端")
    _add_common(parser, None)
    parser.set_defaults(json=False)
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open a temporary encrypted database, render Chinese offscreen, exit",
    )
    parser.add_argument(
        "--demo", action="store_true", help="when no database exists, create one with demo data first"
    )
    sub = parser.add_subparsers(dest="command")

    from jiangxin_desktop.cli import commands

    commands.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    as_json = bool(getattr(args, "json", False))
    try:
        if args.self_test:
            from jiangxin_desktop.selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from jiangxin_desktop.ui.app import run_gui

            return run_gui(args)
        return args.handler(args)
    except KnownError as exc:
        return fail(exc.message, as_json=as_json)
    except BrokenPipeError:  # output piped into `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return fail("已取消。", as_json=as_json, code=130)
    except Exception as exc:  # a bug: keep a report, say where it is
        from jiangxin_desktop.crash import save_crash_report

        path = save_crash_report(exc, data_dir=getattr(args, "data_dir", None))
        return fail(f"程序内部错误，报告已保存到 {path}，请发给技术支持。", as_json=as_json, code=70)


if __name__ == "__main__":
    sys.exit(main())
