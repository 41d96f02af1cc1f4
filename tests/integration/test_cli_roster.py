"""roster import|export and stats export as a script runs them."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.integration.cli_runner import run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_import_preview_report_and_export(tmp_path):
    data = ["--data-dir", str(tmp_path / "d")]
    demo = ok(run("demo", "--trainees", "30", *data, "--json"))
    opened = demo["classes"][2]  # 已开班
    args = ["roster", "import", str(FIXTURES / "roster-lo.ods"), "--class", opened, *data, "--json"]
    preview = ok(run(*args, "--dry-run", "--report", str(tmp_path / "问题.xlsx")))
    assert preview["data_rows"] == 14 and preview["dry_run"] is True
    assert preview["duplicates"] == [{"row": 10, "id_number": "320706********9007"}]
    assert {"row", "column", "message"} == set(preview["errors"][0])
    assert (tmp_path / "问题.xlsx").exists()
    assert [q["value"] for q in preview["unknown_values"]] == ["火星族", "贫困户"]
    done = ok(run(*args, "--map", "民族:火星族=不导入", "--map", "人员类别:贫困户=11"))
    assert done["imported"] == preview["imported"] and done["skipped"][0]["row"] == 15
    again = run(*args)  # no row can be imported (all in the class already, or refused): exit 1
    assert again.returncode == 1, again.stdout + again.stderr
    assert json.loads(again.stdout)["imported"] == 0
    text = run("roster", "import", str(FIXTURES / "roster-lo.ods"), "--class", opened, *data)
    assert text.returncode == 1 and "没有可以导入的行，名册未导入" in text.stdout

    finished = demo["classes"][0]
    out = tmp_path / "花名册.xlsx"
    exported = ok(run("roster", "export", "--class", finished, "--out", str(out), *data, "--json"))
    assert exported["masked"] is True and exported["rows"] >= 10
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[4]]
    assert header[:4] == ["序号", "姓名", "性别", "身份证号"] and header[-1] == "备注"
    ids = [row[3] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] != "合计"]
    assert all("*" in value for value in ids)  # a clerk's export is masked
    full = ok(
        run(
            "roster",
            "export",
            "--class",
            finished,
            "--out",
            str(tmp_path / "全.xlsx"),
            *data,
            "--json",
            user="reviewer",
        )
    )
    assert full["masked"] is False
    stats = ok(run("stats", "export", "--out", str(tmp_path / "统计.xlsx"), *data, "--json"))
    assert stats["classes"] == 4


def test_a_station_roster_is_answered_on_the_command_line(tmp_path):
    data = ["--data-dir", str(tmp_path / "d")]
    demo = ok(run("demo", "--trainees", "30", *data, "--json"))
    opened = demo["classes"][2]
    args = ["roster", "import", str(FIXTURES / "roster-station.xlsx"), "--class", opened, *data]
    preview = run(*args, "--dry-run")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "“人员类型”列的“高校毕业生”不在代码表中（2 行，第3、7行），可能是：21" in preview.stdout
    assert "--column 培训意向=忽略" in preview.stdout
    stopped = run(*args, "--json")  # questions open: nothing written, exit 1
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    asked = json.loads(stopped.stdout)
    assert asked["needs_answers"] and asked["imported"] == 0
    values = [(q["value"], q["rows"]) for q in asked["unknown_values"]]
    assert values == [("高校毕业生", 2), ("灵活就业人员", 1)]
    answers = [
        "--map", "人员类别:高校毕业生=离校未就业高校毕业生", "--map", "人员类别:灵活就业人员=不导入",
        "--column", "培训意向=忽略", "--column", "备注2=备注",
    ]  # fmt: skip
    done = ok(run(*args, *answers, "--json"))
    assert not done["needs_answers"] and done["imported"] > 0 and done["remembered"]
    assert [s["row"] for s in done["skipped"]] == [10]
    assert all("待补证明材料" in w["message"] for w in done["warnings"])
    missing = run("class", "roster", opened, "--missing-evidence", *data)
    assert missing.returncode == 0 and f"待补证明材料 {done['imported']} 人" in missing.stdout
    assert missing.stdout.count("\t待补证明材料") == done["imported"]
    remembered = ok(run("roster", "mappings", *data, "--json"))["mappings"]
    assert {(m["value"], m["to"]) for m in remembered} >= {("高校毕业生", "22 离校未就业高校毕业生")}
    assert ok(run("roster", "mappings", "--clear", *data, "--json")) == {"cleared": 4}
    wrong = run(*args, "--map", "籍贯:江苏=1")
    assert wrong.returncode == 2 and "“籍贯”不是可用的字段名" in wrong.stderr
