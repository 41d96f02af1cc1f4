"""The 学员 page: search as you type, scanning, registering, deactivating, revealing."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from sqlalchemy import select

from jiangxin_desktop.store.models import AuditEvent
from jiangxin_desktop.ui.registry.trainee_model import TraineeTableModel

ID_COL, PHONE_COL, NAME_COL = TraineeTableModel.ID_NUMBER, TraineeTableModel.PHONE, TraineeTableModel.NAME


def shown(page, column: int) -> list[str]:
    model = page.table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def selected_name(page) -> str | None:
    rows = page.table.selectionModel().selectedRows(NAME_COL)
    return rows[0].data() if len(rows) == 1 else None


def test_list_starts_with_all_trainees_masked(page):
    assert page.hint_label.text() == "共 300 人"
    assert page.search_box.placeholderText() == "输入姓名、身份证号或手机号查找；可直接扫描身份证"
    assert all(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", v) for v in shown(page, ID_COL))
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", v) for v in shown(page, PHONE_COL))


def test_typing_searches_after_a_short_pause(qtbot, page):
    target = page.ctx.search.page("", limit=1)[0]
    qtbot.keyClicks(page.search_box, target.phone[-4:])
    assert page.model.query == ""  # not yet: the search waits for the typing to pause
    qtbot.waitUntil(lambda: page.model.query == target.phone[-4:], timeout=2000)
    assert target.name in shown(page, NAME_COL)
    assert page.hint_label.text().startswith("找到 ")


def test_short_digit_query_says_why_it_shows_everyone(qtbot, page):
    qtbot.keyClicks(page.search_box, "13")
    page.search_now()
    assert "请至少输入 3 位数字" in page.hint_label.text()
    assert page.hint_label.text().startswith("共 300 人")  # everyone, counted in full
    assert page.model.rowCount() == 100


def test_scanned_id_and_enter_selects_the_person(qtbot, page):
    target = page.ctx.search.page("", sort="name", limit=1)[0]
    qtbot.keyClicks(page.search_box, target.id_number)
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert page.hint_label.text() == "找到 1 人"
    assert selected_name(page) == target.name
    assert page.search_box.selectedText() == target.id_number  # the next scan replaces it


def test_register_then_find_by_two_name_characters_and_four_phone_digits(qtbot, page, free_id, ime):
    page.new_action.trigger()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "新登记学员"
    ime(dialog.form.lines["name"], "司马青霞")
    qtbot.keyClicks(dialog.form.lines["id_number"], free_id("19920415"))
    qtbot.keyClicks(dialog.form.lines["phone"], "15861234975")
    dialog.form.group.group.set_value("22")
    dialog.form.consent_box.setChecked(True)
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert selected_name(page) == "司马青霞"

    ime(page.search_box, "青霞")
    page.search_now()
    assert shown(page, NAME_COL) == ["司马青霞"]
    assert page.hint_label.text() == "找到 1 人"

    page.search_box.clear()
    qtbot.keyClicks(page.search_box, "4975")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert "司马青霞" in shown(page, NAME_COL)
    assert "158****4975" in shown(page, PHONE_COL)


def test_deactivate_asks_naming_the_person_and_the_row_goes(qtbot, page):
    target = page.model.row_at(0)
    page.select_uuid(target.uuid)
    page.deactivate_action.trigger()
    dialog = page.dialog
    assert target.name in dialog.question.text()
    assert not dialog.confirm_button.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason_edit, "chong fu")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert target.name not in shown(page, NAME_COL)
    assert page.hint_label.text() == "共 299 人"
    assert page.ctx.registry.get(target.uuid).deactivated_reason == "chong fu"

    page.inactive_box.setChecked(True)
    row = page.model.row_of(target.uuid)
    assert row is not None
    assert page.model.index(row, TraineeTableModel.STATUS).data() == "已注销"
    page.select_uuid(target.uuid)
    assert not page.reactivate_action.isEnabled()  # restoring is for a reviewer or administrator
    page.ctx.login("reviewer", "Demo-pass-2025")
    page._update_actions()
    assert page.reactivate_action.isEnabled() and not page.deactivate_action.isEnabled()
    assert not page.new_action.isEnabled()  # a reviewer does not register trainees


def test_cancelling_deactivation_changes_nothing(qtbot, page):
    target = page.model.row_at(0)
    page.select_uuid(target.uuid)
    page.deactivate_action.trigger()
    page.dialog.reject()
    assert page.ctx.registry.get(target.uuid).active
    assert target.name in shown(page, NAME_COL)


def test_reveal_shows_the_full_number_and_is_audited(qtbot, page):
    page.select_uuid(page.model.row_at(2).uuid)
    assert not page.reveal_action.isEnabled()  # a clerk sees masked numbers only
    page.ctx.login("reviewer", "Demo-pass-2025")
    page.select_uuid(page.model.row_at(0).uuid)
    target = page.model.row_at(2)
    page.select_uuid(target.uuid)
    with qtbot.waitSignal(page.message) as note:
        page.reveal_action.trigger()
    row = page.model.row_of(target.uuid)
    assert page.model.index(row, ID_COL).data() == target.id_number
    assert page.model.index(row, PHONE_COL).data() == target.phone
    assert "操作日志" in note.args[0]
    with page.ctx.db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "trainee.reveal")).all()
    assert [e.object_id for e in events] == [target.uuid]
    page.select_uuid(page.model.row_at(0).uuid)  # moving on masks it again
    assert page.model.index(row, ID_COL).data() != target.id_number


def test_double_click_opens_the_record_for_editing(qtbot, page):
    target = page.model.row_at(1)
    rect = page.table.visualRect(page.model.index(1, NAME_COL))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.dialog
    assert dialog is not None and dialog.record.uuid == target.uuid
    assert dialog.form.lines["name"].text() == target.name
    dialog.done(0)


def test_scanning_an_unknown_card_offers_to_register_it(qtbot, page, free_id):
    number = free_id("19880808")
    qtbot.keyClicks(page.search_box, number)
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert page.hint_label.text() == "该公民身份号码尚未登记，按 Ctrl+N 登记"
    page.new_action.trigger()
    dialog = page.dialog
    assert dialog.form.lines["id_number"].text() == number
    assert dialog.form.birth_value.text() == "1988-08-08"
    dialog.done(0)
