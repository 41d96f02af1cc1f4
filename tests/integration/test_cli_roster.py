"""roster import|export and stats export as a script runs them."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.integration.test_cli import run

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
    done = ok(run(*args))
    assert done["imported"] == preview["imported"]
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
    ids = [row[3] for row in sheet.iter_rows(min_row=5, values_only=True)]
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
