"""操作日志 in the clerk's words: who (display names, not user names or UUIDs), what (a masked
trainee name, a class's name, not a UUID), and the details' codes as labels (民族：汉族, not 01),
times in local time. Read-only; the chain itself is checked in ``services/audit/trail.py``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.labels import FIELD_LABELS
from jiangxin_desktop.domain.masking import mask_id, mask_name, mask_phone
from jiangxin_desktop.store.database import Database

SYSTEM_ACTORS = {"root": "系统", "system": "系统", "unknown": "（未知用户名）"}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CHUNK = 400
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

# What each event type is called in 操作日志 (the window translates these through tr()).
ACTION_LABELS = {
    "station.initialize": "初始化服务站",
    "demo.seed": "写入演示数据",
    "audit.reanchor": "重新锚定操作日志",
    "trainee.register": "登记学员",
    "trainee.update": "修改学员",
    "trainee.deactivate": "注销学员",
    "trainee.reactivate": "恢复学员",
    "trainee.reveal": "查看完整号码",
    "backup.create": "备份",
    "backup.restore": "从备份恢复",
    "setting.change": "修改设置",
    "trainee.anonymise": "匿名化学员",
    "retention.anonymise": "执行保存期限规则",
    "signing_key.create": "生成服务站签名密钥",
    "signing_key.rotate": "更换服务站签名密钥",
    "catalog.install": "安装培训目录",
    "catalog.codes.refresh": "更新代码表（本版程序附带的别名）",
    "class.create": "新建培训班",
    "class.update": "修改培训班",
    "class.approve": "审核开班",
    "class.send_back": "退回开班申请",
    "class.start": "开始培训",
    "class.finish": "结业",
    "class.archive": "归档培训班",
    "enrollment.enroll": "报名",
    "enrollment.withdraw": "退学",
    "enrollment.evidence": "补交证明材料",
    "attendance.record": "记录考勤",
    "attendance.makeup_request": "提出补签",
    "attendance.makeup_approve": "批准补签",
    "attendance.makeup_reject": "驳回补签",
    "assessment.record": "记录考核成绩",
    "assessment.correct": "更正考核成绩",
    "assessment.retake": "补考",
    "roster.import": "导入名册",
    "roster.mappings": "记住名册的对照",
    "roster.export": "导出花名册",
    "print.roster": "打印花名册",
    "print.signin": "打印签到表",
    "print.certificates": "打印证书",
    "print.subsidy_forms": "打印补贴申请表",
    "print.claim_summary": "打印补贴申请汇总表",
    "print.subsidy_notice": "打印补贴公示名单",
    "claim.create": "填写补贴申请",
    "claim.review": "审核补贴申请",
    "claim.send_back": "退回补贴申请修改",
    "claim.withdraw": "撤回补贴申请",
    "claim.correct": "更正后重新申请补贴",
    "certificate.issue": "发放证书",
    "certificate.reprint": "补发证书",
    "certificate.revoke": "撤销证书",
    "user.create": "新建用户",
    "user.password_change": "修改密码",
    "user.password_reset": "重置密码",
    "user.role_change": "修改角色",
    "user.deactivate": "停用账户",
    "user.reactivate": "启用账户",
    "user.unlock": "解锁账户",
    "login.ok": "登录",
    "login.failed": "登录失败",
    "login.locked": "账户被锁定",
    "login.refused": "拒绝登录",
    "sync.enrol": "导入市里的注册文件",
    "sync.reenrol": "重新导入市里的注册文件",
    "sync.registered": "市里确认本站注册",
    "sync.ack_refused": "拒收市里的注册回执（未通过验证）",
    "sync.batch": "生成同步批次",
    "sync.approve": "批准同步批次发出",
    "sync.export": "导出同步文件到 U 盘",
    "sync.confirmed": "市里确认收到批次",
    "sync.rejected": "市里拒收批次",
    "sync.receipt_refused": "拒收市里的回执（未通过验证）",
    "sync.failed": "同步未完成",
    "sync.retry": "重新发送被拒收的记录",
    "sync.catalog": "采用市里签名的培训目录",
    "sync.catalog_refused": "拒收市里的培训目录",
    "sync.decisions_refused": "拒收市里的补贴决定（未通过验证或已过时）",
    "claim.decision": "市里对补贴申请的决定（核准、退回或已发放）",
    "claim.decisions": "采用市里的补贴决定",
}
OBJECT_LABELS = {
    "trainee": "学员",
    "station": "服务站",
    "backup": "备份",
    "user": "用户",
    "setting": "设置",
    "catalog": "培训目录",
    "training_class": "培训班",
    "enrollment": "报名",
    "attendance": "考勤",
    "assessment": "考核",
    "signing_key": "签名密钥",
    "retention": "保存期限",
    "certificate": "证书",
    "sync": "同步",
    "sync_enrolment": "同步注册",
    "sync_batch": "同步批次",
}
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


# Labels of the other facts events carry (trainee records, backups, settings, accounts).
RECORD_LABELS = {
    "birth_date": "出生日期",
    "sex": "性别",
    "active": "在册",
    "version": "版本",
    "uuid": "记录编号",
    "station_code": "服务站代码",
    "created_at": "登记时间",
    "updated_at": "修改时间",
    "created_by": "登记人",
    "consent_at": "同意时间",
    "consent_version": "告知版本",
    "photo_consent": "面部照片同意",
    "deactivated_at": "注销时间",
    "deactivated_reason": "注销原因",
    "trainees": "学员人数",
    "fields": "查看的号码",
    "manifest": "备份文件",
    "sha256": "校验值",
    "county": "县区",
    "demo": "演示数据",
    "code_catalog": "代码表版本",
    "previous_kept": "原数据库已保留",
    "erased": "个人信息已按保存期限匿名化，无法再查看",
    "anonymised_at": "匿名化时间",
    "value": "值",
    "years": "保存年限",
    "cutoff": "最后活动早于",
    "held_back": "暂缓（尚未上传到市级）",
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "must_change_password": "需改密码",
    "password_changed_at": "密码修改时间",
    "failed_attempts": "连续输错次数",
    "locked_until": "锁定至",
    "first_admin": "首个管理员",
}
DETAIL_LABELS = {**MORE_DETAIL_LABELS, **FIELD_LABELS, **RECORD_LABELS}


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


def mask_numbers(text: str) -> str:
    """ID and phone numbers inside event details are masked like everywhere else."""
    return _PHONE.sub(lambda m: mask_phone(m.group()), _ID_NUMBER.sub(lambda m: mask_id(m.group()), text))


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


def event_in_words(event: Any, codes: CodeCatalog | None, names: AuditNames) -> dict[str, Any]:
    """One event as the command line prints it (``audit list``): the stored facts beside the words."""

    def detail(raw: str | None) -> dict[str, Any] | None:
        if not raw:
            return None
        value = json.loads(raw)
        if not isinstance(value, dict):
            return {"值": value}
        return {
            DETAIL_LABELS.get(key, key): mask_numbers(word) if isinstance(word, str) else word
            for key, word in words(value, codes, names).items()
            if word not in (None, "", [], {})
        }

    thing = names.thing(event.object_id) or event.object_id or ""
    return {
        "seq": event.seq,
        "at": event.at,
        "time": local_time(event.at),
        "actor": event.actor,
        "actor_name": names.actor(event.actor),
        "action": event.action,
        "action_label": ACTION_LABELS.get(event.action, event.action),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object": f"{OBJECT_LABELS.get(event.object_type, event.object_type)} {thing}".strip(),
        "before": detail(event.before_json),
        "after": detail(event.after_json),
    }
