"""A station's own roster: unknown values and columns are asked once, answered, remembered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_answers import (
    RosterAnswers,
    clear_remembered,
    list_remembered,
    parse_column,
    parse_default,
    parse_map,
)
from jiangxin_desktop.store.models import AuditEvent, Trainee
from tests.fixtures.rosters.make_station_roster import ids
from tests.services.classes_helpers import opened_class
from tests.services.test_roster_station import ident, workbook

STATION = Path(__file__).resolve().parents[1] / "fixtures" / "rosters" / "roster-station.xlsx"


def answers(codes, *, maps=(), columns=(), defaults=()) -> RosterAnswers:
    given = RosterAnswers()
    for text in maps:
        parse_map(codes, text, given)
    for text in columns:
        parse_column(text, given)
    for text in defaults:
        parse_default(codes, text, given)
    return given


def test_a_station_roster_is_asked_about_not_refused(demo_context):
    klass = opened_class(demo_context)
    preview = demo_context.roster_importer().run(klass.code, STATION, dry_run=True)
    # 农民工 and 脱贫家庭劳动力 are catalog aliases; 退役士兵 is 退役军人, outside this project
    assert [e["row"] for e in preview.errors] == [5]
    assert "退役军人" in preview.errors[0]["message"]
    assert preview.errors[0]["column"] == "人员类型"  # the column that says it, not the ID's
    values = [(q["column"], q["value"], q["rows"], q["first_rows"]) for q in preview.unknown_values]
    assert values == [("人员类型", "高校毕业生", 2, [3, 7]), ("人员类型", "灵活就业人员", 1, [10])]
    graduate = preview.unknown_values[0]
    assert [c["code"] for c in graduate["candidates"]] == ["21", "22", "23"]  # asked, never guessed
    assert preview.unknown_values[1]["candidates"] == []
    assert [(q["column"], q["samples"]) for q in preview.unknown_columns] == [
        ("培训意向", ["养老护理", "养老护理", "家政"]),
        ("备注2", ["应届", "2019年退伍", "帮扶对象"]),
    ]
    assert preview.missing_columns == [] and preview.needs_answers
    assert preview.imported == 5 and preview.waiting == 3
    assert {w["row"] for w in preview.warnings} == {4, 6, 8, 9, 11}  # no evidence: 待补证明材料

    # a real import with questions open writes nothing
    stopped = demo_context.roster_importer().run(klass.code, STATION)
    assert stopped.imported == 0 and stopped.needs_answers and not stopped.dry_run
    assert demo_context.enrollments.list(klass.uuid) == []


def test_answers_import_the_rows_and_are_remembered_for_the_station(demo_context, tmp_path):
    klass = opened_class(demo_context)
    given = answers(
        demo_context.codes,
        maps=["人员类别:高校毕业生=22", "人员类别:灵活就业人员=不导入"],
        columns=["培训意向=忽略", "备注2=备注"],
    )
    done = demo_context.roster_importer().run(klass.code, STATION, answers=given)
    assert not done.needs_answers
    assert (done.imported, done.registered) == (7, 7)
    assert [(s["row"], s["column"]) for s in done.skipped] == [(10, "人员类型")]
    assert done.remembered is not None
    people = {e.trainee_name: e for e in demo_context.enrollments.list(klass.uuid)}
    assert people["张伟"].target_group == "22" and people["李娜"].target_group == "11"
    assert people["刘芳"].target_group == "11" and people["刘芳"].target_flags == ("脱贫家庭",)
    with demo_context.db.read() as s:
        flags = s.scalar(select(Trainee.target_flags).where(Trainee.id_number == ids()[3]))
        note = s.scalar(select(Trainee.note).where(Trainee.id_number == ids()[0]))
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).one()
    assert json.loads(flags) == ["脱贫家庭"] and note == "应届"
    assert "mappings" in event.after_json

    # the next roster with the same words asks nothing: the station remembers
    other = opened_class(demo_context, name="养老护理员（初级）第二期")
    again = demo_context.roster_importer().run(other.code, STATION, dry_run=True)
    assert not again.needs_answers and again.waiting == 0  # (the people are in the first class)
    assert [s["row"] for s in again.skipped] == [10]
    memory = (demo_context.db, demo_context.acting, demo_context.codes)
    shown = {(m["field"], m["value"], m["to"]) for m in list_remembered(*memory)}
    assert ("人员类别", "高校毕业生", "22 离校未就业高校毕业生") in shown
    assert ("人员类别", "灵活就业人员", "不导入这些行") in shown
    assert ("", "培训意向", "忽略此列") in shown

    # forgotten: asked again
    assert clear_remembered(*memory, field_text="人员类别") == 2
    asked = demo_context.roster_importer().run(other.code, STATION, dry_run=True)
    assert [q["value"] for q in asked.unknown_values] == ["高校毕业生", "灵活就业人员"]
    assert asked.unknown_columns == []  # the columns are still remembered
    assert clear_remembered(*memory) == 2
    assert len(demo_context.roster_importer().run(other.code, STATION, dry_run=True).unknown_columns) == 2


def test_a_roster_without_a_group_column_asks_for_one_value_for_the_class(demo_context, tmp_path):
    klass = opened_class(demo_context)
    path = workbook(
        tmp_path,
        ["姓名", "身份证号码", "电话", "类别"],
        [[f"钱{chr(0x4E00 + i)}", ident(i), f"1391234{i:04d}", "失业"] for i in range(1, 4)],
    )
    preview = demo_context.roster_importer().run(klass.code, path, dry_run=True)
    assert preview.missing_columns == [{"field": "人员类别", "required": False}]
    assert [q["column"] for q in preview.unknown_columns] == ["类别"]
    assert preview.errors == [] and preview.waiting == 3  # not a refusal of every row
    # the unknown column named as 人员类别: its values are then asked about
    by_column = answers(demo_context.codes, columns=["类别=人员类别"])
    mapped = demo_context.roster_importer().run(klass.code, path, dry_run=True, answers=by_column)
    assert mapped.missing_columns == [] and mapped.unknown_columns == []
    assert [(q["value"], q["rows"]) for q in mapped.unknown_values] == [("失业", 3)]
    # or one value for the whole class, the 类别 column ignored
    by_default = answers(demo_context.codes, columns=["类别=忽略"], defaults=["人员类别=31"])
    done = demo_context.roster_importer().run(klass.code, path, answers=by_default)
    assert (done.imported, done.needs_answers) == (3, False)
    assert {e.target_group for e in demo_context.enrollments.list(klass.uuid)} == {"31"}


def test_a_recognised_header_can_be_answered_too(demo_context, tmp_path):
    klass = opened_class(demo_context)
    path = workbook(
        tmp_path,
        ["姓名", "身份证号码", "电话", "手机", "人员类别"],
        [["孙明", ident(1), "0518-1234567", "13912340001", "失业人员"]],
    )
    refused = demo_context.roster_importer().run(klass.code, path, dry_run=True)
    assert [e["column"] for e in refused.errors] == ["电话"]  # the office phone read as the mobile
    given = answers(demo_context.codes, columns=["电话=忽略", "手机=手机号码"])
    done = demo_context.roster_importer().run(klass.code, path, answers=given)
    assert (done.imported, done.errors) == (1, [])


@pytest.mark.parametrize(
    ("option", "text", "words"),
    [
        ("map", "人员类别=22", "格式应为"),
        ("map", "籍贯:江苏=1", "不是可用的字段名"),
        ("map", "人员类别:高校毕业生=研究生", "不在人员类别代码表中"),
        ("column", "培训意向", "格式应为"),
        ("column", "培训意向=意向", "不是可用的字段名"),
        ("default", "人员类别=99x", "不在人员类别代码表中"),
    ],
)
def test_answers_typed_wrongly_are_refused_in_words(demo_context, option, text, words):
    with pytest.raises(KnownError, match=words) as raised:
        answers(demo_context.codes, **{option + "s": [text]})
    assert f"--{option} {text}" in raised.value.message


def test_map_takes_a_code_or_a_label(demo_context):
    given = answers(
        demo_context.codes, maps=["人员类别:大学生=离校未就业高校毕业生", "文化程度:中专及以下=40"]
    )
    assert given.values == {"target_group": {"大学生": "22"}, "education": {"中专及以下": "40"}}


def test_an_id_column_under_another_name_is_asked_for(demo_context, tmp_path):
    klass = opened_class(demo_context)
    path = workbook(
        tmp_path,
        ["姓名", "证件号", "电话", "人员类别"],
        [[f"冯{chr(0x4E00 + i)}", ident(i), f"1391234{i:04d}", "失业人员"] for i in range(1, 3)],
    )
    asked = demo_context.roster_importer().run(klass.code, path, dry_run=True)
    assert asked.missing_columns == [{"field": "公民身份号码", "required": True}]
    assert asked.unknown_columns == [{"column": "证件号", "index": 2, "samples": [ident(1), ident(2)]}]
    stopped = demo_context.roster_importer().run(klass.code, path)  # nothing read, nothing written
    assert stopped.imported == 0 and stopped.needs_answers
    done = demo_context.roster_importer().run(
        klass.code, path, answers=answers(demo_context.codes, columns=["证件号=公民身份号码"])
    )
    assert (done.imported, done.needs_answers) == (2, False)


def test_the_clerks_word_wins_over_the_catalogs(demo_context):
    from jiangxin_desktop.services.exchange.roster_codes import SKIP, CodeLookup

    groups = demo_context.codes["target_group"]
    lookup = CodeLookup.build(groups, {"其他": SKIP, "农民工": "31"})
    assert lookup.resolve("其他") == SKIP and lookup.resolve("农民工") == "31"
    assert lookup.flag("脱贫家庭劳动力") == ("11", "脱贫家庭") and lookup.resolve("脱贫家庭劳动力") is None


def test_the_import_audit_names_the_answers_in_words(demo_context):
    klass = opened_class(demo_context)
    given = answers(
        demo_context.codes,
        maps=["人员类别:高校毕业生=22", "人员类别:灵活就业人员=不导入"],
        columns=["培训意向=忽略", "备注2=备注"],
    )
    done = demo_context.roster_importer().run(klass.code, STATION, answers=given)
    assert done.remembered == {
        "values": {"人员类别": {"高校毕业生": "22", "灵活就业人员": "不导入这些行"}},
        "columns": {"培训意向": "忽略此列", "备注2": "备注"},
    }
    with demo_context.db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).one()
    mappings = json.loads(event.after_json)["mappings"]
    assert "\\u0000" not in event.after_json and mappings == done.remembered
