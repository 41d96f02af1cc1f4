"""操作日志 in the clerk's words: who (display names, not user names or UUIDs), what (a masked
trainee name, a class's name, not a UUID), and the details' codes as labels (民族：汉族, not 01),
times in local time. Read-only; the chain itself is checked in ``services/audit_trail.py``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.masking import mask_name
from jiangxin_desktop.store.database import Database

SYSTEM_ACTORS = {"root": "系统", "system": "系统", "unknown": "（未知用户名）"}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CHUNK = 400

# Detail keys whose value is a code of a list in the code catalog.
CODE_KEYS = {
    "target_group": "target_group",
    "hukou": "hukou",
    "education": "education",
    "ethnicity": "ethnicity",
    "employment_status": "employment_status",
    "county": "county",
    "county_code": "county",
    "certificate_type": "certificate_type",
    "skill_level": "skill_level",
    "level": "skill_level",
}
# Detail keys whose value is a user name.
USER_KEYS = {"created_by", "approved_by", "updated_by", "issued_by", "revoked_by", "actor", "username_by"}
# Values of a few fields that are stored as English words.
VALUE_WORDS = {
    "result": {"pass": "合格", "fail": "不合格"},
    "status": {
        "present": "出勤",
        "late": "迟到",
        "early": "早退",
        "leave": "请假",
        "absent": "缺勤",
        "draft": "草稿",
        "opened": "已开班",
        "training": "培训中",
        "finished": "已结业",
        "archived": "已归档",
        "valid": "有效",
        "revoked": "已撤销",
        "pending": "待审核",
        "approved": "已批准",
        "rejected": "已驳回",
    },
    "role": {"clerk": "经办人", "reviewer": "审核人", "admin": "管理员"},
    "sex": {"1": "男", "2": "女", "M": "男", "F": "女"},
    "reason": {"unknown_user": "用户名不存在", "locked": "账户已锁定", "inactive": "账户已停用"},
}
# Labels of detail keys that the trainee field labels do not cover.
MORE_DETAIL_LABELS = {
    "class": "培训班",
    "class_uuid": "培训班",
    "enrollment_uuid": "学员（报名）",
    "trainee_uuid": "学员",
    "session": "课次",
    "sign_in_at": "签到时间",
    "sign_out_at": "签退时间",
    "status": "状态",
    "assessed_on": "考核日期",
    "attempt": "考核次数",
    "theory_score": "理论成绩",
    "practical_score": "实操成绩",
    "result": "考核结果",
    "code": "编号",
    "approved_at": "审核时间",
    "approved_by": "审核人",
    "capacity": "计划人数",
    "catalog_version": "目录版本",
    "certificate_type": "证书类型",
    "class_hours": "课时",
    "level": "等级",
    "start_date": "开班日期",
    "end_date": "结业日期",
    "evidence_missing": "缺证明材料",
    "subsidised": "享受补贴",
    "number": "证书编号",
    "issued_on": "发证日期",
    "issue_date": "发证日期",
    "example": "示例目录",
    "source": "来源",
    "institutions": "培训机构数",
    "occupations": "职业（工种）数",
    "projects": "培训项目数",
    "algorithm": "算法",
    "key_id": "密钥编号",
    "public_key": "公钥",
    "name": "名称",
    "failed_attempts": "连续输错次数",
    "remaining": "剩余次数",
    "context": "场合",
    "rehashed": "已更新密码散列",
    "rows": "行数",
    "file": "文件",
    "pages": "页数",
    "certificates": "证书数",
    "count": "数量",
}


@dataclass
class AuditNames:
    """Words for the user names and UUIDs that appear in a page of events."""

    users: dict[str, str] = field(default_factory=dict)  # user name and user UUID → display name
    things: dict[str, str] = field(default_factory=dict)  # trainee/class/enrolment UUID → words

    def actor(self, username: str | None) -> str:
        if not username:
            return ""
        if username in SYSTEM_ACTORS:
            return SYSTEM_ACTORS[username]
        name = self.users.get(username)
        return f"{name}（{username}）" if name and name != username else username

    def thing(self, value: str | None) -> str | None:
        if not value:
            return None
        return self.users.get(value) or self.things.get(value)


def local_time(value: str | None) -> str:
    """UTC ISO timestamp → local ``2026-12-03 14:05``; anything else unchanged."""
    if not value or not _ISO_TIME.match(value):
        return value or ""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def _uuids(value: Any) -> Iterable[str]:
    if isinstance(value, str) and _UUID.match(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _uuids(item)


def load_names(db: Database, events: Iterable[Any]) -> AuditNames:
    """One look-up per table for every UUID on the page (object ids and UUIDs in details)."""
    wanted: set[str] = set()
    for event in events:
        if event.object_id and _UUID.match(event.object_id):
            wanted.add(event.object_id)
        for raw in (event.before_json, event.after_json):
            if raw:
                try:
                    wanted.update(_uuids(json.loads(raw)))
                except ValueError:
                    continue
    names = AuditNames()
    ids = sorted(wanted)
    with db.read() as session:
        for uuid, username, display in session.execute(text("SELECT uuid, username, display_name FROM app_user")):
            names.users[username] = display
            names.users[uuid] = f"{display}（{username}）"
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(f":u{i}" for i in range(len(chunk)))
            params = {f"u{i}": u for i, u in enumerate(chunk)}
            for uuid, name in session.execute(text(f"SELECT uuid, name FROM trainee WHERE uuid IN ({marks})"), params):
                names.things[uuid] = mask_name(name or "")
            for uuid, name in session.execute(
                text(f"SELECT uuid, name FROM training_class WHERE uuid IN ({marks})"), params
            ):
                names.things[uuid] = name
            for table in ("enrollment", "assessment", "attendance"):
                via = "x.uuid" if table == "enrollment" else "x.enrollment_uuid"
                sql = (
                    f"SELECT x.uuid, t.name, c.name FROM {table} x JOIN enrollment e ON e.uuid = {via} "
                    "JOIN trainee t ON t.uuid = e.trainee_uuid JOIN training_class c ON c.uuid = e.class_uuid "
                    f"WHERE x.uuid IN ({marks})"
                )
                for uuid, person, klass in session.execute(text(sql), params):
                    names.things[uuid] = f"{mask_name(person or '')}（{klass}）"
    return names


def word_for(key: str, value: Any, codes: CodeCatalog | None, names: AuditNames | None) -> Any:
    """A detail's value as the clerk reads it: label for a code, name for a UUID or user name,
    local time for a timestamp. Unknown codes stay as they are."""
    if not isinstance(value, str):
        return value
    if codes is not None and key in CODE_KEYS and CODE_KEYS[key] in codes:
        label = codes[CODE_KEYS[key]].label(value)
        if label:
            return label
    if key in VALUE_WORDS and value in VALUE_WORDS[key]:
        return VALUE_WORDS[key][value]
    if names is not None:
        if key in USER_KEYS:
            return names.actor(value)
        found = names.thing(value)
        if found:
            return found
    if _ISO_TIME.match(value):
        return local_time(value)
    return value


def words(detail: Mapping[str, Any], codes: CodeCatalog | None, names: AuditNames | None) -> dict[str, Any]:
    """Every value of an event's detail through ``word_for`` (nested dicts left as they are)."""
    return {key: word_for(key, value, codes, names) for key, value in detail.items()}
