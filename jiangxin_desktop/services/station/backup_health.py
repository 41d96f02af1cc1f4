"""Is this station's data backed up? The warning the status bar and 设置 › 备份 show: no backup
set up, the last backup failed, or the last one is older than ``backup.warn_days``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jiangxin_desktop.services.security import parse_iso
from jiangxin_desktop.services.station.settings import BACKUP_LAST, BACKUP_WARN_DAYS, SettingsService


@dataclass(frozen=True)
class BackupHealth:
    ok: bool
    short: str  # for the status bar: 尚未设置备份 / 上次备份已超过 3 天 / 备份正常
    detail: str  # what happened and what to do

    def to_json(self) -> dict:
        return {"ok": self.ok, "short": self.short, "detail": self.detail}


def backup_health(settings: SettingsService, now: datetime) -> BackupHealth:
    """``now`` is timezone-aware (the caller's clock, so that tests fix the day)."""
    schedule = settings.backup_schedule()
    days = int(settings.get(BACKUP_WARN_DAYS) or 3)
    if not schedule.ready:
        missing = "、".join(
            part
            for part, absent in (("备份位置", not schedule.folder), ("备份口令", not schedule.has_key))
            if absent
        )
        return BackupHealth(
            False,
            "尚未设置备份",
            f"尚未设置备份（缺{missing}）：电脑损坏或丢失时数据无法找回。请管理员在“设置 → 备份”中设置。",
        )
    last = settings.get(BACKUP_LAST)
    if not last:
        return BackupHealth(
            False, "还没有备份", "备份已设置，但还没有做过备份。请在“设置 → 备份”中点“立即备份”。"
        )
    at = parse_iso(last["at"])
    when = at.astimezone().strftime("%Y-%m-%d %H:%M")
    if not last.get("ok"):
        return BackupHealth(
            False,
            "上次备份没有完成",
            f"{when} 的备份没有完成：{last.get('message', '')}请检查备份位置（U 盘是否插好）后点“立即备份”。",
        )
    age = now - at
    if age.days >= days:
        return BackupHealth(
            False,
            f"上次备份已超过 {age.days} 天",
            f"上次备份是 {when}，已超过 {age.days} 天（提醒设置为 {days} 天）。请插好 U 盘后点“立即备份”。",
        )
    return BackupHealth(True, "备份正常", f"上次备份：{when}。")
