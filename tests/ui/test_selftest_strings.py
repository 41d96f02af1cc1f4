"""The self-test checks that Qt's own Chinese strings are there (a frozen build must carry them)."""

from __future__ import annotations

from jiangxin_desktop.ui.shell.selftest_render import qt_chinese_collation, qt_chinese_strings


def test_qtbase_chinese_strings_are_found_and_checked(qapp):
    assert qt_chinese_strings().endswith("已载入：取消；程序文字正常：学员")


def test_chinese_collation_is_checked_in_pinyin_order(qapp):
    assert qt_chinese_collation() == "界面：中文排序按拼音（阿 李 张 周）"
