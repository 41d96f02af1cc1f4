"""操作日志 in 设置: filter the trail, read details with numbers masked, check the chain."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.ui.station.settings_page import SettingsPage

ID = id_with_check("32070619900101555")


def open_audit(qtbot, window):
    window.nav.setCurrentRow(window.area_names().index("设置"))
    page = window.pages.currentWidget()
    assert isinstance(page, SettingsPage) and page.tabs.tabText(0) == "操作日志"
    return page.audit_page


def test_events_are_listed_filtered_and_masked(qtbot, window, demo_context):
    demo_context.registry.register(
        TraineeInput(name="孙小红", id_number=ID, phone="13812345678", target_group="31", consent=True)
    )
    audit = open_audit(qtbot, window)
    audit.reload_choices()
    audit.refresh()
    actions = [audit.model.index(r, 2).data() for r in range(audit.model.rowCount())]
    assert actions[0] == "登记学员" and "写入演示数据" in actions
    audit.action_box.setCurrentIndex(audit.action_box.findText("登记学员"))
    audit.search_button.click()
    assert audit.model.rowCount() == 1
    audit.table.selectRow(0)
    detail = audit.detail.toPlainText()
    assert "孙小红" in detail and ID not in detail and "13812345678" not in detail
    assert "320706********" + ID[-4:] in detail


def test_verify_reports_a_tampered_trail(qtbot, window, demo_context, monkeypatch):
    audit = open_audit(qtbot, window)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(("ok", a[2])))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(("broken", a[2])))
    audit.verify_button.click()
    with demo_context.db.write() as s:
        s.execute(text("DROP TRIGGER audit_event_no_update"))
        s.execute(text("UPDATE audit_event SET actor = 'x' WHERE seq = 1"))
    audit.verify_button.click()
    assert shown[0][0] == "ok" and "完整" in shown[0][1]
    assert shown[1][0] == "broken" and "第 1 条" in shown[1][1]


def test_verify_reports_deleted_newest_events_and_when_the_chain_was_anchored(
    qtbot, window, demo_context, monkeypatch
):
    """The window says what ``audit verify`` says: the tail cut off, and the last anchoring."""
    demo_context.registry.register(
        TraineeInput(name="孙小红", id_number=ID, phone="13812345678", target_group="31", consent=True)
    )
    audit = open_audit(qtbot, window)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(("ok", a[2])))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(("broken", a[2])))
    audit.verify_button.click()
    with demo_context.db.write() as s:
        last = s.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
        s.execute(text("DROP TRIGGER audit_event_no_delete"))
        s.execute(text(f"DELETE FROM audit_event WHERE seq > {last - 2}"))
    audit.verify_button.click()
    assert shown[0][0] == "ok" and "最近一次锚定" in shown[0][1]
    assert shown[1][0] == "broken" and "截断" in shown[1][1] and f"至 {last} 号事件被删除" in shown[1][1]
    assert "最近一次锚定" in shown[1][1]


def test_every_action_the_program_writes_has_a_chinese_label():
    """An event type added without a label would show in English in 操作日志."""
    import re
    from pathlib import Path

    from jiangxin_desktop.ui.audit.audit_page import action_labels

    prefixes = (
        "trainee|user|login|class|enrollment|attendance|assessment|roster|print|backup|setting|retention|"
        "catalog|signing_key|station|demo|certificate|claim|sync"
    )
    pattern = re.compile(rf'"((?:{prefixes})\.[a-z_]+)"')
    from jiangxin_desktop.services.station.settings import VALIDATORS

    source = Path(__file__).resolve().parents[2] / "jiangxin_desktop"
    written = (
        {
            m
            for path in source.rglob("*.py")
            if "city" not in path.relative_to(source).parts  # the city's receiver keeps its own log
            for m in pattern.findall(path.read_text(encoding="utf-8"))
        }
        - {"enrollment.uuid", "trainee.uuid", "certificate.uuid", "catalog.jws"}  # columns and a file name
        - set(VALIDATORS)
    )  # columns and settings keys are no actions
    assert written and written <= set(action_labels()), sorted(written - set(action_labels()))


def test_an_administrator_reanchors_from_the_window(qtbot, demo_context, monkeypatch):
    """Issue 15: re-anchoring after a reported problem is in the window, not only `audit reanchor`."""
    from jiangxin_desktop.ui.audit.audit_page import AuditPage

    clerks = AuditPage(demo_context)
    qtbot.addWidget(clerks)
    assert not clerks.reanchor_button.isEnabled() and "管理员" in clerks.reanchor_button.toolTip()
    demo_context.login("admin", "Demo-pass-2025")
    page = AuditPage(demo_context)
    qtbot.addWidget(page)
    assert page.reanchor_button.isEnabled()
    shown, asked = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    page.reanchor_button.click()
    assert "无需重新锚定" in shown[-1] and not asked
    with demo_context.db.write() as s:
        last = s.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
        s.execute(text("DROP TRIGGER audit_event_no_delete"))
        s.execute(text(f"DELETE FROM audit_event WHERE seq > {last - 2}"))
    page.reanchor_button.click()
    assert "截断" in asked[-1] and "已重新锚定" in shown[-1] and "旧锚点保存为" in shown[-1]
    from jiangxin_desktop.database_files import anchor_path
    from jiangxin_desktop.services.audit.anchor import check_anchor

    assert check_anchor(demo_context.db, anchor_path(demo_context.paths)).ok
