"""Turning ``class create`` options into a ClassInput, every mistake named in Chinese.

Options arrive as text so that a missing or mistyped value is reported with the others
(argparse would stop at the first one, in English). Codes may be given as codes or as
the names a clerk reads on paper (初级, 职业技能等级证书, 养老护理员).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from jiangxin_desktop.errors import FieldError, KnownError, ValidationError, describe_error
from jiangxin_desktop.services.training.class_records import CLASS_LABELS, ClassInput, SessionInput

# option → ClassInput field, for the options a class cannot do without
REQUIRED = {
    "name": "name",
    "project": "project_code",
    "occupation": "occupation_code",
    "certificate": "certificate_type",
    "institution": "institution_code",
    "site": "site",
    "start": "start_date",
    "end": "end_date",
    "hours": "class_hours",
    "capacity": "capacity",
}
_DAY = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")
SESSION_FORMAT = "日期,开始,结束,课时[,教师[,内容]]，如 2026-12-01,08:30,11:30,4,王老师,理论"


def parse_day(text: str) -> date | None:
    """2026-12-01, 2026/12/1, 2026.12.01 or 2026年12月1日; None when it is none of them."""
    m = _DAY.match(text or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_hhmm(text: str) -> str | None:
    """8:30 → 08:30 (the services compare times as text)."""
    m = _TIME.match(text or "")
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return f"{int(m[1]):02d}:{m[2]}"


def parse_count(text: str | None, label: str, errors: list[FieldError]) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        errors.append(FieldError(label, f"“{text}”不是整数"))
        return 0


def parse_session(cells: list[str], where: str, errors: list[FieldError]) -> SessionInput | None:
    cells = [c.strip() for c in cells]
    if len(cells) < 4 or len(cells) > 6:
        errors.append(FieldError(CLASS_LABELS["sessions"], f"{where}：应为“{SESSION_FORMAT}”"))
        return None
    day, start, end = parse_day(cells[0]), parse_hhmm(cells[1]), parse_hhmm(cells[2])
    problems = []
    if day is None:
        problems.append(f"日期“{cells[0]}”应写成 2026-12-01")
    for raw, value in ((cells[1], start), (cells[2], end)):
        if value is None:
            problems.append(f"时间“{raw}”应写成 08:30")
    try:
        hours = int(cells[3])
    except ValueError:
        problems.append(f"课时“{cells[3]}”不是整数")
        hours = 0
    if problems:
        errors.append(FieldError(CLASS_LABELS["sessions"], f"{where}：" + "，".join(problems)))
        return None
    assert day is not None and start is not None and end is not None
    teacher = cells[4] if len(cells) > 4 else ""
    topic = cells[5] if len(cells) > 5 else ""
    return SessionInput(day, start, end, hours, teacher, topic)


def read_sessions_file(path: Path, errors: list[FieldError]) -> list[SessionInput]:
    """A timetable saved from WPS or Excel: UTF-8 (with or without BOM) or GBK; a header row
    is skipped when its first cell is not a date."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KnownError(f"无法读取课次文件 {path}：{describe_error(exc)}。") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise KnownError(f"课次文件 {path.name} 不是文本文件。")
    sessions = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(cell.strip() for cell in row):
            continue
        if line == 1 and parse_day(row[0]) is None:
            continue  # header
        found = parse_session(row, f"{path.name} 第 {line} 行", errors)
        if found is not None:
            sessions.append(found)
    return sessions


def _lookup(value: str, entries: dict) -> str:
    """A catalog code given as its code or its exact name."""
    value = value.strip()
    if value in entries:
        return value
    return next((code for code, entry in entries.items() if entry.name == value), value)


def _code(codes, list_name: str, value: str) -> str:
    value = value.strip()
    found = codes[list_name].get(value) or codes[list_name].by_label(value)
    return found.code if found else value


def class_input(ctx, args) -> ClassInput:
    """The ClassInput the options describe; raises ValidationError naming every problem."""
    errors: list[FieldError] = []
    for option, attr in REQUIRED.items():
        if not (getattr(args, option) or "").strip():
            errors.append(FieldError(CLASS_LABELS[attr], f"请填写（--{option}）"))
    catalog = ctx.catalogs.active()
    start = parse_day(args.start) if args.start else None
    end = parse_day(args.end) if args.end else None
    for option, raw, value in (("start", args.start, start), ("end", args.end, end)):
        if raw and value is None:
            label = CLASS_LABELS[REQUIRED[option]]
            errors.append(FieldError(label, f"“{raw}”不是日期，请写成 2026-12-01"))
    sessions = [
        s
        for i, spec in enumerate(args.session or [], start=1)
        if (s := parse_session(spec.replace("，", ",").split(","), f"第 {i} 个 --session", errors))
    ]
    if args.sessions_file:
        sessions += read_sessions_file(Path(args.sessions_file), errors)
    data = ClassInput(
        name=args.name or "",
        project_code=_lookup(args.project or "", catalog.projects),
        occupation_code=_lookup(args.occupation or "", catalog.occupations),
        level=_code(ctx.codes, "skill_level", args.level or ""),
        certificate_type=_code(ctx.codes, "certificate_type", args.certificate or ""),
        institution_code=_lookup(args.institution or "", catalog.institutions),
        site=args.site or "",
        start_date=start or end or date.today(),  # a missing date is reported above, once
        end_date=end or start or date.today(),
        class_hours=parse_count(args.hours, CLASS_LABELS["class_hours"], errors) if args.hours else 0,
        capacity=parse_count(args.capacity, CLASS_LABELS["capacity"], errors) if args.capacity else 0,
        teachers=list(args.teacher or []),
        fee=args.fee or "0",
        government=args.government or "0",
        employer=args.employer or "0",
        personal=args.personal or "0",
        note=args.note or "",
        sessions=sessions,
    )
    _, problems = ctx.classes.check(data, catalog)
    # a missing or unreadable value is said once, not again by the service
    named = {e.field for e in errors if e.field != CLASS_LABELS["sessions"]}
    errors += [e for e in problems if e.field not in named]
    if errors:
        raise ValidationError(errors)
    return data
