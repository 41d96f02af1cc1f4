"""The registration dialog, typed into as a clerk (or a card reader) would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.fixture
def open_dialog(qtbot, demo_context):
    """Show a dialog as the clerk gets it; afterwards close it without the 放弃 question."""
    opened: list[RegistrationDialog] = []

    def make(record=None) -> RegistrationDialog:
        dialog = RegistrationDialog(demo_context, record)
        opened.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    yield make
    for dialog in opened:
        dialog.done(QDialog.DialogCode.Rejected)
        dialog.deleteLater()


def test_wrong_check_digit_is_shown_in_red_and_blocks_save(qtbot, open_dialog, demo_context, free_id):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.form.lines["id_number"], wrong_check_digit(free_id()))
    row = dialog.form.rows["id_number"]
    assert row.message.isVisible()
    assert "校验位错误" in row.message_text()
    assert row.level == row.ERROR
    assert not dialog.save_button.isEnabled()
    assert "公民身份号码" in dialog.reason_label.text()
    assert dialog.reason_label.text().startswith("还有 ")
    assert dialog.form.birth_value.text() == "—"


def test_untouched_fields_stay_quiet_until_a_save_attempt(qtbot, open_dialog, demo_context):
    dialog = open_dialog()
    assert not dialog.form.rows["name"].message.isVisible()
    assert "还有 5 项需要修改" in dialog.reason_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.form.rows["name"].message.isVisible()
    assert dialog.form.rows["consent"].message_text()
    assert dialog.isVisible()  # nothing was saved


def test_valid_id_derives_birth_date_and_sex(qtbot, open_dialog, demo_context, free_id):
    dialog = open_dialog()
    number = free_id(birth="19791203")
    qtbot.keyClicks(dialog.form.lines["id_number"], number)
    assert dialog.form.birth_value.text() == "1979-12-03"
    assert dialog.form.sex_value.text() == ("男" if int(number[16]) % 2 else "女")
    assert not dialog.form.rows["id_number"].message.isVisible()


def test_enter_moves_to_the_next_field(qtbot, open_dialog, demo_context, ime):
    dialog = open_dialog()
    name = dialog.form.lines["name"]
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    ime(name, "张三")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert dialog.form.lines["id_number"].hasFocus()
    assert dialog.isVisible()


def test_group_change_rebuilds_flags_and_evidence(qtbot, open_dialog, demo_context):
    dialog = open_dialog()
    dialog.form.group.group.set_value("11")  # 农村转移劳动力
    assert [b.text() for b in dialog.form.group.flags.boxes] == ["脱贫家庭", "留守妇女"]
    evidence = dialog.form.group.evidence
    assert [evidence.itemText(i) for i in range(1, evidence.count())] == ["户口簿", "帮扶手册"]
    dialog.form.group.flags.boxes[0].setChecked(True)
    dialog.form.group.group.set_value("31")  # 失业人员: no flags
    assert dialog.form.group.flags.boxes == []
    assert dialog.form.group.flags.none_label.isVisibleTo(dialog)
    assert dialog.form.to_input().target_flags == ()


def test_card_failing_luhn_is_an_orange_warning_not_a_block(qtbot, open_dialog, demo_context, free_id, ime):
    dialog = open_dialog()
    ime(dialog.form.lines["name"], "李四")
    qtbot.keyClicks(dialog.form.lines["id_number"], free_id())
    qtbot.keyClicks(dialog.form.lines["phone"], "13912345678")
    dialog.form.group.group.set_value("31")
    dialog.form.consent_box.setChecked(True)
    qtbot.keyClicks(dialog.form.lines["bank_card"], "6222020200112233441")
    dialog.form.lines["bank_card"].editingFinished.emit()
    row = dialog.form.rows["bank_card"]
    assert row.level == row.WARNING and "校验" in row.message_text()
    assert "color: #b35900" in row.message.styleSheet()
    assert dialog.save_button.isEnabled(), dialog.reason_label.text()


def test_register_through_the_dialog(qtbot, open_dialog, demo_context, free_id, ime):
    dialog = open_dialog()
    number = free_id()
    ime(dialog.form.lines["name"], "欧阳晓梅")
    qtbot.keyClicks(dialog.form.lines["id_number"], number)
    qtbot.keyClicks(dialog.form.lines["phone"], "13712345678")
    dialog.form.group.group.set_value("11")
    dialog.form.group.flags.boxes[1].setChecked(True)
    dialog.form.consent_box.setChecked(True)
    assert dialog.save_button.isEnabled(), dialog.reason_label.text()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = demo_context.registry.find_by_id_number(number)
    assert saved is not None and saved.uuid == dialog.saved_record.uuid
    assert saved.target_flags == ("留守妇女",) and saved.ethnicity == "01"  # 汉族 by default


def test_existing_id_shows_banner_and_opens_that_trainee(qtbot, open_dialog, demo_context, ime):
    existing = demo_context.search.page("", limit=1)[0]
    dialog = open_dialog()
    qtbot.keyClicks(dialog.form.lines["id_number"], existing.id_number)
    assert dialog.banner.isVisible()
    assert dialog.banner_label.text().startswith(f"该公民身份号码已登记：{existing.name}（")
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.open_existing_button, Qt.MouseButton.LeftButton)
    assert not dialog.banner.isVisible()
    assert dialog.record is not None and dialog.record.uuid == existing.uuid
    assert existing.name in dialog.windowTitle() and "编辑" in dialog.windowTitle()
    assert dialog.form.lines["name"].text() == existing.name
    assert dialog.form.consent_box.isChecked() and not dialog.form.consent_box.isEnabled()
    assert dialog.save_button.isEnabled(), dialog.reason_label.text()
    ime(dialog.form.lines["address"], "海州区新南街道1号")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert demo_context.registry.get(existing.uuid).address == "海州区新南街道1号"
    assert demo_context.search.count(existing.id_number) == (1, False)  # never a second record


def test_failing_credit_code_needs_a_recorded_reason(qtbot, open_dialog, demo_context, free_id, ime):
    dialog = open_dialog()
    override_row = dialog.form.rows["employer_uscc_override"]
    assert not override_row.isVisibleTo(dialog)  # only offered when the code fails
    ime(dialog.form.lines["name"], "赵六")
    qtbot.keyClicks(dialog.form.lines["id_number"], free_id())
    qtbot.keyClicks(dialog.form.lines["phone"], "13612345678")
    dialog.form.group.group.set_value("41")
    dialog.form.consent_box.setChecked(True)
    qtbot.keyClicks(dialog.form.lines["employer_uscc"], "91320706MA1Q2W3E40")  # wrong check character
    dialog.form.lines["employer_uscc"].editingFinished.emit()
    row = dialog.form.rows["employer_uscc"]
    assert row.level == row.ERROR and "校验位错误" in row.message_text()
    assert "信用代码例外说明" in row.message_text()
    assert override_row.isVisibleTo(dialog)
    assert not dialog.save_button.isEnabled()
    ime(dialog.form.lines["employer_uscc_override"], "营业执照原件如此，已核对")
    assert row.level == row.WARNING
    assert dialog.save_button.isEnabled(), dialog.reason_label.text()
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    saved = dialog.saved_record
    assert saved.employer_uscc == "91320706MA1Q2W3E40"
    assert saved.employer_uscc_override == "营业执照原件如此，已核对"
