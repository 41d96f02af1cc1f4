"""操作日志 in the clerk's words: local time, display names, masked trainee names, code labels."""

from __future__ import annotations

import os
import time

import pytest

from jiangxin_desktop.services.audit.display import local_time
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.ui.audit.audit_page import AuditTableModel
from jiangxin_desktop.ui.station.settings_page import SettingsPage

ID = id_with_check("32070619900101556")


@pytest.fixture
def shanghai_time():
    """The station's clock: China Standard Time, whatever the test machine uses."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


def open_audit(window):
    window.nav.setCurrentRow(window.area_names().index("设置"))
    page = window.pages.currentWidget()
    assert isinstance(page, SettingsPage)
    return page.audit_page


def test_times_are_local_to_the_minute(shanghai_time):
    assert local_time("2026-12-03T06:05:41.123Z") == "2026-12-03 14:05"
    assert local_time("2026-12-03T06:05:41+00:00") == "2026-12-03 14:05"
    assert local_time("2026-12-03") == "2026-12-03"  # a date is not a time


def test_the_trail_names_people_and_says_codes_in_words(qtbot, window, demo_context, shanghai_time):
    demo_context.registry.register(
        TraineeInput(
            name="孙小红",
            id_number=ID,
            phone="13812345678",
            target_group="31",
            ethnicity="01",
            education="70",
            consent=True,
        )
    )
    audit = open_audit(window)
    audit.reload_choices()
    audit.refresh()
    model = audit.model
    first = [model.index(0, c).data() for c in range(4)]
    assert first[AuditTableModel.ACTOR] == "演示经办人（clerk）"
    assert first[AuditTableModel.ACTION] == "登记学员"
    assert first[AuditTableModel.OBJECT] == "学员 孙*红"  # not a UUID
    assert len(first[AuditTableModel.AT]) == 16 and first[AuditTableModel.AT][10] == " "
    audit.table.selectRow(0)
    detail = audit.detail.toPlainText()
    assert "民族：汉族" in detail and "民族：01" not in detail
    assert "文化程度：初中" in detail and "人员类别：失业人员" in detail
    assert "登记人：演示经办人（clerk）" in detail
    assert "T" not in "".join(line for line in detail.splitlines() if line.startswith("登记时间"))
    choices = [audit.actor_box.itemText(i) for i in range(audit.actor_box.count())]
    assert "演示经办人（clerk）" in choices and "clerk" not in choices
    actors = [model.index(r, AuditTableModel.ACTOR).data() for r in range(model.rowCount())]
    assert "系统" in actors and "root" not in actors  # the demo's own events
    header = audit.table.horizontalHeader()
    metrics = audit.table.fontMetrics()
    for column in (AuditTableModel.AT, AuditTableModel.ACTOR, AuditTableModel.ACTION):
        widest = max(metrics.horizontalAdvance(model.index(r, column).data()) for r in range(model.rowCount()))
        assert header.sectionSize(column) >= widest, column  # nothing cut off


def test_audit_list_on_the_command_line_says_the_same(demo_context, monkeypatch, capsys, shanghai_time):
    import json

    from jiangxin_desktop.cli.main import main as cli_main

    demo_context.registry.register(
        TraineeInput(name="孙小红", id_number=ID, phone="13812345678", target_group="31", ethnicity="01", consent=True)
    )
    monkeypatch.setenv("JIANGXIN_PASSWORD", "Demo-pass-2025")
    argv = ["--data-dir", str(demo_context.paths.root), "--user", "reviewer", "audit", "list", "--limit", "3"]
    assert cli_main([*argv, "--action", "trainee.register", "--json"]) == 0
    event = json.loads(capsys.readouterr().out)["events"][0]
    assert event["actor_name"] == "演示经办人（clerk）" and event["action_label"] == "登记学员"
    assert event["object"] == "学员 孙*红" and event["after"]["民族"] == "汉族"
    assert ID not in json.dumps(event, ensure_ascii=False)  # numbers masked
    assert cli_main(argv) == 0
    text = capsys.readouterr().out
    assert "演示审核人（reviewer）  登录" in text and "T" not in text.splitlines()[0][:16]
