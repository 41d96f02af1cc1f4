"""证书 tab: 发证 with reasons for those left out, 补发 and 撤销 with a reason, buttons by role."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from jiangxin_desktop.ui.certificates.certificates_tab import ID, NAME, NUMBER, REISSUED, STATUS
from jiangxin_desktop.ui.training.class_detail import CERTIFICATES, ClassDetailDialog
from jiangxin_desktop.ui.certificates.issue_dialog import IssueDialog
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from tests.services.classes_helpers import login


def shown(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def open_tab(qtbot, ctx, status: str = "finished") -> ClassDetailDialog:
    klass = next(c for c in ctx.classes.list() if c.status == status)
    dialog = ClassDetailDialog(ctx, klass.uuid, tab=CERTIFICATES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.tabs.tabText(CERTIFICATES) == "证书"
    return dialog


def click(text: str, seen: list[str], then=None):
    def handle(box: QMessageBox) -> None:
        seen.append(box.text())
        if then is not None:
            then()
        next(b for b in box.buttons() if b.text() == text).click()

    return handle


def give_reason(reason: str, ime, then=None):
    def handle(dialog: ReasonDialog) -> None:
        assert not dialog.confirm_button.isEnabled()  # a reason first
        ime(dialog.reason_edit, reason)
        if then is not None:
            then()
        dialog.confirm_button.click()

    return handle


def select_row(tab, row: int) -> None:
    tab.table.selectRow(row)


@pytest.fixture
def issued(qtbot, classes_context, answer_modal):
    """The finished demo class's tab after the clerk pressed 发证 (and 以后再打印)."""
    dialog = open_tab(qtbot, classes_context)
    tab = dialog.certificates_tab
    assert tab.blocked_label.text() == "本班尚未发证：点“发证”为考核合格的学员发放证书。"
    assert not dialog.certificates_action.isEnabled()
    seen: list[str] = []

    def pick_date(ask: IssueDialog) -> None:
        seen.append(ask.findChildren(QLabel)[0].text())
        # the clerk picks the date; it starts at the class's end date, never forced to today
        assert ask.issue_date() == dialog.record.end_date
        ask.date_edit.setDate(ask.date_edit.date().addDays(2))
        answer_modal(click("以后再打印", seen), QMessageBox)
        ask.confirm_button.click()

    answer_modal(pick_date, IssueDialog)
    end = dialog.record.end_date
    tab.ctx.acting.today = lambda: end + timedelta(days=30)  # a fixed clock: issued a month later
    result = tab.issue()  # issued in a worker under a progress bar
    assert result is not None and result.issued
    assert {c.issue_date for c in result.issued} == {dialog.record.end_date + timedelta(days=2)}
    return dialog, result, seen


def test_clerk_issues_and_is_told_who_was_left_out(qtbot, issued):
    dialog, result, seen = issued
    tab = dialog.certificates_tab
    assert "考核合格、尚无证书的学员发证吗" in seen[0] and dialog.record.code in seen[0]
    assert seen[1].startswith(f"已发放 {len(result.issued)} 张证书。")
    assert "没有发证" in seen[1] and "考核不合格" in seen[1]
    assert tab.model.rowCount() == len(result.issued)
    assert set(shown(tab.model, STATUS)) == {"有效"}
    assert all(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", v) for v in shown(tab.model, ID))  # masked
    assert (
        tab.count_label.text() == f"共 {len(result.issued)} 张证书，有效 {len(result.issued)} 张，已撤销 0 张"
    )
    assert dialog.status_note.text().startswith("已发放")
    assert not tab.revoke_button.isEnabled()
    assert tab.revoke_button.toolTip() == "撤销证书由审核人或管理员办理；您的角色是经办人"
    assert tab.print_button.text() == "打印证书" and tab.print_button.isEnabled()
    assert dialog.certificates_action.isEnabled()  # the 打印 menu knows there is something to print


def test_clerk_reprints_with_a_reason_and_may_print_it_at_once(qtbot, issued, answer_modal, ime):
    dialog, result, _ = issued
    tab = dialog.certificates_tab
    assert not tab.reprint_button.isEnabled()
    assert tab.reprint_button.toolTip() == "请先在列表中选择一张有效证书"
    select_row(tab, 0)
    assert tab.reprint_button.isEnabled()
    assert tab.print_button.text() == "打印选中证书（1）"
    name, number = shown(tab.model, NAME)[0], shown(tab.model, NUMBER)[0]
    asked: list[str] = []
    wanted: list[object] = []
    tab.print_requested.disconnect(dialog.print_certificates)  # printing itself: test_certificate_printing
    tab.print_requested.connect(wanted.append)
    answer_modal(
        give_reason("原证遗失", ime, then=lambda: answer_modal(click("打印", asked), QMessageBox)),
        ReasonDialog,
    )
    done = tab.reprint_selected()
    assert done is not None and done.reissue_count == 1
    assert asked == [f"已登记补发。现在打印 {name} 的证书 {number} 吗？"]
    assert wanted == [[number]]  # the class detail prints just this one
    assert shown(tab.model, REISSUED)[0].startswith("1（最近 ")
    assert dialog.status_note.text() == f"证书 {number} 已登记第 1 次补发"


def test_reviewer_revokes_but_cannot_issue_reprint_or_print(qtbot, issued, answer_modal, ime):
    dialog, result, _ = issued
    ctx = dialog.ctx
    dialog.accept()
    login(ctx, "reviewer")
    dialog = open_tab(qtbot, ctx)
    tab = dialog.certificates_tab
    assert tab.model.rowCount() == len(result.issued)  # a reviewer may look
    assert not tab.issue_button.isEnabled()
    assert tab.issue_button.toolTip() == "发证由经办人或管理员办理；您的角色是审核人"
    assert not tab.print_button.isEnabled() and not dialog.certificates_action.isEnabled()
    select_row(tab, 1)
    assert not tab.reprint_button.isEnabled() and tab.revoke_button.isEnabled()
    number = shown(tab.model, NUMBER)[1]
    questions: list[str] = []

    def revoke(reason_dialog: ReasonDialog) -> None:
        questions.append(reason_dialog.question.text())
        give_reason("考核材料不实", ime)(reason_dialog)

    answer_modal(revoke, ReasonDialog)
    assert tab.revoke_selected() is not None
    assert number in questions[0] and "不能恢复" in questions[0]
    assert shown(tab.model, STATUS)[1] == "已撤销"
    assert ctx.certificates.get(number).revoked_reason == "考核材料不实"
    select_row(tab, 1)
    assert not tab.revoke_button.isEnabled()  # already revoked


def test_a_class_not_finished_cannot_issue_and_says_why(qtbot, classes_context):
    dialog = open_tab(qtbot, classes_context, "training")
    tab = dialog.certificates_tab
    assert tab.model.rowCount() == 0
    assert not tab.issue_button.isEnabled()
    assert tab.issue_button.toolTip() == "本班现在是“培训中”，结业后才能为考核合格的学员发证。"
    assert tab.blocked_label.isVisible()
    assert not tab.print_button.isEnabled() and tab.print_button.toolTip() == "本班还没有有效证书"
