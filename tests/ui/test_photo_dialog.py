"""照片…: the trainee's 一寸 photo is shown, stored from a file, and deleted in the window
(issue 15: before, only `photo set`/`photo remove` on the command line could)."""

from __future__ import annotations

from PIL import Image
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.store.models import AuditEvent
from jiangxin_desktop.ui.registry import photo_dialog
from jiangxin_desktop.ui.registry.photo_dialog import PhotoDialog


def register(ctx, consent: bool):
    number = id_with_check("32070619950101" + ("123" if consent else "124"))
    return ctx.registry.register(TraineeInput(
        name="周一寸", id_number=number, phone="13800001234", target_group="31", consent=True,
        photo_consent=consent,
    ))


def test_a_photo_is_stored_shown_and_deleted(qtbot, demo_context, tmp_path, monkeypatch):
    record = register(demo_context, consent=True)
    picture = tmp_path / "一寸.jpg"
    Image.new("RGB", (295, 413), (30, 30, 200)).save(picture, "JPEG")
    dialog = PhotoDialog(demo_context, record.uuid)
    qtbot.addWidget(dialog)
    assert dialog.picture.text() == "（没有照片）" and not dialog.remove_button.isEnabled()
    assert dialog.choose_button.isEnabled()
    assert dialog.store(picture)
    assert not dialog.picture.pixmap().isNull() and dialog.remove_button.isEnabled()
    monkeypatch.setattr(photo_dialog, "confirm", lambda *a: True)
    dialog.remove_button.click()
    assert dialog.picture.text() == "（没有照片）"
    with demo_context.db.read() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == record.uuid)).all()
    assert "trainee.photo.set" in actions and "trainee.photo.remove" in actions


def test_without_the_separate_consent_nothing_can_be_stored(qtbot, demo_context, tmp_path, monkeypatch):
    record = register(demo_context, consent=False)
    dialog = PhotoDialog(demo_context, record.uuid)
    qtbot.addWidget(dialog)
    assert not dialog.choose_button.isEnabled() and "没有同意" in dialog.choose_button.toolTip()
    assert "单独同意" in dialog.note.text()
    picture = tmp_path / "一寸.png"
    Image.new("RGB", (30, 42)).save(picture, "PNG")
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert not dialog.store(picture)  # the service refuses too, with its reason
    assert "没有同意采集面部照片" in shown[0]
