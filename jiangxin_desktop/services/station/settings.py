"""Administrator settings kept in the database: consent notice, retention, backup schedule.

Only an administrator changes a setting; every change is audited with its before and after
value (the backup key blob is named, never written into the event). Values are JSON; each
key has a default (the shipped ``resources/catalogs/settings.json``) and a validator, so
a bad value never reaches the table.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.domain.import_limits import LIMIT_LABELS, MAX_FILE_MB, MAX_ROWS, MAX_UNPACKED_MB
from jiangxin_desktop.services.security import UserInfo, require_role
from jiangxin_desktop.services.station.setup import ConsentNotice, read_consent_notice
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Setting

CONSENT = "consent.notice"
RETENTION_YEARS = "retention.inactive_years"
BACKUP_FOLDER = "backup.folder"
BACKUP_DAILY_AT = "backup.daily_at"
BACKUP_KEEP = "backup.keep"
BACKUP_KEY = "backup.key"  # the database key wrapped under the backup passphrase
BACKUP_LAST = "backup.last"  # the outcome of the last scheduled backup (written by the program)
BACKUP_WARN_DAYS = "backup.warn_days"  # the window warns when the last backup is older than this
# Sync to the city (services/sync reads them by these names)
SYNC_WARN_DAYS = "sync.warn_days"  # warn when the city last confirmed a batch longer ago than this
SYNC_WARN_BACKLOG = "sync.warn_backlog"  # warn when more records than this wait for the city
SYNC_BATCH_RECORDS = "sync.batch_records"  # records per batch at most (a large backlog is split)
SYNC_REQUIRE_REVIEW = "sync.require_review"  # a reviewer approves each batch before it leaves
SYNC_RETRY_MINUTES = "sync.retry_minutes"  # the window tries again by itself this often

SETTING_LABELS = {
    CONSENT: "个人信息处理告知",
    RETENTION_YEARS: "学员信息保存年限",
    BACKUP_FOLDER: "定时备份位置",
    BACKUP_DAILY_AT: "每日备份时间",
    BACKUP_KEEP: "保留备份份数",
    BACKUP_KEY: "备份口令",
    BACKUP_LAST: "上次定时备份",
    BACKUP_WARN_DAYS: "备份超过几天提醒",
    SYNC_WARN_DAYS: "同步超过几天提醒",
    SYNC_WARN_BACKLOG: "待同步记录超过多少条提醒",
    SYNC_BATCH_RECORDS: "每批同步最多记录数",
    SYNC_REQUIRE_REVIEW: "同步批次须经审核人批准",
    SYNC_RETRY_MINUTES: "自动同步间隔（分钟）",
    **LIMIT_LABELS,
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_SECRET = {BACKUP_KEY}  # audited as set / changed, never by value


def read_shipped_defaults() -> dict[str, Any]:
    path = resources_dir() / "catalogs" / "settings.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnownError(f"无法读取默认设置文件 {path}：{describe_error(exc)}。请重新安装程序。") from exc
    return data["defaults"]


def _int_between(low: int, high: int):
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"应为 {low}–{high} 之间的整数")
        return value

    return check


def _yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("应为 true（是）或 false（否）")
    return value


def _folder(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not Path(value).is_absolute():
        raise ValueError("应为完整的文件夹路径，例如 E:\\匠心备份 或 /media/usb/匠心备份")
    return value


def _hhmm(value: Any) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError("应为 24 小时制的时:分，例如 12:30")
    return value


def _consent(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError("格式不正确")
    title, text = str(value.get("title", "")).strip(), str(value.get("text", "")).strip()
    if not title:
        raise ValueError("请填写告知标题")
    if len(text) < 20:
        raise ValueError("告知内容太短（至少 20 个字），请写明收集目的、范围和保存期限")
    return {"title": title, "text": text, "version": str(value.get("version") or "")}


def _blob(value: Any) -> dict:
    if not isinstance(value, dict) or "wrapped" not in value:
        raise ValueError("格式不正确")
    return value


VALIDATORS = {
    CONSENT: _consent,
    RETENTION_YEARS: _int_between(1, 50),
    BACKUP_FOLDER: _folder,
    BACKUP_DAILY_AT: _hhmm,
    BACKUP_KEEP: _int_between(1, 365),
    BACKUP_KEY: _blob,
    BACKUP_LAST: lambda v: v,
    BACKUP_WARN_DAYS: _int_between(1, 90),
    SYNC_WARN_DAYS: _int_between(1, 90),
    SYNC_WARN_BACKLOG: _int_between(1, 1_000_000),
    SYNC_BATCH_RECORDS: _int_between(1, 50_000),
    SYNC_REQUIRE_REVIEW: _yes_no,
    SYNC_RETRY_MINUTES: _int_between(1, 240),
    MAX_FILE_MB: _int_between(1, 1000),
    MAX_ROWS: _int_between(100, 1_000_000),
    MAX_UNPACKED_MB: _int_between(10, 10_000),
}


@dataclass(frozen=True)
class BackupSchedule:
    folder: str | None
    daily_at: str
    keep: int
    has_key: bool

    @property
    def ready(self) -> bool:
        return bool(self.folder and self.has_key)


class SettingsService:
    def __init__(self, db: Database, defaults: dict[str, Any] | None = None) -> None:
        self.db = db
        self.defaults = defaults if defaults is not None else read_shipped_defaults()

    # --- reading (any logged-in user; settings hold no personal data) ---------------
    def get(self, key: str) -> Any:
        with self.db.read() as session:
            row = session.get(Setting, key)
            if row is not None:
                return json.loads(row.value_json)
        if key == CONSENT:
            notice = read_consent_notice()
            return {"title": notice.title, "text": notice.text, "version": notice.version}
        return self.defaults.get(key)

    def consent_notice(self) -> ConsentNotice:
        value = self.get(CONSENT)
        return ConsentNotice(version=value["version"], title=value["title"], text=value["text"])

    def retention_years(self) -> int:
        return int(self.get(RETENTION_YEARS))

    def backup_schedule(self) -> BackupSchedule:
        return BackupSchedule(
            folder=self.get(BACKUP_FOLDER),
            daily_at=self.get(BACKUP_DAILY_AT),
            keep=int(self.get(BACKUP_KEEP)),
            has_key=self.get(BACKUP_KEY) is not None,
        )

    def overview(self) -> dict[str, Any]:
        """Every setting by key (the backup key only as present or not), for show commands."""
        out = {key: self.get(key) for key in VALIDATORS if key not in _SECRET}
        out[BACKUP_KEY] = self.get(BACKUP_KEY) is not None
        return out

    # --- changing (administrator only, audited) --------------------------------------
    def set(self, user: UserInfo | None, key: str, value: Any) -> Any:
        require_role(user, "admin", action=f"修改设置“{SETTING_LABELS.get(key, key)}”")
        assert user is not None
        if key == BACKUP_LAST:
            raise KnownError("上次备份的结果由程序记录，不能手工修改。")
        return self._store(user.username, key, value)

    def set_consent(self, user: UserInfo | None, title: str, text: str) -> ConsentNotice:
        """A changed notice gets a new version; trainees keep the version they agreed to."""
        current = self.consent_notice()
        if (title.strip(), text.strip()) == (current.title, current.text):
            return current
        digest = hashlib.sha256(f"{title.strip()}\n{text.strip()}".encode()).hexdigest()[:8]
        version = f"{date.today():%Y%m%d}-{digest}"
        self.set(user, CONSENT, {"title": title, "text": text, "version": version})
        return self.consent_notice()

    def record_backup_outcome(self, outcome: dict, actor: str) -> None:
        """The scheduler's own note of its last run (success or why it failed)."""
        self._store(actor, BACKUP_LAST, outcome, audited=False)

    def _store(self, actor: str, key: str, value: Any, *, audited: bool = True) -> Any:
        try:
            value = VALIDATORS[key](value)
        except KeyError:
            raise KnownError(f"没有名为 {key} 的设置。可用的设置：{'、'.join(VALIDATORS)}") from None
        except ValueError as exc:
            raise KnownError(f"{SETTING_LABELS[key]}：{exc}。") from None
        now = utc_now()
        with self.db.write() as session:
            row = session.get(Setting, key)
            before = json.loads(row.value_json) if row else None
            encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if row is None:
                session.add(Setting(key=key, value_json=encoded, updated_at=now, updated_by=actor, version=1))
            else:
                row.value_json, row.updated_at, row.updated_by = encoded, now, actor
                row.version += 1
            if audited:
                shown_before, shown_after = (
                    ("已设置" if before is not None else None, "已设置")
                    if key in _SECRET
                    else (before, value)
                )
                audit(
                    session,
                    actor=actor,
                    action="setting.change",
                    object_type="setting",
                    object_id=key,
                    before={"value": shown_before},
                    after={"value": shown_after},
                )
        return value
