"""Administrator settings and the daily backup, on a real SQLCipher demo database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup import list_backups, verify_backup
from jiangxin_desktop.services.station.backup_schedule import is_due, last_slot, run_backup, set_backup_passphrase
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.security.roles import PermissionDenied, iso_utc
from jiangxin_desktop.services.station.settings import (
    BACKUP_DAILY_AT,
    BACKUP_FOLDER,
    BACKUP_KEEP,
    RETENTION_YEARS,
    BackupSchedule,
)
from jiangxin_desktop.store.models import AuditEvent
from tests.conftest import DEMO_PASSWORD

BACKUP_PASS = "backup-passphrase-1"


def as_user(ctx, name):
    return ctx.users.authenticate(name, DEMO_PASSWORD)


def events(ctx, action):
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_only_an_administrator_changes_settings(demo_context, role):
    user = as_user(demo_context, role)
    with pytest.raises(PermissionDenied):
        demo_context.settings.set(user, RETENTION_YEARS, 3)
    with pytest.raises(PermissionDenied):
        demo_context.settings.set_consent(user, "告知", "新的告知内容" * 5)
    with pytest.raises(PermissionDenied):
        set_backup_passphrase(demo_context.settings, user, BACKUP_PASS)
    assert demo_context.settings.retention_years() == 5  # the shipped default, unchanged


def test_admin_change_is_validated_and_audited(demo_context):
    admin = as_user(demo_context, "admin")
    with pytest.raises(KnownError, match="学员信息保存年限：应为 1–50 之间的整数"):
        demo_context.settings.set(admin, RETENTION_YEARS, 0)
    with pytest.raises(KnownError, match="每日备份时间"):
        demo_context.settings.set(admin, BACKUP_DAILY_AT, "25:00")
    with pytest.raises(KnownError, match="完整的文件夹路径"):
        demo_context.settings.set(admin, BACKUP_FOLDER, "relative/folder")
    demo_context.settings.set(admin, RETENTION_YEARS, 3)
    assert demo_context.settings.retention_years() == 3
    (event,) = events(demo_context, "setting.change")
    assert (event.actor, event.object_id) == ("admin", RETENTION_YEARS)
    assert json.loads(event.before_json) == {"value": None}
    assert json.loads(event.after_json) == {"value": 3}


def test_consent_change_gives_a_new_version_used_by_new_registrations(demo_context):
    old = demo_context.consent
    first = demo_context.registry.register(
        TraineeInput(
            name="钱小满",
            id_number=id_with_check("32070619900101999"),
            phone="13800000000",
            target_group="31",
            consent=True,
        )
    )
    demo_context.act_as(as_user(demo_context, "admin"))
    text = "本服务站为办理职业技能培训补贴收集您的姓名、身份证号和电话，保存五年后匿名化。"
    notice = demo_context.set_consent("个人信息处理告知（2027 版）", text)
    assert notice.version != old.version and notice.text == text
    assert demo_context.set_consent(notice.title, text) == notice  # unchanged text: same version
    second = demo_context.registry.register(
        TraineeInput(
            name="孙大伟",
            id_number=id_with_check("32070619900101888"),
            phone="13800000001",
            target_group="31",
            consent=True,
        )
    )
    assert first.consent_version == old.version
    assert second.consent_version == notice.version
    (event,) = events(demo_context, "setting.change")
    assert json.loads(event.after_json)["value"]["text"] == text  # the text agreed to is kept


def test_backup_passphrase_is_never_written_into_the_audit_trail(demo_context):
    admin = as_user(demo_context, "admin")
    set_backup_passphrase(demo_context.settings, admin, BACKUP_PASS)
    with pytest.raises(KnownError, match="原备份口令不正确"):
        set_backup_passphrase(demo_context.settings, admin, "another-passphrase")
    set_backup_passphrase(demo_context.settings, admin, "another-passphrase", current=BACKUP_PASS)
    for event in events(demo_context, "setting.change"):
        assert "wrapped" not in (event.after_json or "") and "已设置" in event.after_json


def test_due_after_the_daily_slot_and_retry_after_failure():
    schedule = BackupSchedule(folder="/backups", daily_at="12:30", keep=3, has_key=True)
    noon = datetime(2026, 12, 1, 12, 0).astimezone()  # a fixed day, the machine's time zone
    after = noon + timedelta(hours=1)
    assert last_slot("12:30", after) == noon + timedelta(minutes=30)
    assert last_slot("12:30", noon) == noon + timedelta(minutes=30) - timedelta(days=1)
    assert is_due(schedule, None, noon)
    yesterday_ok = {"ok": True, "at": iso_utc(noon - timedelta(hours=20))}
    assert not is_due(schedule, yesterday_ok, noon)  # before today's slot
    assert is_due(schedule, yesterday_ok, after)
    today_ok = {"ok": True, "at": iso_utc(after - timedelta(minutes=5))}
    assert not is_due(schedule, today_ok, after)
    failed = {"ok": False, "at": iso_utc(after - timedelta(minutes=10))}
    assert not is_due(schedule, failed, after)
    assert is_due(schedule, failed, after + timedelta(minutes=25))
    assert not is_due(BackupSchedule(None, "12:30", 3, True), None, after)
    assert not is_due(BackupSchedule("/b", "12:30", 3, False), None, after)


def test_scheduled_backup_with_the_stored_key_restores_and_keeps_n(demo_context, tmp_path):
    admin = as_user(demo_context, "admin")
    folder = tmp_path / "usb" / "匠心备份"
    settings = demo_context.settings
    not_ready = run_backup(
        demo_context.db,
        settings,
        station_code=demo_context.station.code,
        actor="system",
        now=datetime(2026, 12, 1, 4, 0, tzinfo=UTC),
    )
    assert not not_ready.ok and "尚未设置备份位置" in not_ready.message
    set_backup_passphrase(settings, admin, BACKUP_PASS)
    settings.set(admin, BACKUP_FOLDER, str(folder))
    settings.set(admin, BACKUP_KEEP, 2)
    start = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    for day in range(3):
        outcome = run_backup(
            demo_context.db,
            settings,
            station_code=demo_context.station.code,
            actor="system",
            now=start + timedelta(days=day),
        )
        assert outcome.ok, outcome.message
    manifests = list_backups(folder, demo_context.station.code)
    assert len(manifests) == 2 and len(list(folder.glob("*.db"))) == 2
    assert outcome.removed  # the oldest went
    report = verify_backup(manifests[-1], BACKUP_PASS)
    assert report.ok and report.opened, report.message
    last = settings.get("backup.last")
    assert last["ok"] and last["manifest"] == str(manifests[-1])


def test_missing_stick_is_an_outcome_not_a_crash(demo_context, tmp_path):
    admin = as_user(demo_context, "admin")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    set_backup_passphrase(demo_context.settings, admin, BACKUP_PASS)
    demo_context.settings.set(admin, BACKUP_FOLDER, str(blocker / "backups"))
    outcome = run_backup(
        demo_context.db,
        demo_context.settings,
        station_code=demo_context.station.code,
        actor="system",
        now=datetime(2026, 12, 1, 4, 0, tzinfo=UTC),
    )
    assert not outcome.ok and "U 盘" in outcome.message
    assert demo_context.settings.get("backup.last")["ok"] is False
