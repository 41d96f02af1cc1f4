"""Bulk entry of follow-ups from a real .xlsx: Chinese headers under a title, labels and aliases,
row errors naming row and column, a dry run that writes nothing, and all rows or none."""

from __future__ import annotations

from datetime import date, datetime, time

import openpyxl
import pytest
from sqlalchemy import text

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.followup_sheet import parse_column, period_of
from tests.services.followup_helpers import finished_class

THREE = date(2026, 6, 11)
HEADER = ["序号", "姓名", "身份证号码", "班级编号", "回访期", "回访结果", "工作单位", "统一社会信用代码",
          "用工形式", "月工资", "回访日期", "备注"]
USCC = "91320700MA1MX4L20L"


def workbook(path, rows, header=HEADER, title="2026年6月 就业回访登记表"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def finished(demo_context, clock):
    made = finished_class(demo_context, clock, date(2026, 3, 2))
    clock.set(datetime.combine(THREE, time(10, 0)))
    return made


def good_rows(made):
    a, b, c = made.people
    code = made.klass.code
    return [
        [1, a.name, a.id_number, code, "3个月", "就业", "连云港康养中心", USCC, "劳动合同", "3000–5000元",
         datetime(2026, 6, 10), "本人接听"],
        [2, b.name, b.id_number, code, 3, "灵活", None, None, None, None, "2026/6/9", None],
        [3, c.name, c.id_number, code, "三个月", "联系不上", None, None, None, None, "2026年6月11日", "电话停机"],
    ]


def count(ctx) -> int:
    with ctx.db.read() as s:
        return s.execute(text("SELECT count(*) FROM follow_up")).scalar_one()


def test_a_dry_run_writes_nothing_and_a_real_run_writes_every_row(demo_context, finished, tmp_path):
    ctx = demo_context
    path = workbook(tmp_path / "回访.xlsx", good_rows(finished))
    preview = ctx.followup_importer().run(path, dry_run=True)
    assert (preview.ok, preview.rows, preview.written, preview.dry_run) == (True, 3, False, True)
    assert preview.columns["回访结果"] == "回访结果" and preview.columns["身份证号"] == "身份证号码"
    assert count(ctx) == 0
    done = ctx.followup_importer().run(path)
    assert (done.written, done.recorded, done.corrected) == (True, 3, 0)
    got = {r.trainee_name: r for r in ctx.followups.list(class_code=finished.klass.code)}
    assert (got["学员甲"].outcome, got["学员甲"].contract_type, got["学员甲"].wage_band) == (
        "employed", "labour", "3000_5000")
    assert (got["学员甲"].employer_uscc, got["学员甲"].contacted_on, got["学员甲"].note) == (
        USCC, date(2026, 6, 10), "本人接听")
    assert (got["学员乙"].outcome, got["学员乙"].contacted_on) == ("flexible", date(2026, 6, 9))
    assert got["学员丙"].outcome == "unreachable"
    assert ctx.followups.due(today=THREE) == []
    again = ctx.followup_importer().run(path)
    assert (again.recorded, again.corrected, again.unchanged) == (0, 0, 3)
    assert done.to_json()["errors"] == [] and done.to_json()["recorded"] == 3


def test_row_errors_name_row_and_column_and_nothing_is_written(demo_context, finished, tmp_path):
    ctx = demo_context
    rows = good_rows(finished)
    a, b, c = finished.people
    rows[0][5] = "搬砖"  # not an outcome
    rows[1][10] = "2099-01-01"  # in the future
    rows[2][4] = "九个月"  # not a period of the plan
    rows.append([4, "无名氏", "110101199003074514", finished.klass.code, 3, "就业", None, None, None, None,
                 "2026-06-10", None])  # nobody registered
    rows.append([5, a.name, a.id_number, "NO-SUCH", 3, "就业", None, None, None, None, "2026-06-10", None])
    rows.append([6, "别人", b.id_number, finished.klass.code, 3, "就业", None, None, None, None, "2026-06-10", None])
    rows.append([7, c.name, c.id_number, finished.klass.code, 6, "就业", None, "123", None, "很多",
                 "2026-06-10", None])
    result = ctx.followup_importer().run(workbook(tmp_path / "错.xlsx", rows))
    said = {(p.row, p.column): p.message for p in result.problems}
    assert said[(3, "回访结果")].startswith("“搬砖”不是可选的回访结果，应为 受雇就业、自主创业")
    assert "2099-01-01 晚于今天" in said[(4, "回访日期")]
    assert said[(5, "回访期")] == "应为 3 个月、6 个月 之一，现在是 9"
    assert "没有找到身份证号为" in said[(6, "身份证号码")] and "110101199003074514" not in said[(6, "身份证号码")]
    assert said[(7, "班级编号")] == "找不到培训班 NO-SUCH，请核对班级编号"
    assert said[(8, "姓名")] == "与身份证号登记的姓名“学员乙”不一致，请核对"
    assert "统一社会信用代码应为18位" in said[(9, "统一社会信用代码")] and "“很多”不是可选的月工资" in said[(9, "月工资")]
    assert (result.written, result.rows) == (False, 7) and count(ctx) == 0


def test_the_class_given_a_header_answered_and_remembered(demo_context, finished, tmp_path):
    ctx = demo_context
    a = finished.people[0]
    header = ["姓名", "身份证号", "第几次回访", "就业情况", "跟踪日期", "联系人"]
    path = workbook(tmp_path / "简表.xlsx", [[a.name, a.id_number, "3", "创业", "2026-06-10", "本人"]], header=header)
    with pytest.raises(KnownError, match="缺少必需的列“回访日期”"):
        ctx.followup_importer().run(path, class_code=finished.klass.code)
    columns: dict[str, str] = {}
    parse_column("跟踪日期=回访日期", columns)
    parse_column("联系人=忽略", columns)
    done = ctx.followup_importer().run(path, class_code=finished.klass.code, columns=columns)
    assert (done.recorded, done.unknown_columns) == (1, [])
    assert ctx.followups.list()[0].outcome == "self_employed"
    # the answer is remembered: the next file with the same header needs none
    path2 = workbook(tmp_path / "简表2.xlsx", [[a.name, a.id_number, "3", "就业", "2026-06-11", "本人"]], header=header)
    assert ctx.followup_importer().run(path2, class_code=finished.klass.code).corrected == 1
    with pytest.raises(KnownError, match="不是可用的字段名"):
        parse_column("跟踪日期=生日", {})
    with pytest.raises(KnownError, match="找不到培训班 NO-SUCH"):
        ctx.followup_importer().run(path, class_code="NO-SUCH")


def test_periods_as_people_write_them():
    assert [period_of(x) for x in (3, 3.0, "6", "3个月", "六个月", "第6个月", " 3 ", "十二个月", "半年", "")] == [
        3, 3, 6, 3, 6, 6, 3, 12, None, None]
