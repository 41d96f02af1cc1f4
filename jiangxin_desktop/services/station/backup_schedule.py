"""The daily backup: when one is due, running it with the stored key, and its record.

The administrator sets a folder (or USB stick), a time of day, how many backups to keep and
a backup passphrase; the passphrase is used once, to wrap the database key (settings key
``backup.key``), so that the daily backup needs nobody at the keyboard. The program checks
while it runs (and ``jiangxin-desktop backup scheduled`` can be called by the system's task
scheduler); a day missed while the PC was off is made up at the next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup import (
    backup_key_matches,
    create_backup,
    prune_backups,
    wrap_for_backup,
)
from jiangxin_desktop.services.security import UserInfo, iso_utc, parse_iso, require_role
from jiangxin_desktop.services.station.settings import BACKUP_KEY, BackupSchedule, SettingsService
from jiangxin_desktop.store.database import Database

RETRY_AFTER = timedelta(minutes=30)  # after a failure (USB stick not there), try again this much later
SCHEDULER_ACTOR = "system"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    at: str  # ISO 8601 UTC
    message: str
    manifest: str | None = None
    removed: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "at": self.at,
            "message": self.message,
            "manifest": self.manifest,
            "removed": list(self.removed),
        }


def set_backup_passphrase(
    settings: SettingsService, user: UserInfo | None, passphrase: str, *, current: str | None = None
) -> None:
    """Wrap the database key under a new backup passphrase (administrator only).

    Replacing a passphrase needs the current one: whoever restores old backups needs it,
    so it must not change by accident.
    """
    require_role(user, "admin", action="设置备份口令")
    existing = settings.get(BACKUP_KEY)
    if existing is not None and (
        current is None or not backup_key_matches(existing, current, settings.db.key)
    ):
        raise KnownError("原备份口令不正确。更换备份口令须先输入原口令；旧备份仍须用原口令恢复。")
    settings.set(user, BACKUP_KEY, wrap_for_backup(settings.db.key, passphrase))


def last_slot(daily_at: str, now: datetime) -> datetime:
    """The most recent moment (local time) at which a daily backup was due."""
    hour, minute = (int(part) for part in daily_at.split(":"))
    local_now = now.astimezone()
    slot = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return slot if slot <= local_now else slot - timedelta(days=1)


def is_due(schedule: BackupSchedule, last: dict | None, now: datetime) -> bool:
    """Due when set up, and nothing succeeded since the last slot (nor failed just now)."""
    if not schedule.ready:
        return False
    if last is None:
        return True
    at = parse_iso(last["at"])
    if last.get("ok"):
        return at < last_slot(schedule.daily_at, now)
    return now - at >= RETRY_AFTER


def run_backup(
    db: Database,
    settings: SettingsService,
    *,
    station_code: str,
    actor: str,
    now: datetime,
    folder: Path | None = None,
    progress=None,
) -> Outcome:
    """One backup with the stored key into ``folder`` (the configured one by default).

    Never raises for a missing stick or a full disk: the outcome says what went wrong and
    is recorded, so the window and the next check can show it.
    """
    schedule = settings.backup_schedule()
    wrapped = settings.get(BACKUP_KEY)
    target = folder or (Path(schedule.folder) if schedule.folder else None)
    if wrapped is None or target is None:
        outcome = Outcome(False, iso_utc(now), "尚未设置备份位置或备份口令，请管理员在“设置 → 备份”中设置。")
    else:
        try:
            info = create_backup(
                db,
                target,
                station_code=station_code,
                actor=actor,
                wrapped_key=wrapped,
                progress=progress,
                now=now,
            )
            removed = prune_backups(target, station_code, schedule.keep) if folder is None else []
            outcome = Outcome(True, iso_utc(now), f"已备份到 {info.manifest}", info.manifest, tuple(removed))
        except KnownError as exc:
            outcome = Outcome(False, iso_utc(now), exc.message)
    if folder is None:
        settings.record_backup_outcome(outcome.to_json(), actor)
    return outcome
