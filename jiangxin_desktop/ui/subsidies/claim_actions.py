"""The actions of the 补贴 page: 生成补贴申请, 全班生成, 审核通过, 退回修改, 撤回申请, 更正后重新申请.

Each asks what it needs (支付对象 and account, or a reason), calls ``ctx.subsidy`` and ends in
``page.after`` with a sentence for the status bar. A refusal of the service (a KnownError:
不能申请 with every blocking line, a conflict with the frozen inputs, a role) is shown as it
is worded. 全班生成 runs in a worker under a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.domain.subsidy import PAYEE_PERSON, Payee
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.subsidies.claim_words import first_reason
from jiangxin_desktop.ui.subsidies.payee_dialog import PayeeDefaults, PayeeDialog
from jiangxin_desktop.ui.training.class_printing import run_in_worker
from jiangxin_desktop.ui.widgets.error_dialogs import confirm, show_known_error
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog

if TYPE_CHECKING:
    from jiangxin_desktop.ui.subsidies.subsidy_page import SubsidyPage

SKIPPED_SHOWN = 8  # names listed for one reason in the 全班生成 summary; the rest are counted


def _tr(text: str) -> str:
    return QCoreApplication.translate("SubsidyPage", text)


def _service_payee(payee: Payee | None) -> Any:
    """The payee as the service takes it (its PayeeInput, same fields as the domain's Payee)."""
    if payee is None:
        return None
    try:
        from jiangxin_desktop.services.subsidies import PayeeInput
    except ImportError:  # pragma: no cover - the service names it so; kept for older trees
        return payee
    return PayeeInput(kind=payee.kind, name=payee.name, account=payee.account, bank=payee.bank, uscc=payee.uscc)


def _usable(page: SubsidyPage, action: str) -> Any | None:
    """The selected row when ``action`` may be taken now (else None: the tooltip says why)."""
    if not page.buttons[action].isEnabled():
        return None
    return page.selected()


def _defaults(page: SubsidyPage, row: Any, **typed: str) -> PayeeDefaults:
    card = None
    try:
        card = page.ctx.registry.get(row.trainee_uuid).bank_card
    except KnownError:
        card = None
    unit_name = unit_uscc = ""
    code = page.class_code()
    klass = next((c for c in page.ctx.classes.list(text=code or "") if c.code == code), None)
    if klass is not None:
        unit_name, unit_uscc = klass.institution_name, klass.institution_uscc
    return PayeeDefaults(row.trainee_name, card, unit_name, unit_uscc, **typed)


def create_selected(page: SubsidyPage) -> Any | None:
    """生成补贴申请 for the selected eligible row; returns the claim, or None."""
    row = _usable(page, "create")
    if row is None:
        return None
    dialog = PayeeDialog(
        _tr("生成补贴申请"),
        _tr("为 {name}（{id}）生成补贴申请，申请金额 {amount}。请选择支付对象并核对收款账户。").format(
            name=row.trainee_name, id=row.id_masked, amount=yuan_sign(row.amount_fen)
        ),
        _tr("生成申请"),
        _defaults(page, row),
        page,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    try:
        claim = page.ctx.subsidy.create(row.enrollment_uuid, _service_payee(dialog.payee()))
    except KnownError as exc:
        show_known_error(page, exc, title=_tr("没有生成补贴申请"))
        return None
    page.after(_tr("已为 {name} 生成补贴申请 {number}（草稿），请审核人审核。").format(
        name=row.trainee_name, number=claim.number))
    return claim


def create_for_class(page: SubsidyPage) -> Any | None:
    """全班生成: a claim (payee 本人) for every row that may claim, then who was left out and why."""
    code = page.class_code()
    if code is None or not page.buttons["create_all"].isEnabled():
        return None
    waiting = [r for r in page.rows if r.eligible and r.claim_status in (None, "withdrawn")]
    if not confirm(
        page,
        _tr("全班生成"),
        _tr("为培训班 {code} 中 {n} 名可以申请的学员生成补贴申请（草稿），补贴支付给本人的社会保障卡账户吗？\n"
            "没有登记社会保障卡账户的学员不会生成，请逐个生成并填写账户。").format(code=code, n=len(waiting)),
        _tr("全班生成"),
    ):
        return None
    page.busy = True
    page.update_buttons()
    try:
        kind, result = run_in_worker(
            page,
            _tr("正在生成补贴申请"),
            _tr("正在为培训班 {code} 生成补贴申请……").format(code=code),
            lambda _report: page.ctx.subsidy.create_for_class(code, payee_kind=PAYEE_PERSON),
            error_title=_tr("没有生成补贴申请"),
        )
    finally:
        page.busy = False
    if kind != "finished":
        page.load()
        return None
    created, skipped = list(result.created), list(result.skipped)
    text = summary_text(len(created), skipped)
    page.after(_tr("{n} 人已生成补贴申请，{m} 人不能申请").format(n=len(created), m=len(skipped)))
    box = QMessageBox(QMessageBox.Icon.Information, _tr("全班生成"), text, QMessageBox.StandardButton.NoButton, page)
    box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    text_label = box.findChild(QLabel, "qt_msgbox_label")  # wide enough for a reason on one line
    if text_label is not None:
        text_label.setMinimumWidth(text_label.fontMetrics().horizontalAdvance("中") * 34)
    page.summary_box = box
    box.exec()
    return result


def summary_text(created: int, skipped: list) -> str:
    """“n 人已生成，m 人不能申请：” then, one a line, who was left out for which first reason
    (the people sharing a reason on one line: a whole class without card accounts is one line)."""
    head = _tr("{n} 人已生成，{m} 人不能申请").format(n=created, m=len(skipped))
    if not skipped:
        return head + _tr("。")
    groups: dict[str, list[str]] = {}
    for name, reasons in skipped:
        groups.setdefault(reasons[0] if reasons else _tr("不能申请"), []).append(name)
    lines = []
    for reason, names in groups.items():
        if len(names) == 1:
            lines.append(_tr("{name}：{reason}").format(name=names[0], reason=reason))
            continue
        shown = "、".join(names[:SKIPPED_SHOWN]) + (_tr("等") if len(names) > SKIPPED_SHOWN else "")
        lines.append(_tr("{names}（{n} 人）：{reason}").format(names=shown, n=len(names), reason=reason))
    return head + _tr("：") + "\n" + "\n".join(lines)


def review_selected(page: SubsidyPage) -> Any | None:
    row = _usable(page, "review")
    if row is None:
        return None
    try:
        claim = page.ctx.subsidy.review(row.claim_number)
    except KnownError as exc:
        show_known_error(page, exc, title=_tr("没有审核通过"))
        page.load()
        return None
    page.after(_tr("补贴申请 {number}（{name}）已审核，下次同步时提交市里。").format(
        number=claim.number, name=row.trainee_name))
    return claim


def _reason(page: SubsidyPage, title: str, question: str, label: str, action: str) -> str | None:
    dialog = ReasonDialog(title, question, label, _tr("请写明原因，会记入操作日志"), action, page)
    page.reason_dialog = dialog
    return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None


def send_back_selected(page: SubsidyPage) -> Any | None:
    return _with_reason(
        page, "send_back", _tr("退回修改"),
        _tr("把 {name} 的补贴申请 {number} 退回经办人修改吗？退回后状态为草稿。"), _tr("退回原因："),
        _tr("没有退回"), _tr("补贴申请 {number} 已退回修改。"), page.ctx.subsidy.send_back,
    )


def withdraw_selected(page: SubsidyPage) -> Any | None:
    return _with_reason(
        page, "withdraw", _tr("撤回申请"),
        _tr("撤回 {name} 的补贴申请 {number} 吗？撤回后不能恢复，需要时可以重新生成。"), _tr("撤回原因："),
        _tr("没有撤回"), _tr("补贴申请 {number} 已撤回。"), page.ctx.subsidy.withdraw,
    )


def _with_reason(
    page: SubsidyPage, kind: str, title: str, question: str, label: str, refused: str, done: str,
    act: Callable[[str, str], Any],
) -> Any | None:
    """A step on the selected claim that needs a reason (退回修改, 撤回): asked, done, said."""
    row = _usable(page, kind)
    if row is None:
        return None
    reason = _reason(page, title, question.format(name=row.trainee_name, number=row.claim_number), label, title)
    if reason is None:
        return None
    try:
        claim = act(row.claim_number, reason)
    except KnownError as exc:
        show_known_error(page, exc, title=refused)
        return None
    page.after(done.format(number=row.claim_number))
    return claim


def correct_selected(page: SubsidyPage) -> Any | None:
    """更正后重新申请: a returned claim becomes a new draft, with the payee as corrected."""
    row = _usable(page, "correct")
    if row is None:
        return None
    try:
        detail = page.ctx.subsidy.show(row.claim_number)
    except KnownError as exc:
        show_known_error(page, exc)
        return None
    record = detail.record
    defaults = _defaults(page, row, kind=record.payee_kind, name=record.payee_name, bank=record.payee_bank or "",
                         uscc=record.payee_uscc or "", kept_account=record.payee_account_masked)
    dialog = PayeeDialog(
        _tr("更正后重新申请"),
        _tr("市里退回了 {name} 的补贴申请 {number}，原因：{why}\n请按原因更正后重新申请（生成新的申请，原申请保留）。").format(
            name=row.trainee_name, number=row.claim_number, why=record.decision_reason or _tr("未说明")),
        _tr("重新申请"),
        defaults,
        page,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    try:
        claim = page.ctx.subsidy.correct(row.claim_number, payee=_service_payee(dialog.payee()))
    except KnownError as exc:
        show_known_error(page, exc, title=_tr("没有重新申请"))
        return None
    page.after(_tr("已生成更正后的补贴申请 {number}（草稿），原申请 {old} 保留。").format(
        number=claim.number, old=row.claim_number))
    return claim
