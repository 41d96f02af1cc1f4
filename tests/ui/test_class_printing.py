"""Printing from a class: 花名册 and 签到表 made in a worker, shown in the preview, nothing left behind."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.services.training.class_records import SessionRecord
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.ui.training import class_printing
from jiangxin_desktop.ui.training.class_detail import ClassDetailDialog
from jiangxin_desktop.ui.training.class_printing import SessionPickDialog, signin_default
from jiangxin_desktop.ui.printing.print_preview import PrintPreviewDialog
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from tests.ui.test_print_preview import pdf_printer


def class_with(ctx, status: str):
    return next(c for c in ctx.classes.list() if c.status == status)


@pytest.fixture
def detail(qtbot, classes_context):
    klass = class_with(classes_context, "training")
    dialog = ClassDetailDialog(classes_context, klass.uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def folder_of(preview: PrintPreviewDialog) -> Path:
    return preview.pdf_path.parent


def test_roster_is_made_in_the_background_and_opens_the_preview(qtbot, detail, tmp_path):
    preview = detail.print_roster()
    assert isinstance(preview, PrintPreviewDialog) and detail.preview is preview
    qtbot.waitExposed(preview)
    assert preview.isVisible() and preview.page_count() == 1
    assert preview.windowTitle() == f"打印预览 — {detail.record.code} 花名册"
    assert preview.page_label.text() == "第 1 页 / 共 1 页"
    out = tmp_path / "printed.pdf"
    assert preview.print_to(pdf_printer(out)) == 1 and out.exists()
    folder = folder_of(preview)
    assert folder.name.startswith("jiangxin-print-") and preview.pdf_path.exists()
    preview.reject()
    assert not folder.exists()  # the roster (full numbers for a reviewer) does not linger


def test_the_print_menu_offers_the_class_documents(detail):
    texts = [a.text() for a in detail.print_menu.actions()]
    assert texts == ["花名册…", "签到表…", "证书（全部有效证书）…"]
    assert detail.print_button.menu() is detail.print_menu
    assert detail.signin_action.isEnabled()
    assert not detail.certificates_action.isEnabled()  # a class in training has no certificates yet
    assert detail.certificates_action.toolTip() == "本班还没有有效证书"


def test_signin_sheet_for_the_session_chosen(qtbot, detail, answer_modal):
    today = detail.ctx.acting.today()
    expected = signin_default(detail.record.sessions, today)
    assert expected is not None

    def accept(pick: SessionPickDialog) -> None:
        assert pick.session_number() == expected.number  # today's or the next one
        pick.accept()

    answer_modal(accept, SessionPickDialog)
    preview = detail.print_signin()
    assert preview is not None and preview.page_count() == 1
    assert preview.windowTitle().endswith(f"第{expected.number}次课 签到表")
    preview.reject()


def test_session_default_is_today_or_the_next():
    def s(n: int, day: date) -> SessionRecord:
        return SessionRecord("u", n, day, "08:30", "11:30", 3, "", "")

    monday = date(2026, 6, 1)
    sessions = (s(1, monday), s(2, monday + timedelta(days=2)), s(3, monday + timedelta(days=4)))
    assert signin_default(sessions, monday + timedelta(days=2)).number == 2
    assert signin_default(sessions, monday + timedelta(days=1)).number == 2
    assert signin_default(sessions, monday + timedelta(days=9)).number == 3
    assert signin_default((), monday) is None


def test_cancel_leaves_no_file(qtbot, detail, tmp_path, answer_modal):
    ctx, code = detail.ctx, detail.record.code
    gate = threading.Event()
    made: list[Path] = []

    def make(out: Path, report) -> dict:
        made.append(out)

        def slow(done: int, total: int) -> None:
            gate.wait(10)  # until 取消 has been pressed
            report(done, total)

        return ctx.class_documents().print_roster(code, out, progress=slow)

    def cancel(dialog: TaskProgressDialog) -> None:
        dialog.reject()
        assert dialog.count_label.text() == "正在取消，请稍候…"
        gate.set()

    handled = answer_modal(cancel, TaskProgressDialog)
    root = tmp_path / "temp"
    root.mkdir()
    assert class_printing.make_and_preview(detail, "花名册", "花名册", make, temp_root=root) is None
    assert handled and made
    assert list(root.iterdir()) == []  # no PDF, no half-written file, no folder


def test_a_name_the_font_cannot_draw_is_explained_and_nothing_printed(qtbot, classes_context, answer_modal):
    ctx = classes_context
    klass = class_with(ctx, "opened")
    person = ctx.registry.register(
        TraineeInput(
            name="刘䶮",
            id_number=id_with_check("32070619900101001"),
            phone="13961300099",
            target_group="11",
            evidence_type="户口簿",
            evidence_number="HK2026-0099",
            consent=True,
        )
    )
    enrol = EnrollInput(person.uuid, evidence_number="DEMO-000099")
    ctx.enrollments.enroll(klass.uuid, enrol, confirmed=True)
    dialog = ClassDetailDialog(ctx, klass.uuid)
    qtbot.addWidget(dialog)
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.windowTitle() + "|" + box.text())
        box.accept()

    answer_modal(read, QMessageBox)
    assert dialog.print_roster() is None
    assert seen and seen[0].startswith("花名册没有生成，没有打印|")
    assert "学员 刘䶮 的姓名中的“䶮”在字体“文泉驿微米黑”中没有字形" in seen[0]
    assert dialog.preview is None
