"""The 同步 page and the status-bar label, driven through their real widgets.

A real station database (the demo template made a real station, so its rows travel), a real
city (``city`` package: keys, SQLite store) whose receiver runs with uvicorn over HTTPS on
loopback, and the real sync service in between: nothing is mocked.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QMessageBox
from sqlalchemy import text

from tests.conftest import DEMO_PASSWORD, FIXED_NOW, no_passphrase, use_clock
from tests.services.classes_helpers import person

STATION = "320706001"  # the demo template's station code


# --- a real station, a real city ------------------------------------------------------------


@pytest.fixture
def station(data_paths, clock, demo_template, memory_keyring):
    """The demo template as a real station's database (its rows travel); logged in as the admin."""
    from jiangxin_desktop.context import open_context

    template, entries = demo_template
    shutil.copytree(template.root, data_paths.root, dirs_exist_ok=True)
    memory_keyring.store.update(entries)
    ctx = open_context(data_paths, no_passphrase)
    with ctx.db.write() as session:
        session.execute(text("UPDATE meta SET value = '0' WHERE key = 'demo'"))
    ctx.close()
    ctx = use_clock(open_context(data_paths, no_passphrase), clock)
    assert not ctx.demo and ctx.station.code == STATION
    ctx.login("admin", DEMO_PASSWORD)
    yield ctx
    ctx.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackCity:
    """A city folder, its receiver (SQLite), and uvicorn serving it over HTTPS on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        from jiangxin_desktop.city.keys import init_city
        from jiangxin_desktop.city.receiver import open_receiver

        self.port = free_port()
        city = init_city(folder, name="连云港市人社局（测试）", url=f"https://127.0.0.1:{self.port}",
                         hosts=["localhost", "127.0.0.1"])
        self.receiver = open_receiver(city, lambda: FIXED_NOW)
        self.server = None
        self.thread: threading.Thread | None = None

    def enrolment_file(self, folder: Path, code: str = STATION) -> Path:
        from jiangxin_desktop.city.registration import issue_enrolment

        enrolment = issue_enrolment(self.receiver, code, days=30, issued_by="test")
        path = folder / f"enrolment-{code}.json"
        path.write_bytes(enrolment.document())
        return path

    def start(self, delay: float = 0.0) -> None:
        """Serve; ``delay`` seconds before each answer (a slow line)."""
        import asyncio

        import uvicorn

        from jiangxin_desktop.city.app import build_app

        city = self.receiver.city
        app = build_app(self.receiver)

        async def slow(scope, receive, send):
            await asyncio.sleep(delay)
            await app(scope, receive, send)

        config = uvicorn.Config(
            slow if delay else app, host="127.0.0.1", port=self.port, log_level="warning",
            lifespan="off", ssl_keyfile=str(city.tls_key_path), ssl_certfile=str(city.tls_cert_path),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(10)
        self.server = self.thread = None

    def close(self) -> None:
        self.stop()
        self.receiver.close()


@pytest.fixture
def city(tmp_path):
    loopback = LoopbackCity(tmp_path / "city")
    yield loopback
    loopback.close()


@pytest.fixture
def enrolled(station, city, tmp_path):
    """The station with the city's enrolment imported (not yet registered) and three new trainees."""
    station.sync.enrol(city.enrolment_file(tmp_path))
    for seq, name in ((101, "钱小满"), (102, "孙大伟"), (103, "李春花")):
        person(station, seq=seq, name=name)
    return station


def make_page(qtbot, ctx, monitor=None):
    from jiangxin_desktop.ui.sync.sync_page import SyncPage

    page = SyncPage(ctx, monitor)
    qtbot.addWidget(page)
    page.resize(1240, 680)
    page.show()
    qtbot.waitExposed(page)
    return page


def table_texts(model) -> list[list[str]]:
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]


# --- not enrolled ---------------------------------------------------------------------------


def test_not_enrolled_the_page_says_so_and_立即同步_says_why_it_is_greyed(qtbot, station):
    person(station, seq=101)
    station.login("clerk", DEMO_PASSWORD)
    page = make_page(qtbot, station)
    assert page.enrolment_box.state_value.text() == "未导入注册文件"
    assert page.enrolment_box.code_value.text() == STATION
    assert page.banner.isVisible() and "尚未注册到市里" in page.warning_label.text()
    assert not page.sync_button.isEnabled()
    assert "导入注册文件" in page.sync_button.toolTip()
    assert not page.export_button.isEnabled() and page.export_button.toolTip()
    assert not page.enrol_button.isEnabled() and page.enrol_button.toolTip() == "只有管理员可以导入注册文件"
    assert page.pending_value.text() == "待发送 1 条记录"  # the trainee waits in the outbox
    assert page.batch_model.rowCount() == 0
    greyed = [b.text() for b in page.findChildren(QAbstractButton) if b.isVisibleTo(page)
              and not b.isEnabled() and not b.toolTip()]
    assert greyed == []


def test_a_demo_database_says_its_records_never_leave(qtbot, demo_context):
    page = make_page(qtbot, demo_context)
    assert "演示数据不会发送到市里" in page.warning_label.text()
    assert not page.sync_button.isEnabled()


# --- enrolment --------------------------------------------------------------------------------


def test_the_administrator_imports_the_enrolment_file_through_the_dialog(qtbot, station, city, tmp_path):
    page = make_page(qtbot, station)
    assert page.enrol_button.isEnabled()
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    dialog = page.enrol_dialog
    assert dialog.isVisible() and not dialog.import_button.isEnabled()
    assert dialog.import_button.toolTip() == "请先选择注册文件，或粘贴注册码"

    wrong = tmp_path / "not-an-enrolment.json"
    wrong.write_text('{"type": "jiangxin.catalog"}', encoding="utf-8")
    dialog.set_file(wrong)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "not-an-enrolment.json" in dialog.problem.text()  # said in the dialog

    dialog.set_file(city.enrolment_file(tmp_path))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.enrolment_box.city_value.text() == "连云港市人社局（测试）"
    assert page.enrolment_box.url_value.text() == f"https://127.0.0.1:{city.port}"
    assert page.enrolment_box.state_value.text().startswith("待注册")
    assert page.enrolment_box.imported_value.text()  # local time, 2026-12-01 00:25 style
    assert page.sync_button.isEnabled()  # registering is itself something to send
    assert "同步日志" in page.tabs.tabText(1) and page.log_model.rowCount() >= 1


def test_the_enrolment_can_be_pasted_as_text(qtbot, station, city, tmp_path):
    page = make_page(qtbot, station)
    page.open_enrol_dialog()
    dialog = page.enrol_dialog
    dialog.text_edit.setPlainText(city.enrolment_file(tmp_path).read_text(encoding="utf-8"))
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert page.enrolment_box.city_value.text() == "连云港市人社局（测试）"


# --- 立即同步 against the loopback receiver ------------------------------------------------------


def test_立即同步_runs_in_a_worker_and_the_batches_show_the_city_s_receipt(qtbot, enrolled, city):
    from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor

    city.start()
    label = SyncStatusLabel()
    qtbot.addWidget(label)
    monitor = SyncMonitor(enrolled, label)
    page = make_page(qtbot, enrolled, monitor)
    monitor.refresh_label()
    assert label.text() == "同步：未注册"
    assert page.pending_value.text() == "待发送 3 条记录"

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start(10)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)  # returns when the run has ended
    heartbeat.stop()
    assert len(ticks) >= 3, "the window's event loop stood still during the sync"

    assert page.enrolment_box.state_value.text().startswith("已注册")
    assert page.pending_value.text() == "待发送 0 条记录"
    rows = table_texts(page.batch_model)
    assert len(rows) == 1
    assert rows[0][0] == "第1批" and rows[0][2] == "3" and rows[0][3] == "已确认"
    assert page.batch_model.data(page.batch_model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == "学员 3 条"
    assert "已确认 1 批" in page.batches_value.text()
    assert page.last_value.text().startswith("上次成功同步：2026-")
    assert not page.banner.isVisible()
    assert label.text() == "同步：已确认至 第1批"
    assert not page.sync_button.isEnabled() and page.sync_button.toolTip() == "没有待发送的记录"
    summaries = [page.log_model.data(page.log_model.index(r, 2)) for r in range(page.log_model.rowCount())]
    assert any("第 1 批已确认" in s for s in summaries)


def test_the_status_bar_retries_quietly_and_says_when_the_city_cannot_be_reached(qtbot, enrolled, city):
    from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor

    label = SyncStatusLabel()
    qtbot.addWidget(label)
    monitor = SyncMonitor(enrolled, label)
    with qtbot.waitSignal(monitor.finished, timeout=30_000):  # nobody listens on the port yet
        assert monitor.check()
        assert label.text() == "同步：同步中…"
        assert not monitor.check()  # one run at a time
    assert label.text().startswith("同步：失败（") and label.problem
    assert label.toolTip()

    city.start()
    with qtbot.waitSignal(monitor.finished, timeout=30_000):
        assert monitor.check()
    assert label.text() == "同步：已确认至 第1批" and not label.problem
    assert not monitor.check()  # nothing waits any more: no run


def test_a_batch_that_failed_waits_for_its_back_off_before_the_timer_sends_it_again(
    qtbot, enrolled, city, clock
):
    from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor

    city.start()
    label = SyncStatusLabel()
    qtbot.addWidget(label)
    monitor = SyncMonitor(enrolled, label)
    with qtbot.waitSignal(monitor.finished, timeout=30_000):
        monitor.check()
    assert label.text() == "同步：已确认至 第1批"
    person(enrolled, seq=104, name="周国强")
    city.stop()  # the line goes down
    with qtbot.waitSignal(monitor.finished, timeout=30_000):
        assert monitor.check()
    assert label.text().startswith("同步：失败（") and "第 2 批" in label.toolTip()
    page = make_page(qtbot, enrolled, monitor)
    first = table_texts(page.batch_model)[0]
    assert first[0] == "第2批" and first[3] == "待发送" and first[4] == "1" and "后自动重试" in first[5]

    assert not monitor.check()  # its back-off has not run out: the timer leaves it
    clock.advance(hours=2)
    city.start()
    with qtbot.waitSignal(monitor.finished, timeout=30_000):
        assert monitor.check()
        assert not page.sync_button.isEnabled()  # one run at a time, and the page says so
        assert page.sync_button.toolTip() == "正在后台自动同步，完成后再点"
    assert label.text() == "同步：已确认至 第2批"
    assert table_texts(page.batch_model)[0][3] == "已确认"  # the page followed the background run


def test_a_failed_立即同步_tells_the_clerk_in_a_dialog(qtbot, enrolled, answer_modal):
    page = make_page(qtbot, enrolled)
    seen: list[str] = []

    def read_and_close(box) -> None:
        seen.append(box.text())
        box.close()

    answer_modal(read_and_close, QMessageBox)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert seen and "没有完成" in seen[0]
    assert page.sync_button.isEnabled()  # it may be tried again


def test_取消_stops_the_run_at_its_next_step_and_is_not_a_failure(qtbot, enrolled, city, answer_modal):
    from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor
    from jiangxin_desktop.ui.sync.sync_run import SyncProgressDialog

    city.start(delay=0.4)  # the registration takes a while: 取消 is pressed meanwhile
    label = SyncStatusLabel()
    qtbot.addWidget(label)
    monitor = SyncMonitor(enrolled, label)
    page = make_page(qtbot, enrolled, monitor)
    messages: list[str] = []
    page.message.connect(messages.append)
    waiting: list[str] = []

    def press_cancel(dialog) -> None:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        waiting.append(dialog.count_label.text())

    answer_modal(press_cancel, SyncProgressDialog)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert waiting == ["正在取消，请稍候…"]
    assert messages and messages[-1].startswith("同步已取消")
    assert table_texts(page.batch_model)[0][3] == "待发送"  # built, not sent: it leaves next time
    assert not label.text().startswith("同步：失败")
    assert page.sync_button.isEnabled()


def test_the_usb_round_trip_through_the_page(qtbot, enrolled, city, tmp_path):
    from jiangxin_desktop.city.usb import import_folder

    stick = tmp_path / "stick"
    stick.mkdir()
    page = make_page(qtbot, enrolled)
    messages: list[str] = []
    page.message.connect(messages.append)
    page.export_to(stick)  # in a worker under a progress window, as from 导出到U盘…
    assert "已把 1 批写到" in messages[-1]
    assert table_texts(page.batch_model)[0][3] == "已发送"
    assert (stick / "jiangxin-sync" / STATION / "registration.jwe").is_file()

    imported = import_folder(city.receiver, stick)  # at the city
    assert imported.stations[0].registered and len(imported.stations[0].accepted) == 1

    page.import_receipts(stick)  # as from 导入回执…
    assert page.enrolment_box.state_value.text().startswith("已注册")
    assert table_texts(page.batch_model)[0][3] == "已确认"
    assert "市里已确认 1 批" in messages[-1]
    assert page.pending_value.text() == "待发送 0 条记录"


def test_a_batch_the_city_refuses_shows_失败_with_its_reason_and_its_records_can_go_again(
    qtbot, enrolled, city
):
    from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor

    with enrolled.db.write() as session:  # a row that is not this station's: the city refuses the batch
        session.execute(text("UPDATE trainee SET station_code = '320706999' WHERE name = '孙大伟'"))
    city.start()
    label = SyncStatusLabel()
    qtbot.addWidget(label)
    monitor = SyncMonitor(enrolled, label)
    page = make_page(qtbot, enrolled, monitor)
    messages: list[str] = []
    page.message.connect(messages.append)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    first = table_texts(page.batch_model)[0]
    assert first[3] == "失败" and "320706999" in first[5]  # the city's reason, in Chinese
    assert "失败 1 批" in page.batches_value.text()
    assert page.banner.isVisible() and "拒收" in page.warning_label.text()
    assert label.text().startswith("同步：失败（") and label.problem
    assert page.retry_button.isEnabled()

    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    assert messages[-1] == "失败批次中的 3 条记录已放回待发送，下次同步时重新发送。"
    assert page.pending_value.text() == "待发送 3 条记录"
    assert "3 条" in page.pending_value.toolTip()  # not in a batch any more: the next batch takes them


def test_in_the_main_window_f5_reads_the_page_again_and_the_label_opens_it(qtbot, enrolled):
    from jiangxin_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(enrolled)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.sync_label.text() == "同步：未注册")  # enrolled, not confirmed yet
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.sync_label.setFocus()
    qtbot.keyClick(window.sync_label, Qt.Key.Key_Return)  # the label opens the page from the keyboard too
    page = window.pages.currentWidget()
    assert page is window.sync_page and page.pending_value.text() == "待发送 3 条记录"
    person(enrolled, seq=104, name="周国强")  # written elsewhere (another window's service)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert page.pending_value.text() == "待发送 4 条记录"
    window.close()


def test_closing_the_window_during_a_background_run_waits_for_it(qtbot, enrolled, city):
    from jiangxin_desktop.ui.shell.main_window import MainWindow

    city.start(delay=0.5)
    window = MainWindow(enrolled)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    monitor = window.sync_monitor
    assert monitor.check()
    task = monitor.task
    window.close()  # returns once the run has stopped at its next step
    assert not task.is_running()
    assert enrolled.sync.status().registered  # the step under way was finished, not cut off


# --- review before a batch leaves -------------------------------------------------------------


def test_a_reviewer_approves_a_waiting_batch_on_the_page(qtbot, enrolled):
    enrolled.settings.set(enrolled.user, "sync.require_review", True)
    made = enrolled.sync.build_batches()
    assert [b.status for b in made] == ["review"]
    enrolled.login("clerk", DEMO_PASSWORD)
    clerk_page = make_page(qtbot, enrolled)
    assert not clerk_page.review_box.isVisibleTo(clerk_page)  # approval is not the clerk's

    enrolled.login("reviewer", DEMO_PASSWORD)
    page = make_page(qtbot, enrolled)
    box = page.review_box
    assert box.isVisible() and box.model.rowCount() == 1
    assert box.model.data(box.model.index(0, 3)) == "学员 3 条"
    assert "待审核 1 批" in page.batches_value.text()
    qtbot.mouseClick(box.approve_button, Qt.MouseButton.LeftButton)
    assert not box.isVisible()
    assert table_texts(page.batch_model)[0][3] == "待发送"
    assert "待发送 1 批" in page.batches_value.text()
