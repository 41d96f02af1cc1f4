"""补贴 page, driven through its real widgets over the seeded demo classes.

The finished demo class has its certificates issued; its trainees then may claim except the
two who failed the assessment and the two below the attendance threshold. Nothing is mocked:
the page calls the real subsidy service and its documents.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.domain.contact import luhn_ok
from jiangxin_desktop.ui.subsidies.payee_dialog import PayeeDialog
from jiangxin_desktop.ui.subsidies.subsidy_model import STATUS
from jiangxin_desktop.ui.subsidies.subsidy_page import SubsidyPage
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from tests.conftest import DEMO_PASSWORD
from tests.ui.test_no_dead_buttons import greyed_without_reason
from tests.ui.test_print_preview import pdf_printer


def card_number(prefix: str = "621700123456789012") -> str:
    """A 19-digit card number that passes the Luhn check."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


@pytest.fixture
def finished(classes_context):
    ctx = classes_context
    klass = next(c for c in ctx.classes.list() if c.status == "finished")
    ctx.certificates.issue(klass.code)
    return ctx, klass


def open_page(qtbot, ctx, code: str) -> SubsidyPage:
    page = SubsidyPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    qtbot.waitExposed(page)
    assert page.select_class(code)
    return page


def status_text(page: SubsidyPage, name: str) -> str:
    row = next(i for i, r in enumerate(page.model.rows) if r.trainee_name == name)
    return page.model.index(row, STATUS).data()


def first_eligible(page: SubsidyPage):
    return next(r for r in page.model.rows if r.eligible)


def create_claim(qtbot, page: SubsidyPage, answer_modal, name: str, by_keyboard: bool = False) -> None:
    """生成补贴申请… for ``name``: the 支付对象 dialog is filled in (本人, a card) and confirmed."""
    assert page.select_trainee(name)

    seen: list[str] = []

    def fill(dialog: PayeeDialog) -> None:
        seen.append(f"{dialog.person_radio.isChecked()} {dialog.name_edit.text()}")
        qtbot.keyClicks(dialog.account_edit, card_number())
        close(dialog)

    answer_modal(fill, PayeeDialog)
    if by_keyboard:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    else:
        qtbot.mouseClick(page.buttons["create"], Qt.MouseButton.LeftButton)
    assert seen == [f"True {name}"]


def close(dialog: PayeeDialog) -> None:
    """Confirm the dialog, or (a test failing) cancel it so that nothing waits on it."""
    if dialog.confirm_button.isEnabled():
        dialog.confirm_button.click()
    else:
        dialog.reject()


def test_finished_classes_come_first_and_every_greyed_button_says_why(qtbot, finished):
    ctx, klass = finished
    page = open_page(qtbot, ctx, klass.code)
    assert page.class_combo.itemData(0) == klass.code
    assert "（已结业）" in page.class_combo.itemText(0)
    assert greyed_without_reason(page) == []
    assert page.select_trainee(first_eligible(page).trainee_name)
    assert greyed_without_reason(page) == []


def test_the_explanation_of_an_ineligible_row_names_the_rule_and_its_figure(qtbot, finished):
    ctx, klass = finished
    page = open_page(qtbot, ctx, klass.code)
    low = next(r for r in page.model.rows if any(x.rule == "出勤率" and not x.ok for x in r.gate_lines))
    failed = next(x for x in low.gate_lines if x.rule == "出勤率")
    assert page.select_trainee(low.trainee_name)
    text = page.panel.toPlainText()
    assert "不能申请（1 项条件不满足）" in text
    assert f"✗ 出勤率：{failed.text}" in text  # e.g. 出勤 31/40 课时（78%），低于目录要求的 80%
    assert "低于目录要求的 80%" in failed.text
    assert "为什么是这个金额" in text and "申请条件（为什么不能申请）" in text
    assert "✓ 结业考核" in text and "！ 补贴目录" in text  # the example catalog: a note, not a block
    button = page.buttons["create"]
    assert not button.isEnabled() and button.toolTip().startswith("不能申请：出勤率：")


def test_creating_a_claim_makes_the_row_a_draft(qtbot, finished, answer_modal):
    ctx, klass = finished
    page = open_page(qtbot, ctx, klass.code)
    row = first_eligible(page)
    assert status_text(page, row.trainee_name) == "未申请"
    create_claim(qtbot, page, answer_modal, row.trainee_name, by_keyboard=True)  # Enter on the row
    assert status_text(page, row.trainee_name) == "草稿"
    text = page.panel.toPlainText()
    assert "申请编号" in text and "支付对象" in text and "本人：" + row.trainee_name in text
    assert "6217********" in text  # the account masked for a clerk
    assert not page.buttons["create"].isEnabled()  # one claim per enrolment
    assert "已有补贴申请" in page.buttons["create"].toolTip()


def test_the_payee_dialog_checks_while_typing(qtbot, finished):
    from jiangxin_desktop.ui.subsidies.payee_dialog import PayeeDefaults

    dialog = PayeeDialog("生成补贴申请", "说明", "生成申请", PayeeDefaults("张三", unit_name="连云港培训学校"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.account_edit, "6217001234")
    assert dialog.rows["account"].message_text() == "卡号应为16–19位，现在是10位，请核对"
    assert not dialog.confirm_button.isEnabled()
    assert dialog.confirm_button.toolTip() == "请先改正：收款账户：卡号应为16–19位，现在是10位，请核对"
    dialog.unit_radio.setChecked(True)
    assert dialog.name_edit.text() == "连云港培训学校" and dialog.uscc_edit.isVisible()
    qtbot.keyClicks(dialog.uscc_edit, "91320706MA1ABCDE1")
    assert "统一社会信用代码应为18位" in dialog.rows["uscc"].message_text()


def test_a_reviewer_approves_and_a_clerk_cannot(qtbot, finished, answer_modal):
    ctx, klass = finished
    page = open_page(qtbot, ctx, klass.code)
    name = first_eligible(page).trainee_name
    create_claim(qtbot, page, answer_modal, name)
    review = page.buttons["review"]
    assert not review.isEnabled()
    assert review.toolTip() == "审核补贴申请由审核人或管理员办理；您的角色是经办人"

    ctx.login("reviewer", DEMO_PASSWORD)
    page = open_page(qtbot, ctx, klass.code)
    assert page.select_trainee(name)
    assert page.buttons["review"].isEnabled()
    qtbot.mouseClick(page.buttons["review"], Qt.MouseButton.LeftButton)
    assert status_text(page, name) == "已审核"
    assert "审核人\n演示审核人（reviewer）" in page.panel.toPlainText()
    assert card_number() not in page.panel.toPlainText()  # masked for a reviewer too: no full number unasked

    def reason(dialog: ReasonDialog) -> None:  # 退回修改 asks for a reason, then it is a draft again
        dialog.reason_edit.setText("收款账户待核对")
        dialog.confirm_button.click()

    answer_modal(reason, ReasonDialog)
    qtbot.mouseClick(page.buttons["send_back"], Qt.MouseButton.LeftButton)
    assert status_text(page, name) == "草稿"
    assert "收款账户待核对" in page.panel.toPlainText()


def test_whole_class_then_a_summary_of_who_was_left_out(qtbot, finished, answer_modal):
    ctx, klass = finished
    page = open_page(qtbot, ctx, klass.code)
    seen: list[str] = []

    def answer(box: QMessageBox) -> None:
        seen.append(box.text())
        box.buttons()[0].click()  # 全班生成 on the question, 确定 on the summary

    answer_modal(answer, QMessageBox)
    answer_modal(answer, QMessageBox)
    qtbot.mouseClick(page.buttons["create_all"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert "名可以申请的学员生成补贴申请" in seen[0]
    low = next(r for r in page.rows if any(x.rule == "出勤率" and not x.ok for x in r.gate_lines))
    line = next(x for x in seen[1].splitlines() if low.trainee_name in x)
    assert "：出勤率：出勤 " in line  # the first reason, with its figure
    assert "收款账户" not in seen[1]  # the demo trainees' social-security card accounts are on file
    created = sum(1 for r in page.rows if r.claim_status == "draft")
    assert seen[1].startswith(f"{created} 人已生成，")


def test_printing_the_forms_gives_a_file(qtbot, finished, answer_modal, tmp_path):
    ctx, klass = finished
    page = open_page(qtbot, ctx, klass.code)
    assert not page.buttons["print"].isEnabled()
    assert page.buttons["print"].toolTip() == "本班还没有补贴申请，请先生成"
    create_claim(qtbot, page, answer_modal, first_eligible(page).trainee_name)
    assert page.buttons["print"].isEnabled()
    assert not page.print_actions["notice"].isEnabled()  # only reviewed claims are published
    page.print_actions["forms"].trigger()
    preview = page.preview
    assert preview is not None and preview.page_count() == 1
    out = tmp_path / "forms.pdf"
    assert preview.print_to(pdf_printer(out)) == 1 and out.exists() and out.stat().st_size > 0
    folder = preview.pdf_path.parent
    preview.reject()
    assert not folder.exists()



def test_the_subsidy_area_of_the_main_window_is_this_page(qtbot, window):
    from tests.ui.test_main_window import AREAS

    window.nav.setCurrentRow(AREAS.index("补贴"))
    assert window.area_names() == AREAS  # the name and the order stay
    assert window.pages.currentWidget() is window.subsidy_page
    assert isinstance(window.subsidy_page, SubsidyPage)


def test_a_returned_claim_is_corrected_and_a_draft_withdrawn(qtbot, finished, answer_modal):
    from jiangxin_desktop.protocol.decisions import Decision, Decisions
    from jiangxin_desktop.services.subsidies import PayeeInput, apply_decisions

    ctx, klass = finished
    rows = [r for r in ctx.subsidy.check(klass.code) if r.eligible]
    claim = ctx.subsidy.create(rows[0].enrollment_uuid, PayeeInput("person", "", card_number()))
    draft = ctx.subsidy.create(rows[1].enrollment_uuid, PayeeInput("person", "", card_number()))
    ctx.login("reviewer", DEMO_PASSWORD)
    ctx.subsidy.review(claim.number)
    at = "2026-12-01T02:00:00.000Z"
    returned = Decisions(ctx.acting.station_code, at, 0, 1, (Decision(
        1, claim.uuid, claim.number, "returned", None, "户名与社保卡不符", None, at, "李科长"),), ())
    apply_decisions(ctx.db, ctx.acting, returned)

    page = open_page(qtbot, ctx, klass.code)  # the reviewer withdraws the draft, with a reason
    assert page.select_trainee(draft.trainee_name)

    def reason(dialog: ReasonDialog) -> None:
        assert draft.number in dialog.question.text()
        dialog.reason_edit.setText("学员放弃申请")
        dialog.confirm_button.click()

    answer_modal(reason, ReasonDialog)
    qtbot.mouseClick(page.buttons["withdraw"], Qt.MouseButton.LeftButton)
    assert status_text(page, draft.trainee_name) == "已撤回"
    assert page.buttons["create"].isEnabled()  # a withdrawn claim may be written again

    ctx.login("clerk", DEMO_PASSWORD)
    page = open_page(qtbot, ctx, klass.code)
    assert page.select_trainee(claim.trainee_name)
    assert status_text(page, claim.trainee_name) == "已退回"
    assert "退回原因\n户名与社保卡不符" in page.panel.toPlainText()
    assert not page.buttons["withdraw"].isEnabled()
    assert page.buttons["create"].toolTip() == "申请已被市里退回：请点“更正后重新申请”"

    seen: list[str] = []

    def correct(dialog: PayeeDialog) -> None:  # the account left empty: the returned claim's stays
        seen.extend((dialog.intro.text(), dialog.account_edit.placeholderText()))
        close(dialog)

    answer_modal(correct, PayeeDialog)
    qtbot.mouseClick(page.buttons["correct"], Qt.MouseButton.LeftButton)
    assert "原因：户名与社保卡不符" in seen[0]
    assert seen[1].startswith("留空则沿用原申请的账户 6217")
    assert status_text(page, claim.trainee_name) == "草稿"
    text = page.panel.toPlainText()
    assert f"更正自\n{claim.number}" in text and "第 2 版" in text


def test_a_change_after_the_claim_was_written_is_shown_and_refused_at_review(qtbot, finished, answer_modal):
    from jiangxin_desktop.services.subsidies import PayeeInput

    ctx, klass = finished
    row = next(r for r in ctx.subsidy.check(klass.code) if r.eligible)
    claim = ctx.subsidy.create(row.enrollment_uuid, PayeeInput("person", "", card_number()))
    ctx.login("reviewer", DEMO_PASSWORD)
    certificate = next(c for c in ctx.certificates.list(klass.code) if c.trainee_name == row.trainee_name)
    ctx.certificates.revoke(certificate.number, "考核材料不实")

    page = open_page(qtbot, ctx, klass.code)
    assert page.select_trainee(row.trainee_name)
    text = page.panel.toPlainText()
    assert "填写申请后记录有变化，审核时会被拒绝；请撤回后重新生成" in text
    assert f"✗ 证书：证书 {certificate.number} 已注销" in text
    review = page.buttons["review"]
    assert not review.isEnabled() and review.toolTip().startswith("填写申请后记录有变化（")
    review.setEnabled(True)  # as if pressed before the page knew: the service refuses, in its words
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(f"{box.windowTitle()}|{box.text()}")
        box.buttons()[0].click()

    answer_modal(read, QMessageBox)
    qtbot.mouseClick(review, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0].startswith(f"没有审核通过|补贴申请 {claim.number} 填写后，所依据的记录有变化")
    assert status_text(page, row.trainee_name) == "草稿"
