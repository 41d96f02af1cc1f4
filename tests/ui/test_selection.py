"""Selection in the lists: a click selects what the clerk sees, buttons follow, nothing jumps."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication

from jiangxin_desktop.ui.training.class_detail import ASSESSMENT, ClassDetailDialog
from jiangxin_desktop.ui.training.classes_page import ClassesPage
from jiangxin_desktop.ui.registry.trainee_model import TraineeTableModel
from tests.services.classes_helpers import opened_class, person


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, TraineeTableModel.NAME))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_edit_is_enabled_by_the_first_click_after_a_search(qtbot, page, ime):
    target = page.ctx.search.page("", sort="name", limit=1)[0]
    click_row(qtbot, page.table, 2)
    ime(page.search_box, target.name[:2])
    page.search_now()  # the list is searched again: the highlight is gone, 编辑 off
    assert not page.edit_action.isEnabled()
    click_row(qtbot, page.table, 0)  # the clerk clicks the person found
    assert page.current_uuid() == page.model.row_at(0).uuid
    assert page.edit_action.isEnabled()
    assert page.buttons[page.edit_action].isEnabled()
    assert page.deactivate_action.isEnabled()


def test_edit_follows_the_row_highlighted_by_a_scan(qtbot, page):
    target = page.ctx.search.page("", sort="name", limit=1)[0]
    qtbot.keyClicks(page.search_box, target.id_number)
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert page.current_uuid() == target.uuid
    assert page.edit_action.isEnabled()
    page.table.clearSelection()  # nothing highlighted: nothing to edit
    assert not page.edit_action.isEnabled()


@pytest.fixture
def detail(qtbot, demo_context):
    klass = opened_class(demo_context)
    page = ClassesPage(demo_context)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.select_uuid(klass.uuid)
    page.open_selected()
    dialog = page.dialog
    assert isinstance(dialog, ClassDetailDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_one_click_in_the_enrol_picker_picks_the_person(qtbot, detail, demo_context, ime):
    person(demo_context, seq=107, name="郑小雨")
    person(demo_context, seq=108, name="郑小雪")
    picker = detail.enrolment_tab.picker
    ime(picker.box, "郑小")
    picker.search_now()
    assert len(picker.rows) == 2
    second = picker.results.item(1)
    rect = picker.results.visualItemRect(second)
    qtbot.mouseClick(picker.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    chosen = detail.enrolment_tab.chosen
    assert chosen is not None and chosen.uuid == picker.rows[1].uuid
    assert detail.enrolment_tab.chosen_label.text().startswith(f"已选：{picker.rows[1].name}")


def test_the_assessment_save_button_stays_where_it_is_while_typing(qtbot, detail, demo_context):
    detail.enrolment_tab.picker.box.setText(person(demo_context).id_number)
    detail.enrolment_tab.picker._entered()
    detail.enrolment_tab.enrol()
    detail.tabs.setCurrentIndex(ASSESSMENT)
    scores = detail.assessment_tab
    scores.table.setCurrentIndex(scores.model.index(0, 0))

    def save_button_at() -> QPoint:
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        return scores.save_button.mapTo(scores, QPoint(0, 0))

    places = set()
    for theory in ("", "8", "80", "8x", "80.5"):  # prompt, result, problem: texts of other lengths
        scores.theory_edit.setText(theory)
        places.add((save_button_at().x(), save_button_at().y()))
    scores.result_combo.setCurrentIndex(2)  # a manual result
    places.add((save_button_at().x(), save_button_at().y()))
    assert len(places) == 1, places
