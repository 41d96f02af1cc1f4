"""考核 tab: no results before the last session, and none over a valid certificate."""

from __future__ import annotations

from datetime import date, datetime

from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.ui.training.class_detail import ASSESSMENT, ClassDetailDialog
from tests.services.classes_helpers import opened_class, person


def clock(ctx, moment: datetime) -> None:
    local = moment.astimezone()
    ctx.acting.now = lambda: local
    ctx.acting.today = lambda: local.date()


def test_a_certified_result_is_locked_until_the_certificate_is_revoked(qtbot, demo_context):
    ctx = demo_context
    klass = opened_class(ctx)
    enrolment = ctx.enrollments.enroll(klass.uuid, EnrollInput(person(ctx).uuid))
    ctx.classes.start(klass.uuid)
    clock(ctx, datetime(2026, 12, 10, 15, 0))
    ctx.attendance.record_assessment(enrolment.uuid, theory=80, practical=75, assessed_on=date(2026, 12, 10))
    clock(ctx, datetime(2026, 12, 12, 9, 0))
    ctx.classes.finish(klass.uuid)
    number = ctx.certificates.issue(klass.code, issue_date=date(2026, 12, 12)).issued[0].number

    dialog = ClassDetailDialog(ctx, klass.uuid, None, tab=ASSESSMENT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    scores = dialog.assessment_tab
    scores.table.setCurrentIndex(scores.model.index(0, 0))
    assert scores.editor.isEnabled()  # 已结业: results may be entered …
    assert not scores.save_button.isEnabled()  # … but not over the certificate
    assert scores.save_button.toolTip() == (
        f"已按此结果发证书 {number}；更正考核结果须先由审核人撤销该证书"
    )
    assert not scores.retake_button.isEnabled()
    dialog.reject()
