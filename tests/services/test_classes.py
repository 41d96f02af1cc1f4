"""Classes, enrolment rules, attendance and assessment on a real encrypted database."""

from __future__ import annotations

from datetime import date

import pytest

from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.services.training.enrollment import EnrollInput, NeedsConfirmation, NotEligible
from jiangxin_desktop.services.security.roles import PermissionDenied
from tests.services.classes_helpers import class_input, login, opened_class, person


def test_lifecycle_draft_opened_training_finished_archived(demo_context):
    login(demo_context, "clerk")
    draft = demo_context.classes.create(class_input())
    assert draft.status == "draft" and draft.code.startswith(f"{demo_context.station.code}-2026-")
    assert [s.number for s in draft.sessions] == list(range(1, 11))
    assert draft.fee_fen == 100000 and draft.personal_fen == 20000
    with pytest.raises(PermissionDenied):
        demo_context.classes.approve(draft.uuid)  # only a reviewer opens a class
    login(demo_context, "admin")
    with pytest.raises(PermissionDenied):
        demo_context.classes.approve(draft.uuid)
    login(demo_context, "reviewer")
    opened = demo_context.classes.approve(draft.uuid)
    assert (opened.status, opened.approved_by) == ("opened", "reviewer")
    with pytest.raises(PermissionDenied):
        demo_context.classes.create(class_input())  # reviewers do not enter classes
    login(demo_context, "clerk")
    with pytest.raises(KnownError, match="只有草稿可以修改"):
        demo_context.classes.update(opened.uuid, class_input(), expected_version=opened.version)
    training = demo_context.classes.start(opened.uuid)
    demo_context.acting.today = lambda: date(2026, 12, 5)
    with pytest.raises(KnownError, match="最后一次课在 2026-12-10"):
        demo_context.classes.finish(training.uuid)
    demo_context.acting.today = lambda: date(2026, 12, 11)
    finished = demo_context.classes.finish(training.uuid)
    with pytest.raises(PermissionDenied):
        demo_context.classes.archive(finished.uuid)
    login(demo_context, "reviewer")
    assert demo_context.classes.archive(finished.uuid).status == "archived"
    second = demo_context.classes.list()
    assert second[0].status_label == "已归档"


def test_hours_rules_from_the_catalog_are_checked_when_opening(demo_context):
    login(demo_context, "clerk")
    short = demo_context.classes.create(class_input(sessions=9))  # 36 hours for 初级
    middle = demo_context.classes.create(class_input(level="4", sessions=12))  # 48 hours for 中级
    squeezed = demo_context.classes.create(
        class_input(sessions=10, hours=5)  # 08:30–11:30 is 180 minutes, 5 hours need 225
    )
    unbalanced = demo_context.classes.create(class_input(personal="100"))
    login(demo_context, "reviewer")
    with pytest.raises(KnownError, match="五级/初级工培训至少 40 课时，本班只有 36 课时"):
        demo_context.classes.approve(short.uuid)
    with pytest.raises(KnownError, match="四级/中级工培训至少 56 课时"):
        demo_context.classes.approve(middle.uuid)
    with pytest.raises(KnownError, match="只有 180 分钟，不够 5 课时"):
        demo_context.classes.approve(squeezed.uuid)
    with pytest.raises(KnownError, match="合计 900.00 元，与培训费 1000.00 元不一致"):
        demo_context.classes.approve(unbalanced.uuid)
    returned = demo_context.classes.send_back(short.uuid, "课时不足，请补足到 40 课时")
    assert returned.review_note == "课时不足，请补足到 40 课时"


def test_bad_class_input_names_each_field(demo_context):
    login(demo_context, "clerk")
    with pytest.raises(ValidationError) as raised:
        demo_context.classes.create(
            class_input(
                project_code="XX",
                occupation_code="9-99",
                institution_code="none",
                fee="一千",
                end_date=date(2026, 11, 1),
            )
        )
    text = raised.value.message
    for words in ("培训项目", "职业（工种）", "承训机构", "结业日期早于开班日期", "“一千”不是金额"):
        assert words in text


def test_enrolment_rules_in_words(demo_context):
    klass = opened_class(demo_context)
    adult = person(demo_context)
    record = demo_context.enrollments.enroll(klass.uuid, EnrollInput(adult.uuid))
    assert (record.target_group, record.evidence_type) == ("31", "失业登记证")
    with pytest.raises(KnownError, match="不会重复报名"):
        demo_context.enrollments.enroll(klass.uuid, EnrollInput(adult.uuid))

    young = person(demo_context, birth="20110101", seq=102, name="孙小明")
    with pytest.raises(NotEligible, match="只有 15 岁，须年满 16 岁"):
        demo_context.enrollments.enroll(klass.uuid, EnrollInput(young.uuid))

    outsider = person(demo_context, seq=103, name="周大伟", group="41")  # no 劳动合同 on file
    marked = demo_context.enrollments.enroll(klass.uuid, EnrollInput(outsider.uuid))
    assert marked.evidence_missing  # enrolled, 待补证明材料: only the subsidy claim waits for it
    with pytest.raises(ValidationError, match="劳动合同"):  # evidence of the wrong kind: refused
        worker = person(demo_context, seq=105, name="吴刚", group="41")
        demo_context.enrollments.enroll(klass.uuid, EnrollInput(worker.uuid, evidence_type="毕业证"))

    # the same occupation and level again, on overlapping dates: blocked, and the overlap is said
    again = opened_class(demo_context, name="养老护理员（初级）第二期")
    with pytest.raises(NotEligible) as raised:
        demo_context.enrollments.enroll(again.uuid, EnrollInput(adult.uuid))
    assert "同一职业同一等级只补贴一次" in raised.value.message
    assert any("同期还在" in w for w in raised.value.eligibility.warnings)
    # not subsidised: allowed after confirming the overlap
    with pytest.raises(NeedsConfirmation, match="同期还在"):
        demo_context.enrollments.enroll(again.uuid, EnrollInput(adult.uuid, subsidised=False))
    extra = demo_context.enrollments.enroll(
        again.uuid, EnrollInput(adult.uuid, subsidised=False), confirmed=True
    )
    assert extra.warnings and not extra.subsidised


def test_lower_level_after_higher_and_at_most_three(demo_context):
    adult = person(demo_context)
    higher = opened_class(demo_context, level="4", sessions=14, start=date(2026, 1, 5))
    demo_context.enrollments.enroll(higher.uuid, EnrollInput(adult.uuid))
    lower = opened_class(demo_context, start=date(2026, 3, 2))
    with pytest.raises(NotEligible, match="不能再补贴较低的五级/初级工"):
        demo_context.enrollments.enroll(lower.uuid, EnrollInput(adult.uuid))
    for i, (occupation, start) in enumerate(
        [("4-10-01-02", date(2026, 4, 1)), ("4-03-02-01", date(2026, 6, 1))]
    ):
        other = opened_class(demo_context, occupation_code=occupation, start=start, name=f"第{i}期")
        demo_context.enrollments.enroll(other.uuid, EnrollInput(adult.uuid))
    fourth = opened_class(demo_context, occupation_code="4-03-02-02", start=date(2026, 9, 1))
    with pytest.raises(NotEligible, match="已享受 3 次补贴性培训.*每人最多 3 次"):
        demo_context.enrollments.enroll(fourth.uuid, EnrollInput(adult.uuid))


def test_capacity_is_enforced(demo_context):
    klass = opened_class(demo_context, capacity=1)
    demo_context.enrollments.enroll(klass.uuid, EnrollInput(person(demo_context).uuid))
    with pytest.raises(NotEligible, match="培训班已满（计划 1 人）"):
        demo_context.enrollments.enroll(
            klass.uuid, EnrollInput(person(demo_context, seq=105, name="吴一凡").uuid)
        )


def test_attendance_by_id_scan_and_rate_against_the_threshold(demo_context):
    klass = opened_class(demo_context)
    a = person(demo_context)
    b = person(demo_context, seq=107, name="郑小雨")
    demo_context.enrollments.enroll(klass.uuid, EnrollInput(a.uuid))
    eb = demo_context.enrollments.enroll(klass.uuid, EnrollInput(b.uuid))
    first, second = klass.sessions[0], klass.sessions[1]
    local = date(2026, 12, 1)
    from datetime import datetime

    def at(hhmm):
        hour, minute = map(int, hhmm.split(":"))
        return datetime(local.year, local.month, local.day, hour, minute).astimezone().isoformat()

    demo_context.acting.now = lambda: datetime(2026, 12, 1, 11, 45).astimezone()  # a fixed clock

    row = demo_context.attendance.check_in(first.uuid, a.id_number.lower(), at=at("08:25"))
    assert row.status == "present"
    assert demo_context.classes.get(klass.uuid).status == "training"  # the first attendance starts it
    assert demo_context.attendance.check_in(first.uuid, b.id_number, at=at("08:50")).status == "late"
    assert demo_context.attendance.check_out(first.uuid, a.id_number, at=at("11:00")).status == "early"
    demo_context.attendance.check_out(first.uuid, b.id_number, at=at("11:40"))
    with pytest.raises(KnownError, match="不在本班"):
        demo_context.attendance.check_in(first.uuid, person(demo_context, seq=109, name="冯一").id_number)
    demo_context.attendance.set_status(second.uuid, eb.uuid, "leave")
    sheet = {r.trainee_name: r.status for r in demo_context.attendance.sheet(second.uuid)}
    assert sheet == {a.name: None, b.name: "leave"}
    demo_context.acting.now = lambda: datetime(2026, 12, 2, 12, 0).astimezone()  # two sessions held
    rates = {r.trainee_name: r for r in demo_context.attendance.rates(klass.uuid)}
    assert (rates[a.name].attended_hours, rates[a.name].total_hours, rates[a.name].planned_hours) == (
        3,  # 08:25–11:00: left 30 minutes early, 150 of 180 minutes present → 3 of 4 hours
        8,
        40,
    )
    # 08:50–11:40: 20 minutes late, 160 minutes present → 3 hours; 请假 on the second day counts zero
    assert rates[b.name].rate == pytest.approx(3 / 8) and not rates[b.name].meets_threshold


def test_assessment_result_and_retake(demo_context):
    klass = opened_class(demo_context)
    a = person(demo_context)
    enrolment = demo_context.enrollments.enroll(klass.uuid, EnrollInput(a.uuid))
    with pytest.raises(KnownError, match="培训开始后"):
        demo_context.attendance.record_assessment(
            enrolment.uuid, theory=80, practical=70, assessed_on=date(2026, 12, 10)
        )
    demo_context.classes.start(klass.uuid)
    demo_context.acting.today = lambda: date(2026, 12, 10)  # the last session's day
    first = demo_context.attendance.record_assessment(
        enrolment.uuid, theory=80, practical=55, assessed_on=date(2026, 12, 10)
    )
    assert (first.attempt, first.result) == (1, "fail")
    retake = demo_context.attendance.record_assessment(
        enrolment.uuid, theory=80, practical=75, assessed_on=date(2026, 12, 20), retake=True
    )
    assert (retake.attempt, retake.result) == (2, "pass")
    with pytest.raises(KnownError, match="只有考核不合格的学员才能补考"):
        demo_context.attendance.record_assessment(
            enrolment.uuid, theory=90, practical=90, assessed_on=date(2026, 12, 21), retake=True
        )
    with pytest.raises(ValidationError, match="成绩应在 0–100 之间"):
        demo_context.attendance.record_assessment(
            enrolment.uuid, theory=120, practical=None, assessed_on=date(2026, 12, 21)
        )
    assert demo_context.attendance.assessments(klass.uuid)[enrolment.uuid].attempt == 2
