"""print roster|signin as a script runs them."""

from __future__ import annotations

import json

from tests.integration.cli_runner import run
from tests.pdf_tools import pdf_pages


def test_print_roster_and_signin_report_file_pages_and_rows(tmp_path):
    data = ["--data-dir", str(tmp_path / "d")]
    demo = run("demo", "--trainees", "30", *data, "--json")
    assert demo.returncode == 0, demo.stderr
    finished, training = json.loads(demo.stdout)["classes"][:2]

    out = tmp_path / "花名册.pdf"
    roster = run("print", "roster", "--class", finished, "--out", str(out), *data, "--json")
    assert roster.returncode == 0, roster.stderr
    result = json.loads(roster.stdout)
    assert set(result) == {"file", "pages", "rows"} and result["file"] == str(out)
    assert result["rows"] >= 10 and len(pdf_pages(out)) == result["pages"]
    assert "李玥" in pdf_pages(out)[0]

    out = tmp_path / "签到表.pdf"
    signin = run("print", "signin", "--class", training, "--session", "1", "--out", str(out), *data)
    assert signin.returncode == 0, signin.stderr
    assert signin.stdout.startswith("已打印第 1 次课签到表") and out.exists()

    bad = run(
        "print", "signin", "--class", training, "--session", "0", "--out", str(tmp_path / "x.pdf"), *data
    )
    assert bad.returncode != 0 and "没有第 0 次课" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
