"""The demo database's classes: built through the services, current, printable."""

from __future__ import annotations

from jiangxin_desktop.context import open_context
from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.domain.attendance_rules import parse_moment
from jiangxin_desktop.services.demo.classes import RARE_NAME
from tests.conftest import DEMO_DAY, DEMO_PASSWORD, no_passphrase, use_clock


def test_demo_has_a_finished_class_with_results_and_a_rare_name(data_paths, clock):
    result = ensure_demo_database(data_paths, no_passphrase, 120, user_password=DEMO_PASSWORD, today=DEMO_DAY)
    assert len(result["classes"]) == 4
    ctx = use_clock(open_context(data_paths, no_passphrase), clock)
    try:
        ctx.login("reviewer", DEMO_PASSWORD)
        by_status = {c.status: c for c in ctx.classes.list()}
        assert set(by_status) == {"finished", "training", "opened", "draft"}
        finished = by_status["finished"]
        roster = ctx.enrollments.list(finished.uuid)
        assert RARE_NAME in {e.trainee_name for e in roster} and len(roster) >= 15
        results = ctx.attendance.assessments(finished.uuid)
        assert {r.result for r in results.values()} == {"pass", "fail"}
        assert next(e for e in roster if e.trainee_name == RARE_NAME).uuid in {
            u for u, r in results.items() if r.result == "pass"
        }
        assert ctx.classes.opening_problems(by_status["draft"])  # it shows why it cannot open
        due = ctx.followups.due()  # the finished class ended about three months ago: its 回访 is due
        assert due and {row.class_code for row in due} == {finished.code}
        rates = ctx.attendance.rates(by_status["training"].uuid)
        assert rates and all(0 < r.total_hours < r.planned_hours for r in rates)  # half-way through
        # 出勤 means presence: every attended row has a sign-in and a sign-out inside its window
        attended = 0
        for klass in (finished, by_status["training"]):
            for session in ctx.classes.get(klass.uuid).sessions:
                window = ctx.attendance.window(session.uuid)
                for row in ctx.attendance.sheet(session.uuid):
                    if row.status in ("present", "late", "early"):
                        attended += 1
                        sign_in, sign_out = (parse_moment(x) for x in (row.sign_in_at, row.sign_out_at))
                        assert sign_in is not None and window.opens <= sign_in <= window.end
                        assert sign_out is not None and sign_in < sign_out <= window.out_closes
                        assert row.counted > 0
        assert attended > 100
    finally:
        ctx.close()
