"""``attendance untimed`` and the rates' word on untimed 出勤, as a script runs them.

The class and its attendance are written in this process with a fixed clock (2026-12-01, as in
tests/services/test_attendance.py); then two rows lose their times as an older release left
them, and one of them gets a 补签 waiting for a reviewer."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.paths import DataPaths
from tests.integration.cli_runner import PASSPHRASE, run
from tests.integration.test_cli_classes import lines, out
from tests.services.classes_helpers import login
from tests.services.test_attendance import at, clock, enrolled


def untimed_station(data) -> tuple[str, list[str]]:
    """A class with three trainees signed in and out at session 1; the first two without times
    now, the first with a pending 补签. Returns the class code and the trainees' names."""
    ctx = open_context(DataPaths(data), lambda new: PASSPHRASE)
    try:
        login(ctx, "clerk")
        klass, people, enrolments = enrolled(ctx, 3)
        first = klass.sessions[0]
        clock(ctx, "12:00")
        for p in people:
            ctx.attendance.check_in(first.uuid, p.id_number, at=at("08:25"))
            ctx.attendance.check_out(first.uuid, p.id_number, at=at("11:30"))
        sheet = {r.enrollment_uuid: r.attendance_uuid for r in ctx.attendance.sheet(first.uuid)}
        with ctx.db.write() as s:
            for e in enrolments[:2]:
                forgotten = "UPDATE attendance SET sign_in_at = NULL, sign_out_at = NULL WHERE uuid = :u"
                s.execute(text(forgotten), {"u": sheet[e.uuid]})
        clock(ctx, "09:00", date(2026, 12, 20))
        ctx.attendance.request_makeup(first.uuid, enrolments[0].uuid, sign_in_at=at("08:30"),
                                      sign_out_at=at("11:30"), reason="按纸质签到表补录")
        return klass.code, [p.name for p in people]
    finally:
        ctx.close()


def forget_one_of_the_finished_class(data) -> str:
    ctx = open_context(DataPaths(data), lambda new: PASSPHRASE)
    try:
        with ctx.db.write() as s:
            code, uuid = s.execute(text(
                "SELECT c.code, a.uuid FROM attendance a JOIN class_session cs ON cs.uuid = a.session_uuid"
                " JOIN training_class c ON c.uuid = cs.class_uuid"
                " JOIN enrollment e ON e.uuid = a.enrollment_uuid"
                " WHERE c.status = 'finished' AND a.status = 'present' AND e.status = 'enrolled' LIMIT 1"
            )).one()
            s.execute(text("UPDATE attendance SET sign_in_at = NULL WHERE uuid = :u"), {"u": uuid})
        return code
    finally:
        ctx.close()


def test_untimed_rows_from_the_command_line(tmp_path):
    data = tmp_path / "d"

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", str(data), user=user)

    assert cli("demo", "--trainees", "5", "--json").returncode == 0
    code, names = untimed_station(data)

    found = out(cli("attendance", "untimed", "--class", code, "--json"))
    assert (found["class_code"], found["rows"], found["pending"], found["to_fix"]) == (code, 2, 1, 1)
    items = found["items"]
    assert [(i["trainee_name"], i["session"], i["status_label"], i["makeup_pending"]) for i in items] == [
        (names[0], 1, "出勤", True),
        (names[1], 1, "出勤", False),
    ]
    item = found["items"][0]
    assert item["session_day"] == "2026-12-01" and item["session_time"] == "08:30–11:30"
    assert "********" in item["trainee_id_number"]
    [one] = found["classes"]
    assert (one["class_code"], one["rows"], one["pending"], one["to_fix"]) == (code, 2, 1, 1)

    station = out(cli("attendance", "untimed", "--json"))  # the demo's own classes have their times
    assert (station["class_code"], station["rows"]) == (None, 2)
    assert [c["class_code"] for c in station["classes"]] == [code]
    assert station["items"][0]["open_for_makeup"] is True

    # an old row of the demo's finished class: listed, but 结业 fixed its hours: no 补签 offered
    finished = forget_one_of_the_finished_class(data)
    station = out(cli("attendance", "untimed", "--json"))
    assert {c["class_code"]: (c["class_status"], c["rows"]) for c in station["classes"]} == {
        code: ("training", 2), finished: ("finished", 1)
    }
    closed = next(i for i in station["items"] if i["class_code"] == finished)
    assert closed["open_for_makeup"] is False
    said = cli("attendance", "untimed").stdout
    assert "全站有 3 条出勤记录没有签到时间，不计课时（2 个培训班）" in said
    assert "本班已结业，不能再补签" in said and f"attendance makeup --class {finished}" not in said

    said = cli("attendance", "untimed", "--class", code)
    assert said.returncode == 0, said.stderr
    assert "有 2 条出勤记录没有签到时间，不计课时，其中 1 条补签待审核" in said.stdout
    assert f"attendance makeup --class {code} --session" in said.stdout

    rates = {r["trainee_name"]: r for r in lines(cli("attendance", "rates", "--class", code, "--json"))}
    counted = [(rates[n]["attended_hours"], rates[n]["untimed_sessions"]) for n in names]
    assert counted == [(0, 1), (0, 1), (4, 0)]
    told = cli("attendance", "rates", "--class", code)
    assert "其中 1 次出勤没有签到时间，未计课时，可补签" in told.stdout
    assert f"attendance untimed --class {code}" in told.stdout
