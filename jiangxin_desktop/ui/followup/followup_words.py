"""The words and keys of the 待回访 list: outcome keys 1–5, the legend, a row's state.

Kept apart from the widgets so the tab, the form and the tests share one wording.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt

# outcome code → digit key (the order of the code list 回访结果)
OUTCOME_KEYS = {
    "employed": Qt.Key.Key_1,
    "self_employed": Qt.Key.Key_2,
    "flexible": Qt.Key.Key_3,
    "not_employed": Qt.Key.Key_4,
    "unreachable": Qt.Key.Key_5,
}
OUTCOME_BY_KEY = {key: code for code, key in OUTCOME_KEYS.items()}
SHOW_WEEK, SHOW_ALL, SHOW_DONE = "week", "all", "done"


def _tr(text: str) -> str:
    return QCoreApplication.translate("FollowupTab", text)


def outcome_legend(labels: dict[str, str]) -> str:
    """键盘：1 受雇就业 · 2 自主创业 · … ; Enter 填写工作单位等."""
    parts = [f"{i} {labels.get(code, code)}" for i, code in enumerate(OUTCOME_KEYS, start=1)]
    return _tr("键盘：{keys}（按键即记为今天回访）；Enter 填写工作单位、用工形式、月工资等；↑↓ 换人").format(
        keys=" · ".join(parts)
    )


def period_words(months: int) -> str:
    return _tr("{n} 个月").format(n=months)


def state_words(row: Any) -> str:
    if getattr(row, "overdue", False):
        return _tr("逾期 {n} 天").format(n=getattr(row, "days_overdue", 0))
    return _tr("待回访")


def end_of_week(today: date) -> date:
    """Sunday of ``today``'s week (本周到期: due on or before it)."""
    return today + timedelta(days=6 - today.weekday())


def matches(row: Any, text: str) -> bool:
    """The search box: name, phone, class code or name, or the visible part of the ID number."""
    needle = text.strip().lower()
    if not needle:
        return True
    fields = ("trainee_name", "phone", "class_code", "class_name", "id_masked")
    return any(needle in str(getattr(row, f, "") or "").lower() for f in fields)
