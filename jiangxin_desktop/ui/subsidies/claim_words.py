"""The 补贴 page's words: claim statuses, explanation lines, and why an action cannot be taken now.

One function of the selected row, the class's rows and the user's role gives every button's
reason (empty: it can be pressed), so that the tooltips and the enabled state agree and can be
read in one place, as ``ui/sync/button_reasons.py`` does for the 同步 page. The service checks
the same rules again.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication

from jiangxin_desktop.services.security.roles import ROLE_LABELS

ENTERING = ("clerk", "reviewer", "admin")  # 生成, 更正: anyone who enters claims
REVIEWING = ("reviewer", "admin")  # 审核通过, 退回修改, 撤回申请
OPEN_STATUSES = ("draft", "reviewed", "submitted", "approved", "paid")  # block a second claim
PRINTED_STATUSES = ("draft", "reviewed", "submitted", "approved", "paid", "returned")  # 申请表, 汇总表
NOTICE_STATUSES = ("reviewed", "submitted", "approved", "paid")  # 公示名单: reviewed claims only

MARK_OK, MARK_FAIL, MARK_NOTE = "✓", "✗", "！"


def _tr(text: str) -> str:
    return QCoreApplication.translate("SubsidyPage", text)


def status_word(key: str | None) -> str:
    """The display key of a claim (CheckRow.claim_status / ClaimRecord.display_status) in words."""
    words = {
        "draft": _tr("草稿"),
        "reviewed": _tr("已审核"),
        "submitted": _tr("已提交"),
        "approved": _tr("已核准"),
        "returned": _tr("已退回"),
        "paid": _tr("已发放"),
        "withdrawn": _tr("已撤回"),
    }
    return words.get(key or "", _tr("未申请"))


def line_mark(line: Any) -> str:
    """✓ passes, ✗ blocks the claim, ！ a note that does not block it."""
    if line.ok:
        return MARK_OK
    return MARK_FAIL if line.blocks else MARK_NOTE


def line_html(line: Any) -> str:
    """“✗ <b>出勤率</b>：出勤 30/40 课时（75%），低于目录要求的 80%”."""
    return f"{line_mark(line)} <b>{escape(line.rule)}</b>：{escape(line.text)}"


def first_reason(row: Any) -> str:
    """The first blocking reason of a row, for summaries (“出勤率：出勤 30/40 课时……”)."""
    return row.reasons[0] if row.reasons else _tr("不能申请")


def _role_block(role: str | None, roles: tuple[str, ...], what: str) -> str:
    if role in roles:
        return ""
    if role is None:
        return _tr("请先登录")
    who = _tr("或").join(ROLE_LABELS[r] for r in roles)
    return _tr("{what}由{who}办理；您的角色是{mine}").format(what=what, who=who, mine=ROLE_LABELS.get(role, role))


def action_reasons(
    row: Any | None, rows: Sequence[Any], role: str | None, busy: bool = False, conflicts: Sequence[str] = ()
) -> dict[str, str]:
    """{action: why it cannot be taken now, or ""}; ``row`` is the selected CheckRow (or None),
    ``conflicts`` what changed since its claim was written (ClaimDetail.conflicts)."""
    pick = _tr("请先在列表中选择一名学员")
    status = row.claim_status if row is not None else None
    running = _tr("正在处理，请稍候")

    def create() -> str:
        block = _role_block(role, ENTERING, _tr("生成补贴申请"))
        if block or row is None:
            return block or pick
        if status in OPEN_STATUSES:
            return _tr("{name}已有补贴申请 {number}（{status}），同一次培训只能申请一次").format(
                name=row.trainee_name, number=row.claim_number, status=status_word(status)
            )
        if status == "returned":
            return _tr("申请已被市里退回：请点“更正后重新申请”")
        if not row.eligible:
            return _tr("不能申请：{why}").format(why=first_reason(row))
        return ""

    def create_all() -> str:
        block = _role_block(role, ENTERING, _tr("生成补贴申请"))
        if block:
            return block
        if not rows:
            return _tr("请先选择培训班")
        if not any(r.eligible and r.claim_status not in (*OPEN_STATUSES, "returned") for r in rows):
            return _tr("本班没有可以新生成申请的学员")
        return running if busy else ""

    def review() -> str:
        block = _role_block(role, REVIEWING, _tr("审核补贴申请"))
        if block or row is None:
            return block or pick
        if status != "draft":
            return _tr("只有草稿状态的申请才能审核通过") if status else _tr("{name}还没有补贴申请").format(
                name=row.trainee_name
            )
        if conflicts:
            return _tr("填写申请后记录有变化（{what}），请撤回后重新生成").format(what="；".join(conflicts))
        return ""

    def send_back() -> str:
        block = _role_block(role, REVIEWING, _tr("退回修改"))
        if block or row is None:
            return block or pick
        if status == "submitted":
            return _tr("申请已随同步批次提交市里，不能再退回修改；可以等市里的决定")
        if status != "reviewed":
            return _tr("只有已审核、尚未提交市里的申请才能退回修改")
        return ""

    def withdraw() -> str:
        block = _role_block(role, REVIEWING, _tr("撤回申请"))
        if block or row is None:
            return block or pick
        if status not in ("draft", "reviewed", "submitted"):
            if status in ("approved", "paid", "returned"):
                return _tr("市里已经作出决定（{status}），不能撤回").format(status=status_word(status))
            return _tr("{name}没有可以撤回的申请").format(name=row.trainee_name)
        return ""

    def correct() -> str:
        block = _role_block(role, ENTERING, _tr("更正后重新申请"))
        if block or row is None:
            return block or pick
        if status != "returned":
            return _tr("只有被市里退回的申请才能更正后重新申请")
        return ""

    def printing(statuses: tuple[str, ...] = PRINTED_STATUSES) -> str:
        if not rows:
            return _tr("请先选择培训班")
        if not any(r.claim_status in PRINTED_STATUSES for r in rows):
            return _tr("本班还没有补贴申请，请先生成")
        if not any(r.claim_status in statuses for r in rows):
            return _tr("本班的补贴申请都还没有审核通过，审核后才能公示")
        return running if busy else ""

    return {
        "create": create(),
        "create_all": create_all(),
        "review": review(),
        "send_back": send_back(),
        "withdraw": withdraw(),
        "correct": correct(),
        "print": printing(),
        "notice": printing(NOTICE_STATUSES),
    }


def action_help() -> dict[str, str]:
    return {
        "create": _tr("为选中的学员生成补贴申请（草稿），选择支付对象和收款账户"),
        "create_all": _tr("为本班所有可以申请的学员生成申请，补贴支付给本人"),
        "review": _tr("核对后审核通过；已审核的申请在下次同步时提交市里"),
        "send_back": _tr("把已审核、尚未提交的申请退回经办人修改（须填写原因）"),
        "withdraw": _tr("撤回市里尚未作出决定的申请（须填写原因）"),
        "correct": _tr("按市里的退回原因更正后，生成新的申请"),
        "print": _tr("打印补贴申请表、汇总表或公示名单"),
        "notice": _tr("公示已审核的申请：姓名、身份证号（隐去中间）、金额和公示期"),
    }
