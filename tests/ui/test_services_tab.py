"""就业服务（1131）: the unemployed owed services, a person's events, recording one; the trainee's
dialog shows what is still owed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from jiangxin_desktop.ui.followup.services_tab import ServicesTab


@pytest.fixture
def ctx(demo_context):
    """The demo database (300 trainees, some of them unemployed) with the real ``ctx.followups``."""
    return demo_context


@pytest.fixture
def tab(qtbot, ctx):
    widget = ServicesTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.refresh()  # as the 统计 page does when it shows the tab
    return widget


def _referral(qtbot, box, employer: str, ime) -> None:
    box.buttons["referral"].click()
    dialog = box.dialog
    assert dialog is not None and dialog.employer.isVisible()
    ime(dialog.details, "推荐面试")
    ime(dialog.employer, employer)
    dialog.employer.setFocus()
    qtbot.keyClick(dialog.employer, Qt.Key.Key_Return)  # Enter on the last field saves
    assert box.dialog is None


def test_recording_a_referral_changes_what_is_owed(qtbot, tab, ctx, ime):
    assert tab.model.rowCount() > 0, "the demo has unemployed people"
    first = tab.model.row_at(0)
    assert tab.box.trainee_uuid == first.trainee_uuid
    assert "岗位推荐 3 次" in tab.box.owed_text()
    assert "推荐 3" in tab.model.data(tab.model.index(0, 3))

    _referral(qtbot, tab.box, "连云港某某机械有限公司", ime)

    assert "岗位推荐 2 次" in tab.box.owed_text()
    assert tab.box.model.rowCount() == 1
    assert tab.box.model.data(tab.box.model.index(0, 1)) == "岗位推荐"
    assert "连云港某某机械有限公司" in tab.box.model.data(tab.box.model.index(0, 2))
    row = tab.model.row_of(first.trainee_uuid)
    assert row is not None and "推荐 2" in tab.model.data(tab.model.index(row, 3))
    assert tab.box.trainee_uuid == first.trainee_uuid, "the person stays chosen"


def test_a_person_given_every_service_leaves_the_list_but_stays_shown(qtbot, tab, ctx):
    from jiangxin_desktop.services.followup import ServiceInput

    first = tab.model.row_at(0)
    today = ctx.acting.today()
    for kind in ("policy", "guidance", "referral", "referral", "training"):
        ctx.followups.record_service(first.trainee_uuid, ServiceInput(kind, today))
    tab.refresh()
    assert "岗位推荐 1 次" in tab.box.owed_text()
    tab.box.buttons["referral"].click()
    tab.box.dialog.attempt_save()
    assert tab.box.owed_text() == "1131 服务已完成"
    assert tab.model.row_of(first.trainee_uuid) is None
    assert tab.box.trainee_uuid == first.trainee_uuid


def test_the_trainee_dialog_shows_what_is_owed(qtbot, ctx):
    from jiangxin_desktop.services.followup import ServiceInput
    from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog

    person = ctx.followups.owed()[0]
    ctx.followups.record_service(person.trainee_uuid, ServiceInput("policy", ctx.acting.today(), details="创业政策"))
    dialog = RegistrationDialog(ctx, ctx.registry.get(person.trainee_uuid))
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.services_box
    assert box is not None
    assert box.owed_text() == "还差：职业指导 1 次、岗位推荐 3 次、培训机会 1 次"
    assert box.model.rowCount() == 1
    assert box.model.data(box.model.index(0, 1)) == "政策宣讲"


def test_the_trainee_dialog_has_no_services_tab_for_other_people(qtbot, ctx):
    from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog
    from tests.services.classes_helpers import person

    rural = person(ctx, seq=401, name="农小满", group="11")  # 农村转移劳动力: no 1131 services
    dialog = RegistrationDialog(ctx, ctx.registry.get(rural.uuid))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.services_box is None and dialog.pages.count() == 1 and not dialog.pages.tabBar().isVisible()
    new = RegistrationDialog(ctx)
    qtbot.addWidget(new)
    assert new.services_box is None and new.pages.count() == 1
