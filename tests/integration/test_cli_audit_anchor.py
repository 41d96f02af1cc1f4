"""``audit verify`` on the command line catches the newest audit events deleted in a SQLite shell."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.integration.cli_runner import run
from tests.integration.test_cli import demo_with_one_trainee


def test_audit_verify_reports_a_cut_off_tail_and_when_it_was_anchored(tmp_path):
    from jiangxin_desktop.database_files import open_database
    from jiangxin_desktop.paths import DataPaths

    data = tmp_path / "d"
    demo_with_one_trainee(str(data))
    ok = run("audit", "verify", "--data-dir", str(data), user="reviewer")
    assert ok.returncode == 0, ok.stderr
    assert "最近一次锚定" in ok.stdout
    anchor = json.loads((data / "audit-anchor.json").read_text())

    db = open_database(DataPaths(data), lambda new: "cli-test-passphrase")
    with db.write() as s:  # someone with the key removes the newest events in a SQLite shell
        s.execute(text("DROP TRIGGER audit_event_no_delete"))
        s.execute(text(f"DELETE FROM audit_event WHERE seq > {anchor['events'] - 3}"))
    db.dispose()

    cut = run("audit", "verify", "--data-dir", str(data), "--json", user="reviewer")
    assert cut.returncode == 1, cut.stderr
    report = json.loads(cut.stdout)
    assert report["ok"] is False and report["first_broken"] is None  # the shorter chain itself is whole
    assert report["anchor"]["events"] == anchor["events"]
    assert "截断" in report["anchor"]["problem"]
    # (this run's own log-in took the next number; the anchored ones are still missing)
    assert f"锚定时共有 {anchor['events']} 条事件" in report["anchor"]["problem"]
    assert f"至 {anchor['events']} 号事件被删除" in report["anchor"]["problem"]
    said = run("audit", "verify", "--data-dir", str(data), user="reviewer")
    assert said.returncode == 1 and "截断" in said.stdout and "最近一次锚定" in said.stdout

    (data / "audit-anchor.json").write_text(json.dumps({**anchor, "events": 1}))  # forged: fewer
    forged = run("audit", "verify", "--data-dir", str(data), "--json", user="reviewer")
    assert forged.returncode == 1 and "签名无效" in json.loads(forged.stdout)["anchor"]["problem"]

    refused = run("audit", "reanchor", "--data-dir", str(data), "--json", user="reviewer")
    assert refused.returncode == 2 and "管理员" in json.loads(refused.stdout)["error"]
    again = run("audit", "reanchor", "--data-dir", str(data), "--json", user="admin")
    assert again.returncode == 0, again.stderr
    assert "签名无效" in json.loads(again.stdout)["previous"]["problem"]
    fine = run("audit", "verify", "--data-dir", str(data), "--json", user="reviewer")
    assert fine.returncode == 0 and json.loads(fine.stdout)["anchor"]["ok"] is True
