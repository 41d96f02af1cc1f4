"""The dashboard's figures from the command line, end to end with --json: ``stats summary`` on the
demo station (its finished class), ``stats people`` behind a figure, ``stats report`` to Excel and
PDF, refusals in Chinese; ``stats export`` (per class) still works."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from tests.integration.cli_runner import run
from tests.integration.test_cli_classes import out

WIDE = ("--from", "2000-01-01", "--to", "2099-12-31")  # whatever today is, the demo's classes are in it


def test_stats_from_the_command_line(tmp_path):
    data = str(tmp_path / "d")

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", data, user=user)

    out(cli("demo", "--trainees", "30", "--json"))
    summary = out(cli("stats", "summary", *WIDE, "--json"))
    assert {"period", "definition", "person_times", "certificates", "employment_rate", "subsidies", "targets",
            "employment_target"} <= set(summary)
    assert summary["period"] == {"from": "2000-01-01", "to": "2099-12-31"}
    assert summary["definition"].startswith("一人次 = ")
    total = summary["person_times"]["total"]
    assert total > 0 and sum(g["count"] for g in summary["person_times"]["by_group"]) == total
    assert {t["key"] for t in summary["targets"]} >= {"person_times", "graduates", "digital", "care"}
    assert set(summary["subsidies"]) == {"claimed", "approved", "paid"}
    assert summary["employment_rate"]["target"] == 0.45

    people = out(cli("stats", "people", "--figure", "person_times", *WIDE, "--json"))
    assert people["count"] == total and all("*" in p["id_masked"] for p in people["people"])
    group = summary["person_times"]["by_group"][0]
    narrowed = out(cli("stats", "people", "--figure", "person_times", "--key", group["key"], *WIDE, "--json"))
    assert narrowed["count"] == group["count"]

    xlsx = tmp_path / "月报.xlsx"
    written = out(cli("stats", "report", *WIDE, "--out", str(xlsx), "--json"))
    assert written["file"] == str(xlsx)
    sheet = load_workbook(xlsx)["月报"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert total in values and "补贴性职业技能培训（人次）" in values
    pdf = tmp_path / "月报.pdf"
    out(cli("stats", "report", *WIDE, "--out", str(pdf), "--json"))
    assert pdf.read_bytes().startswith(b"%PDF")

    refused = cli("stats", "summary", "--from", "2026-13-01", "--to", "2026-12-31", "--json")
    assert refused.returncode == 2 and "无法识别" in json.loads(refused.stdout.splitlines()[-1])["error"]
    backwards = cli("stats", "summary", "--from", "2026-12-31", "--to", "2026-01-01", "--json")
    assert backwards.returncode != 0 and "早于开始日期" in json.loads(backwards.stdout.splitlines()[-1])["error"]
    wrong = cli("stats", "report", *WIDE, "--out", str(tmp_path / "月报.csv"), "--json")
    assert wrong.returncode == 2 and ".xlsx 或 .pdf" in json.loads(wrong.stdout.splitlines()[-1])["error"]
    per_class = out(cli("stats", "export", "--out", str(tmp_path / "班.xlsx"), "--json"))
    assert per_class["classes"] >= 1
