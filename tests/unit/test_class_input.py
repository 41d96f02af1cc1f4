"""Dates, times and timetables as clerks type them or WPS saves them."""

from __future__ import annotations

from datetime import date

from jiangxin_desktop.cli.class_input import parse_day, parse_hhmm, read_sessions_file
from jiangxin_desktop.errors import FieldError


def test_dates_and_times_in_the_ways_they_are_written():
    for text in ("2026-12-01", "2026/12/1", "2026.12.01", "2026年12月1日"):
        assert parse_day(text) == date(2026, 12, 1)
    assert parse_day("2026-02-30") is None and parse_day("12/01/2026") is None
    assert parse_hhmm("8:30") == "08:30" and parse_hhmm("08：30") == "08:30"
    assert parse_hhmm("24:00") is None and parse_hhmm("8点") is None


def test_timetable_in_gbk_with_a_header_and_every_bad_line_named(tmp_path):
    path = tmp_path / "课次.csv"
    rows = [
        "日期,开始,结束,课时,教师,内容",
        "2026-12-01,8:30,11:30,4,王老师,理论",
        "",
        "2026-12-02,下午,17:00,四",
    ]
    text = "\r\n".join(rows)
    path.write_bytes(text.encode("gbk"))
    errors: list[FieldError] = []
    sessions = read_sessions_file(path, errors)
    assert [(s.day, s.start_time, s.hours, s.teacher, s.topic) for s in sessions] == [
        (date(2026, 12, 1), "08:30", 4, "王老师", "理论")
    ]
    assert len(errors) == 1 and errors[0].field == "课次安排"
    assert "第 4 行" in errors[0].message and "时间“下午”" in errors[0].message
    assert "课时“四”不是整数" in errors[0].message
