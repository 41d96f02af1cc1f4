"""The audit chain's signed anchor: deleting the newest events is caught (real encrypted database)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from sqlalchemy import text

from jiangxin_desktop.database_files import anchor_path, open_database, restore_database
from jiangxin_desktop.services.audit.anchor import check_anchor
from jiangxin_desktop.services.audit.trail import describe_report, verify_chain
from jiangxin_desktop.services.station.backup import create_backup
from jiangxin_desktop.store.journal import audit
from tests.conftest import DEMO_DAY, no_passphrase
from tests.services.test_audit_trail import register_some, tamper


def newest_seq(ctx) -> int:
    with ctx.db.read() as s:
        return s.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()


def anchored(ctx) -> dict:
    return json.loads(anchor_path(ctx.paths).read_text())


def test_every_commit_that_appends_events_moves_the_anchor(demo_context):
    register_some(demo_context)
    path = anchor_path(demo_context.paths)
    data = anchored(demo_context)
    assert data["events"] == newest_seq(demo_context)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    report = verify_chain(demo_context.db, path)
    assert report.ok_overall and report.anchor.anchored_events == data["events"]
    assert "最近一次锚定" in describe_report(report)


def test_one_anchor_write_per_transaction_not_per_event(demo_context):
    calls = []
    keeper = demo_context.db.after_audit_commit
    demo_context.db.after_audit_commit = lambda seq, h: calls.append(seq) or keeper(seq, h)
    with demo_context.db.write() as session:
        for i in range(200):
            audit(session, actor="t", action="test.event", object_type="test", object_id=str(i))
    with demo_context.db.write() as session:  # no event appended: no anchor write
        session.execute(text("SELECT 1"))
    assert calls == [newest_seq(demo_context)]
    assert anchored(demo_context)["events"] == newest_seq(demo_context)


def test_deleting_the_newest_events_is_reported_as_truncation(demo_context):
    register_some(demo_context, 5)
    last = newest_seq(demo_context)
    tamper(demo_context, f"DELETE FROM audit_event WHERE seq > {last - 3}")
    report = verify_chain(demo_context.db, anchor_path(demo_context.paths))
    assert report.ok  # the shorter chain is still a valid chain ...
    assert not report.ok_overall  # ... but not the one that was anchored
    problem = report.anchor.problem
    assert "截断" in problem and f"第 {last - 2} 至 {last} 号事件被删除" in problem
    assert report.to_json()["ok"] is False and report.to_json()["anchor"]["events"] == last
    assert "最近一次锚定" in describe_report(report)


def test_later_work_does_not_paper_over_a_truncation(demo_context):
    register_some(demo_context, 3)
    last = newest_seq(demo_context)
    tamper(demo_context, f"DELETE FROM audit_event WHERE seq > {last - 2}")
    register_some_more(demo_context)  # the program goes on: new events take the deleted numbers
    assert newest_seq(demo_context) >= last
    assert anchored(demo_context)["events"] == last  # the evidence stays
    report = verify_chain(demo_context.db, anchor_path(demo_context.paths))
    assert not report.ok_overall and "哈希不符" in report.anchor.problem


def register_some_more(ctx) -> None:
    with ctx.db.write() as session:
        for i in range(4):
            audit(session, actor="clerk", action="test.event", object_type="test", object_id=str(i))


def test_a_forged_or_missing_anchor_is_reported(demo_context):
    register_some(demo_context)
    path = anchor_path(demo_context.paths)
    data = anchored(demo_context)
    path.write_text(json.dumps({**data, "events": data["events"] + 10}))  # claims more, unsigned
    check = check_anchor(demo_context.db, path)
    assert not check.ok and "签名无效" in check.problem
    path.write_text("{not json")
    assert "已损坏" in check_anchor(demo_context.db, path).problem
    path.unlink()
    assert "找不到审计锚点" in check_anchor(demo_context.db, path).problem


def test_a_backup_carries_its_anchor_and_a_restore_puts_it_back(demo_context, tmp_path):
    register_some(demo_context)
    info = create_backup(
        demo_context.db,
        tmp_path / "usb",
        station_code=demo_context.station.code,
        actor="admin",
        passphrase="backup-passphrase",
    )
    manifest = json.loads(Path(info.manifest).read_text(encoding="utf-8"))
    carried = manifest["audit_anchor"]
    assert carried["events"] == info.audit_events
    paths = demo_context.paths
    demo_context.close()
    restore_database(paths, Path(info.manifest), "backup-passphrase", no_passphrase)
    db = open_database(paths, no_passphrase)
    try:
        report = verify_chain(db, anchor_path(paths))
        assert report.ok_overall, describe_report(report)
        # the restore appended its own event: the anchor moved on from the backup's
        assert json.loads(anchor_path(paths).read_text())["events"] == carried["events"] + 1
        assert list((paths.root / "pre-restore").glob("audit-anchor.json.*"))
        # the restored chain is checked against the backup's anchor: a cut tail is still caught
        with db.write() as s:
            s.execute(text("DROP TRIGGER audit_event_no_delete"))
            s.execute(text(f"DELETE FROM audit_event WHERE seq > {carried['events'] - 2}"))
        assert not verify_chain(db, anchor_path(paths)).ok_overall
    finally:
        db.dispose()


def test_an_administrator_reanchors_after_looking_into_it(demo_context):
    from jiangxin_desktop.errors import KnownError
    from jiangxin_desktop.services.audit.anchor import reanchor

    register_some(demo_context, 4)
    path = anchor_path(demo_context.paths)
    try:
        reanchor(demo_context.db, path, "admin")
        raise AssertionError("a sound anchor must not be replaced")
    except KnownError as exc:
        assert "无需重新锚定" in exc.message
    last = newest_seq(demo_context)
    tamper(demo_context, f"DELETE FROM audit_event WHERE seq > {last - 2}")
    result = reanchor(demo_context.db, path, "admin")
    assert "截断" in result["previous"]["problem"] and result["ok"]
    assert json.loads(Path(result["old_anchor_kept_as"]).read_text())["events"] == last  # evidence kept
    assert verify_chain(demo_context.db, path).ok_overall
    with demo_context.db.read() as s:
        event = s.execute(text("SELECT actor, before_json FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
    assert event.actor == "admin" and "截断" in json.loads(event.before_json)["problem"]


def test_demo_seeding_anchors_once_after_its_commits(data_paths, monkeypatch):
    """Demo seeding commits hundreds of times; each anchor is an fsync, so it anchors once, at the
    end, and the anchor it leaves names the whole chain."""
    from jiangxin_desktop.demo_setup import ensure_demo_database
    from jiangxin_desktop.services.audit import anchor as audit_anchor

    writes = []
    real = audit_anchor.write_anchor_file
    monkeypatch.setattr(audit_anchor, "write_anchor_file", lambda p, r: writes.append(r) or real(p, r))
    ensure_demo_database(data_paths, no_passphrase, 300, user_password="Demo-pass-2025", today=DEMO_DAY)
    # Creating the database anchors its first events (station, signing key); the seeding after
    # it (users, trainees, classes, enrolments, attendance: hundreds of commits) anchors once.
    assert len(writes) == 3, [w["events"] for w in writes]
    assert writes[-1]["events"] > 100
    db = open_database(data_paths, no_passphrase)
    try:
        with db.read() as s:
            assert writes[-1]["events"] == s.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
        assert verify_chain(db, anchor_path(data_paths)).ok_overall
    finally:
        db.dispose()


def test_deleting_the_anchor_file_with_the_newest_events_is_not_papered_over(demo_context):
    """Issue 15, point 5.1: the tail and the anchor file deleted together; the next commit must
    not write a fresh anchor over the gap (it would make the shorter chain look whole)."""
    register_some(demo_context, 3)
    path = anchor_path(demo_context.paths)
    last = newest_seq(demo_context)
    tamper(demo_context, f"DELETE FROM audit_event WHERE seq > {last - 2}")
    path.unlink()
    register_some_more(demo_context)  # the program goes on
    assert not path.exists()
    check = check_anchor(demo_context.db, path)
    assert not check.ok and "找不到审计锚点" in check.problem
    assert "不见了" in (demo_context.db.after_audit_commit.last_problem or "")
    # An administrator who has looked into it starts a new anchor; the program anchors again.
    from jiangxin_desktop.services.audit.anchor import reanchor

    assert reanchor(demo_context.db, path, "admin")["ok"]
    register_some_more(demo_context)
    assert anchored(demo_context)["events"] == newest_seq(demo_context)
