"""The command line's parser, in Chinese: argparse's own words and its errors.

argparse looks its words up through the module-level ``_`` (and ``ngettext``) of the
``argparse`` module at the moment it uses them (``usage:``, the headings of the help, the
help of ``-h``, every parse error), so :func:`install_chinese` points those two names at a
table of its messages (those of Python 3.11's argparse); a message not in the table stays as argparse
wrote it. Parse errors do not print and exit inside argparse: :class:`Parser` raises
:class:`UsageError`, and ``main`` reports it like every other error (in JSON with
``--json``), with exit status 2 as argparse would.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

_ZH = {
    "usage: ": "用法：",
    "positional arguments": "命令和参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r 不是可选的值，请从 %(choices)s 中选择",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值（应为 %(type)s）",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少应跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "须填写参数 %s 之一",
    "ignored explicit argument %r": "选项不接受值 %r",
    "unexpected option string: %s": "多余的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开文件“%(filename)s”：%(error)s",
}
_HEADINGS = (_ZH["positional arguments"], _ZH["options"])
_ZH_PLURAL = {"expected %s argument": "后面应跟 %s 个值"}


def _translate(message: str) -> str:
    return _ZH.get(message, message)


def _translate_plural(singular: str, plural: str, count: int) -> str:
    if singular in _ZH_PLURAL:
        return _ZH_PLURAL[singular]
    return singular if count == 1 else plural


def install_chinese() -> None:
    """From now on argparse speaks Chinese in this process (the program's own command line)."""
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = _translate_plural  # type: ignore[attr-defined]


class UsageError(Exception):
    """The command line could not be parsed; the message says why, in Chinese."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.message = f"{message}（运行 {prog} -h 查看用法）"


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数，请填写数字，如 20") from None


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised (as :class:`UsageError`) instead of printed.

    ``type=int`` reads whole numbers with an error in Chinese (argparse's own names the type
    by its Python name, "int").
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register("type", int, _integer)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.prog)

    def format_help(self) -> str:
        # argparse's formatter ends each section heading with an ASCII colon.
        text = super().format_help()
        for heading in _HEADINGS:
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text

    def add_subparsers(self, **kwargs):
        # Errors and usage name the command by this word, not by the attribute it is kept in.
        kwargs.setdefault("metavar", "命令")
        return super().add_subparsers(**kwargs)
