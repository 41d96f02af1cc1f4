"""核验证书: a scanned payload (typed, then Enter) shows valid, revoked, tampered or damaged."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from jiangxin_desktop.services.certificates.payload import VerifyStatus
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR
from jiangxin_desktop.ui.certificates.verify_dialog import VALID_COLOR, VerifyDialog
from tests.services.classes_helpers import login


@pytest.fixture
def certificates(classes_context):
    ctx = classes_context
    finished = next(c for c in ctx.classes.list() if c.status == "finished")
    return ctx, ctx.certificates.issue(finished.code).issued


@pytest.fixture
def dialog(qtbot, certificates):
    ctx, _ = certificates
    widget = VerifyDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def scan(qtbot, dialog: VerifyDialog, text: str) -> None:
    """A USB scanner: the characters, then Enter."""
    dialog.payload_edit.setFocus()
    qtbot.keyClicks(dialog.payload_edit, text)
    qtbot.keyClick(dialog.payload_edit, Qt.Key.Key_Return)


def shown(dialog: VerifyDialog) -> dict[str, str]:
    return {k: v.text() for k, v in dialog.fields.items() if v.isVisible()}


def test_a_valid_certificate(qtbot, dialog, certificates):
    ctx, issued = certificates
    cert = issued[0]
    scan(qtbot, dialog, ctx.certificates.payload(cert.number))
    assert dialog.result is not None and dialog.result.status is VerifyStatus.VALID
    assert dialog.verdict_label.text() == "✔ 证书有效"
    assert VALID_COLOR in dialog.verdict_label.styleSheet()
    fields = shown(dialog)
    assert fields["number"] == cert.number
    name = cert.trainee_name
    assert fields["holder"].startswith(name[0] + "*" * (len(name) - 1) + "（")
    assert cert.trainee_id_number not in fields["holder"] and "********" in fields["holder"]
    assert fields["occupation"].startswith(cert.occupation_name)
    assert fields["station"] == f"{ctx.station.name}（{ctx.station.code}）"
    assert fields["reissue"] == "否（原证）"
    assert fields["date"] == f"{cert.issue_date.year}年{cert.issue_date.month}月{cert.issue_date.day}日"
    assert dialog.payload_edit.selectedText() == dialog.payload_edit.text()  # the next scan replaces it


def test_a_reprint_and_a_revoked_certificate(qtbot, dialog, certificates):
    ctx, issued = certificates
    ctx.certificates.reprint(issued[1].number, "原证遗失")
    scan(qtbot, dialog, ctx.certificates.payload(issued[1].number))
    assert shown(dialog)["reissue"] == "第 1 次补发"
    old = ctx.certificates.payload(issued[2].number)
    login(ctx, "reviewer")
    ctx.certificates.revoke(issued[2].number, "替考")
    scan(qtbot, dialog, old)
    assert dialog.verdict_label.text() == "✘ 证书已撤销，不再有效"
    assert ERROR_COLOR in dialog.verdict_label.styleSheet()
    assert "撤销于 " in dialog.message_label.text() and issued[2].number in dialog.message_label.text()


def test_a_tampered_or_damaged_payload_is_red_with_the_reason(qtbot, dialog, certificates):
    ctx, issued = certificates
    payload = ctx.certificates.payload(issued[0].number)
    middle = len(payload) // 2
    tampered = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1 :]
    scan(qtbot, dialog, tampered)
    assert dialog.result is not None and dialog.result.status in (
        VerifyStatus.TAMPERED,
        VerifyStatus.MALFORMED,
    )
    assert dialog.verdict_label.text().startswith("✘")
    assert ERROR_COLOR in dialog.verdict_label.styleSheet()
    assert shown(dialog) == {}  # nothing from a payload that is not genuine
    assert "请勿采信" in dialog.message_label.text() or "无法读取" in dialog.message_label.text()

    dialog.payload_edit.clear()
    scan(qtbot, dialog, payload[:40])
    assert dialog.verdict_label.text() == "✘ 无法识别：不是证书二维码或已损坏"
    assert "不完整或已损坏" in dialog.message_label.text()


def test_reachable_from_the_main_window_menu(qtbot, window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert "证书(&C)" in titles
    window.verify_action.trigger()
    assert isinstance(window.verify_dialog, VerifyDialog)
    qtbot.waitExposed(window.verify_dialog)
    assert window.verify_dialog.focusWidget() is window.verify_dialog.payload_edit  # ready for a scan
    window.verify_dialog.reject()


def test_a_scanned_verification_address_verifies(qtbot, dialog, certificates):
    ctx, issued = certificates
    address = ctx.certificates.qr_content(issued[0].number)  # what the printed code carries
    assert address.startswith("https://") and "?c=JX1:" in address
    scan(qtbot, dialog, address)
    assert dialog.result is not None and dialog.result.status is VerifyStatus.VALID
    assert shown(dialog)["number"] == issued[0].number
