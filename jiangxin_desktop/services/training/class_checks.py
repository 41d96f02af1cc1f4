"""A class's checks: its fields against the catalog, and the catalog's rules for opening it.

No database access; ``ClassService.check`` and ``opening_problems`` call these.
"""

from __future__ import annotations

import json

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.money import MoneyError, parse_yuan, yuan_text
from jiangxin_desktop.errors import FieldError
from jiangxin_desktop.services.catalog import TrainingCatalog
from jiangxin_desktop.services.catalog import planned_issuer_problem
from jiangxin_desktop.services.training.class_records import CLASS_LABELS, ClassInput, ClassRecord


def fen(text: str, label: str, errors: list[FieldError]) -> int:
    """Typed 元 → fen; a problem is added to ``errors`` under ``label`` and counts as 0."""
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        errors.append(FieldError(label, str(exc)))
        return 0


def _minutes(hhmm: str) -> int | None:
    try:
        hour, minute = (int(part) for part in hhmm.split(":"))
    except ValueError:
        return None
    return hour * 60 + minute if 0 <= hour < 24 and 0 <= minute < 60 else None


def check_class(
    data: ClassInput, catalog: TrainingCatalog, codes: CodeCatalog
) -> tuple[dict, list[FieldError]]:
    """Field values for the row, and every problem found (nothing is written)."""
    errors: list[FieldError] = []
    label = CLASS_LABELS
    project = catalog.projects.get(data.project_code)
    occupation = catalog.occupations.get(data.occupation_code)
    institution = catalog.institutions.get(data.institution_code)
    if not data.name.strip():
        errors.append(FieldError(label["name"], "请填写班级名称"))
    if project is None:
        errors.append(
            FieldError(label["project_code"], f"“{data.project_code}”不在培训目录（{catalog.version}）中")
        )
    if occupation is None:
        errors.append(
            FieldError(label["occupation_code"], f"“{data.occupation_code}”不在培训目录的职业列表中")
        )
    if institution is None:
        errors.append(
            FieldError(label["institution_code"], f"“{data.institution_code}”不在承训机构目录中")
        )
    certificate = codes["certificate_type"].get(data.certificate_type)
    if certificate is None:
        errors.append(FieldError(label["certificate_type"], f"“{data.certificate_type}”不是证书类型代码"))
    elif project is not None and data.certificate_type not in project.certificate_types:
        allowed = "、".join(codes["certificate_type"].label(c) or c for c in project.certificate_types)
        errors.append(FieldError(label["certificate_type"], f"该项目可发的证书：{allowed}"))
    elif occupation and (why := planned_issuer_problem(data.certificate_type, occupation, catalog)):
        errors.append(FieldError(label["certificate_type"], why))  # 职业技能等级证书: evaluation bodies
    needs_level = bool(certificate and certificate.extra.get("has_level"))
    if needs_level and codes["skill_level"].get(data.level) is None:
        errors.append(FieldError(label["level"], "职业技能等级证书须选择等级"))
    if not needs_level:
        data.level = ""
    if not data.site.strip():
        errors.append(FieldError(label["site"], "请填写培训地点"))
    if data.end_date < data.start_date:
        errors.append(FieldError(label["end_date"], "结业日期早于开班日期"))
    if data.class_hours <= 0:
        errors.append(FieldError(label["class_hours"], "课时应大于 0"))
    if data.capacity <= 0:
        errors.append(FieldError(label["capacity"], "计划人数应大于 0"))
    money = {
        key: fen(getattr(data, key), lab, errors)
        for key, lab in (
            ("fee", "培训费"),
            ("government", "政府补贴部分"),
            ("employer", "企业负担部分"),
            ("personal", "个人负担部分"),
        )
    }
    values = {
        "name": data.name.strip(),
        "catalog_version": catalog.version,
        "project_code": data.project_code,
        "project_name": project.name if project else "",
        "occupation_code": data.occupation_code,
        "occupation_name": occupation.name if occupation else "",
        "level": data.level,
        "certificate_type": data.certificate_type,
        "institution_code": data.institution_code,
        "institution_name": institution.name if institution else "",
        "institution_uscc": institution.uscc if institution else "",
        "site": data.site.strip(),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "class_hours": data.class_hours,
        "capacity": data.capacity,
        "teachers_json": json.dumps([t.strip() for t in data.teachers if t.strip()], ensure_ascii=False),
        "fee_fen": money["fee"],
        "government_fen": money["government"],
        "employer_fen": money["employer"],
        "personal_fen": money["personal"],
        "note": data.note.strip() or None,
    }
    for i, s in enumerate(data.sessions, start=1):
        start, end = _minutes(s.start_time), _minutes(s.end_time)
        if start is None or end is None or end <= start:
            errors.append(
                FieldError(label["sessions"], f"第 {i} 次课的时间 {s.start_time}–{s.end_time} 有误")
            )
        if s.hours <= 0:
            errors.append(FieldError(label["sessions"], f"第 {i} 次课的课时应大于 0"))
    return values, errors


def opening_problems(record: ClassRecord, catalog: TrainingCatalog, codes: CodeCatalog) -> list[str]:
    """What stops this class from opening, in words (the catalog's rules)."""
    rules = catalog.rules
    problems = []
    level_label = codes["skill_level"].label(record.level) or "无等级"
    minimum = rules.min_hours(record.level)
    if record.class_hours < minimum:
        problems.append(f"{level_label}培训至少 {minimum} 课时，本班只有 {record.class_hours} 课时")
    if not record.sessions:
        problems.append("还没有课次安排")
    total = sum(s.hours for s in record.sessions)
    if record.sessions and total != record.class_hours:
        problems.append(f"课次合计 {total} 课时，与班级课时 {record.class_hours} 不一致")
    for s in record.sessions:
        if not record.start_date <= s.day <= record.end_date:
            problems.append(f"第 {s.number} 次课（{s.day}）不在开班到结业的日期内")
        start, end = _minutes(s.start_time) or 0, _minutes(s.end_time) or 0
        if end - start < s.hours * rules.class_hour_minutes:
            problems.append(
                f"第 {s.number} 次课 {s.start_time}–{s.end_time} 只有 {end - start} 分钟，"
                f"不够 {s.hours} 课时（每课时 {rules.class_hour_minutes} 分钟）"
            )
    shares = record.government_fen + record.employer_fen + record.personal_fen
    if record.fee_fen and shares != record.fee_fen:
        problems.append(
            f"政府、企业、个人分担合计 {yuan_text(shares, grouping=False)} 元，"
            f"与培训费 {yuan_text(record.fee_fen, grouping=False)} 元不一致"
        )
    if record.project_code not in catalog.projects:
        problems.append(f"培训项目 {record.project_code} 已不在当前目录（{catalog.version}）中")
    return problems
