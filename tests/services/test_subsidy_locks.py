"""A reviewed claim freezes the attendance, the scores and the certificate it rests on; the
retention rule erases the payee from a person's claims."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.retention import ANONYMOUS_NAME, anonymise_due
from jiangxin_desktop.store.models import Attendance
from jiangxin_desktop.store.subsidy_models import SubsidyClaim
from tests.conftest import DEMO_PASSWORD
from tests.services.classes_helpers import login
from tests.services.subsidy_helpers import claimable_class, local


@pytest.fixture
def reviewed(demo_context, clock):
    """A finished class with one reviewed claim (trainee 甲) and one draft (trainee 乙); acting as reviewer."""
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲乙")
    claim = ctx.subsidy.create(c.enrolments[0].uuid)
    draft = ctx.subsidy.create(c.enrolments[1].uuid)
    login(ctx, "reviewer")
    ctx.subsidy.review(claim.number)
    return ctx, c, claim, draft


def frozen(number: str, what: str) -> str:
    return f"补贴申请 {number} 已审核，所依据的出勤、考核和证书已锁定，不能{what}"


def test_the_scores_are_frozen(reviewed):
    ctx, c, claim, _ = reviewed
    login(ctx, "clerk")
    with pytest.raises(KnownError, match=frozen(claim.number, "修改考核成绩")):
        ctx.attendance.record_assessment(
            c.enrolments[0].uuid, theory=60.0, practical=60.0, assessed_on=c.klass.end_date
        )
    with pytest.raises(KnownError, match=frozen(claim.number, "修改考核成绩")):
        ctx.attendance.record_assessment(
            c.enrolments[0].uuid, theory=None, practical=None, result="pass", assessed_on=c.klass.end_date,
            retake=True,
        )


def test_the_certificate_is_frozen_until_the_claim_is_withdrawn(reviewed):
    ctx, c, claim, draft = reviewed
    with pytest.raises(KnownError, match=frozen(claim.number, "注销证书")):
        ctx.certificates.revoke(c.issued[0].number, "材料有误")
    assert ctx.certificates.revoke(c.issued[1].number, "材料有误").status == "revoked"  # only a draft rests on it
    login(ctx, "admin")
    assert ctx.certificates.reprint(c.issued[0].number, "遗失").reissue_count == 1  # 补发 changes nothing claimed
    ctx.subsidy.withdraw(claim.number, "须更正证书")
    assert ctx.certificates.revoke(c.issued[0].number, "材料有误").status == "revoked"
    assert draft.status == "draft"


def test_attendance_is_frozen(reviewed, clock):
    ctx, c, claim, _ = reviewed
    first = c.klass.sessions[0]
    with ctx.db.write() as s:  # as if the class were still running: the lock speaks before anything else
        s.execute(text("UPDATE training_class SET status = 'training' WHERE uuid = :u"), {"u": c.klass.uuid})
    login(ctx, "clerk")
    clock.set(local(first.day, "11:00"))
    message = frozen(claim.number, "修改出勤")
    with pytest.raises(KnownError, match=message):
        ctx.attendance.set_status(first.uuid, c.enrolments[0].uuid, "leave")
    with pytest.raises(KnownError, match=message):
        ctx.attendance.set_status(first.uuid, c.enrolments[0].uuid, "present")
    with pytest.raises(KnownError, match=message):
        ctx.attendance.check_in(first.uuid, c.people[0].id_number)
    with pytest.raises(KnownError, match=message):
        ctx.attendance.check_out(first.uuid, c.people[0].id_number)
    with pytest.raises(KnownError, match=message):
        ctx.attendance.request_makeup(first.uuid, c.enrolments[0].uuid, sign_in_at=local(first.day, "08:20")
                                      .isoformat(), sign_out_at=None, reason="补录")
    ctx.attendance.set_status(first.uuid, c.enrolments[1].uuid, "leave")  # the draft's trainee: not frozen
    with ctx.db.write() as s:  # a 补签 asked for before the claim was reviewed
        s.execute(text("UPDATE attendance SET makeup = 'pending', makeup_by = 'clerk', makeup_reason = '补录', "
                       "makeup_sign_in_at = sign_in_at WHERE enrollment_uuid = :e"), {"e": c.enrolments[0].uuid})
        pending = s.scalars(select(Attendance.uuid).where(Attendance.enrollment_uuid == c.enrolments[0].uuid)).first()
    login(ctx, "reviewer")
    with pytest.raises(KnownError, match=message):
        ctx.attendance.approve_makeup(pending)
    with pytest.raises(KnownError, match=message):
        ctx.attendance.reject_makeup(pending, "无签到表")


def test_anonymising_a_trainee_erases_the_payee_of_their_claims(reviewed):
    ctx, c, claim, draft = reviewed
    admin = ctx.users.authenticate("admin", DEMO_PASSWORD)
    with ctx.db.read() as s:
        before = {r.number: r.version for r in s.scalars(select(SubsidyClaim))}
    done = anonymise_due(ctx.db, admin, 1, datetime(2040, 1, 1, tzinfo=UTC))
    assert {p.uuid for p in c.people} <= set(done.due)
    with ctx.db.read() as s:
        rows = {r.number: r for r in s.scalars(select(SubsidyClaim))}
    for number in (claim.number, draft.number):
        row = rows[number]
        assert (row.payee_name, row.payee_account, row.version) == (ANONYMOUS_NAME, "", before[number] + 1)
    assert "学员甲" not in rows[claim.number].inputs_json
