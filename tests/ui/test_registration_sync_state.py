"""Per record: the edit dialog's title says where the person's newest change stands with the
city (issue 17, point 6: 待发送 / 已发送 / 已确认 / 失败 per batch and per record)."""

from __future__ import annotations

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog
from tests.services.sync_city import station  # noqa: F401  (fixture: a station whose rows travel)


def test_the_edit_dialog_names_the_sync_state(qtbot, station):  # noqa: F811
    record = station.registry.register(TraineeInput(
        name="吴同步", id_number=id_with_check("32070619910101777"), phone="13800007777",
        target_group="31", consent=True,
    ))
    dialog = RegistrationDialog(station, station.registry.get(record.uuid))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().endswith("同步：待发送")


def test_a_demo_database_says_nothing_of_sync(qtbot, demo_context):
    record = demo_context.search.page("", limit=1)[0]
    dialog = RegistrationDialog(demo_context, demo_context.registry.get(record.uuid))
    qtbot.addWidget(dialog)
    assert "同步" not in dialog.windowTitle()
