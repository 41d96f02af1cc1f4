"""The right side of the 补贴 page: why this row may (not) claim, how much, and its claim.

Two headed sections, 为什么是这个金额 and 申请条件, one line per rule with ✓, ✗ (blocks the
claim) or ！ (a note that does not), the rule in bold and the figure it used. When the row
has a claim: its number, status, payee (the account masked, for every role) and
the city's decision (核准金额, 退回原因, 发放日期). Read-only, selectable text.
"""

from __future__ import annotations

from html import escape
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from jiangxin_desktop.domain.money import capital, yuan_sign
from jiangxin_desktop.ui.subsidies.claim_words import line_html, status_word
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR, WARNING_COLOR

PAYEE_WORDS = {"person": "本人", "unit": "单位"}


class ExplanationPanel(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor: Callable[[str], str] = lambda username: username  # user name → 姓名（用户名）
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.show_row(None)

    def show_row(self, row: Any | None, detail: Any | None = None) -> None:
        """``row`` a CheckRow (None: nothing selected); ``detail`` the ClaimDetail of its claim."""
        if row is None:
            self.setHtml(f"<p>{escape(self.tr('在左边的列表中选择一名学员，这里说明能否申请补贴、金额和理由。'))}</p>")
            return
        parts = [f"<h3>{escape(row.trainee_name)}　<small>{escape(row.id_masked)}</small></h3>"]
        if row.eligible:
            verdict = self.tr("可以申请，申请金额 {amount}（{capital}）").format(
                amount=yuan_sign(row.amount_fen), capital=capital(row.amount_fen)
            )
            parts.append(f"<p><b>{escape(verdict)}</b></p>")
        else:
            blocking = [line for line in (*row.amount_lines, *row.gate_lines) if not line.ok and line.blocks]
            verdict = self.tr("不能申请（{n} 项条件不满足）：").format(n=len(blocking)) if blocking else self.tr(
                "不能申请：没有可以申请的金额"
            )
            parts.append(f"<p style='color:{ERROR_COLOR}'><b>{escape(verdict)}</b></p>")
            parts.extend(_line(line) for line in blocking)
        if detail is not None or row.claim_number:
            parts.append(self._claim_html(row, detail))
        parts.append(self._section(self.tr("为什么是这个金额"), row.amount_lines))
        title = self.tr("申请条件") if row.eligible else self.tr("申请条件（为什么不能申请）")
        parts.append(self._section(title, row.gate_lines))
        self.setHtml("".join(parts))

    def _section(self, title: str, lines: Any) -> str:
        items = "".join(_line(line) for line in lines)
        return f"<h4 style='margin-top:10px'>{escape(title)}</h4>{items or '<p>—</p>'}"

    def _claim_html(self, row: Any, detail: Any | None) -> str:
        record = getattr(detail, "record", detail)
        if record is None:
            return f"<p>{escape(self.tr('补贴申请 {n}（{s}）').format(n=row.claim_number, s=status_word(row.claim_status)))}</p>"
        pairs: list[tuple[str, str]] = []
        number = record.number
        if getattr(record, "revision", 1) and record.revision > 1:
            number = self.tr("{n}（第 {r} 版）").format(n=number, r=record.revision)
        pairs.append((self.tr("申请编号"), number))
        pairs.append((self.tr("申请状态"), status_word(record.display_status)))
        pairs.append((self.tr("申请金额"), f"{yuan_sign(record.amount_fen)}（{capital(record.amount_fen)}）"))
        payee = PAYEE_WORDS.get(record.payee_kind, record.payee_kind)
        pairs.append((self.tr("支付对象"), f"{self.tr(payee)}：{record.payee_name}"))
        # masked for every role (UI.md: a full number is a deliberate, audited act); the reviewer
        # checks the full account on the printed 申请表
        account = record.payee_account_masked
        pairs.append((self.tr("收款账户"), account + (f"（{record.payee_bank}）" if record.payee_bank else "")))
        if record.payee_uscc:
            pairs.append((self.tr("统一社会信用代码"), record.payee_uscc))
        pairs.append((self.tr("经办人"), self.actor(record.created_by)))
        if record.reviewed_by:
            pairs.append((self.tr("审核人"), f"{self.actor(record.reviewed_by)}　{(record.reviewed_at or '')[:10]}"))
        if record.supersedes_number:
            pairs.append((self.tr("更正自"), record.supersedes_number))
        if record.decided_amount_fen is not None:
            pairs.append((self.tr("核准金额"), yuan_sign(record.decided_amount_fen)))
        if record.decision_reason:
            label = self.tr("退回原因") if record.display_status == "returned" else self.tr("说明")
            pairs.append((label, record.decision_reason))
        if record.paid_on:
            pairs.append((self.tr("发放日期"), str(record.paid_on)))
        note = getattr(record, "note", None)
        if note:
            pairs.append((self.tr("备注"), note))
        rows = "".join(
            f"<tr><td style='padding-right:10px'>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in pairs
        )
        html = f"<h4 style='margin-top:10px'>{escape(self.tr('补贴申请'))}</h4><table>{rows}</table>"
        conflicts = list(getattr(detail, "conflicts", None) or [])
        if conflicts:
            if record.display_status == "draft":
                head = escape(self.tr("填写申请后记录有变化，审核时会被拒绝；请撤回后重新生成："))
            else:
                head = escape(self.tr("申请所依据的记录与现在不一致："))
            items = "".join(f"<p style='margin:2px 0'>✗ {escape(c)}</p>" for c in conflicts)
            html += f"<div style='color:{WARNING_COLOR}'><p><b>{head}</b></p>{items}</div>"
        return html


def _line(line: Any) -> str:
    """One explanation line; a blocking failure in red (its ✗ says the same)."""
    style = "margin:2px 0" + ("" if line.ok or not line.blocks else f"; color:{ERROR_COLOR}")
    return f"<p style='{style}'>{line_html(line)}</p>"
