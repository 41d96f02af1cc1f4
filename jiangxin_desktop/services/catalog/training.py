"""The training catalog: projects, occupations, institutions, the rules, amounts and plan targets.

No catalog, no subsidy: a class is opened from catalog entries only. The shipped example catalog
(``resources/catalogs/training.json``) is replaced by the city's by import (administrator,
validated, audited). Every limit the services check is read from here, never written in code.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain import subsidy
from jiangxin_desktop.domain.contact import check_uscc
from jiangxin_desktop.domain.plan import Plan, parse_plan
from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.domain.attendance_rules import AttendanceRules, parse_attendance_rules
from jiangxin_desktop.services.security import UserInfo, require_role
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import CatalogRecord

FORMAT = "jiangxin-training-catalog-1"
OCCUPATION_CODE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
CATEGORIES = ("A", "B", "C")


@dataclass(frozen=True)
class Project:
    code: str
    name: str
    target_groups: tuple[str, ...]
    area: str
    certificate_types: tuple[str, ...]
    subsidy_kind: str | None = None  # how its subsidy is reached (domain/subsidy.py); None: by certificate
    variant: str | None = None  # 创业培训: GYB / SYB / IYB / 网络创业
    amount_fen: int | None = None  # 培训合格证书: this project's amount within the catalog's range


@dataclass(frozen=True)
class Occupation:
    code: str
    name: str
    category: str
    shortage: bool = False
    digital: bool = False


@dataclass(frozen=True)
class Institution:
    code: str
    name: str
    uscc: str
    county: str


@dataclass(frozen=True)
class EvaluationBody:
    """A filed evaluation body (社会培训评价组织): the only issuer of 职业技能等级证书."""

    code: str
    name: str
    filing_number: str  # 备案编号
    occupations: tuple[str, ...]  # occupation codes it may certify


@dataclass(frozen=True)
class Rules:
    min_age: int
    max_age: int | None
    max_subsidised_trainings: int
    same_occupation_level_once: bool
    no_lower_level_after_higher: bool
    class_hour_minutes: int
    min_class_hours: dict[str, int]
    attendance_threshold: float
    assessment_pass_score: float
    claim_within_months: int
    attendance: AttendanceRules  # sign-in windows, hours from times (domain/attendance_rules.py)
    notice_days: int = 7  # 公示期 (days) of the subsidy notice

    def min_hours(self, level: str) -> int:
        return self.min_class_hours.get(level, self.min_class_hours.get("", 0))


@dataclass(frozen=True)
class TrainingCatalog:
    version: str
    example: bool
    projects: dict[str, Project]
    occupations: dict[str, Occupation]
    institutions: dict[str, Institution]
    rules: Rules
    subsidy_amounts: dict[str, Any] = field(default_factory=dict)
    standards: subsidy.Standards = field(default_factory=subsidy.Standards)  # subsidy_amounts, parsed
    plan: Plan = field(default_factory=Plan)  # targets, follow-up periods, counting (domain/plan.py)
    note: str = ""
    evaluation_bodies: dict[str, EvaluationBody] = field(default_factory=dict)
    verify_base_url: str = ""  # the QR code's verification address: <base>?c=<signed payload>

    def evaluation_body(self, occupation_code: str) -> EvaluationBody | None:
        """The body that may issue a 职业技能等级证书 for the occupation, if the catalog names one."""
        return next((b for b in self.evaluation_bodies.values() if occupation_code in b.occupations), None)


def shipped_catalog_path() -> Path:
    return resources_dir() / "catalogs" / "training.json"


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}：{message}")


def _unique(entries: list[dict], where: str, problems: _Problems) -> None:
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        code = str(entry.get("code", ""))
        if not code:
            problems.add(f"{where} 第 {i} 项", "缺少代码 code")
        elif code in seen:
            problems.add(f"{where} 第 {i} 项", f"代码 {code} 重复")
        seen.add(code)


def parse_catalog(data: Any, codes: CodeCatalog) -> TrainingCatalog:
    """Validate a catalog document; every problem is listed in one Chinese message."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KnownError(f"这不是培训目录文件（format 应为 {FORMAT}）。")
    problems = _Problems()
    try:
        projects_raw, occupations_raw = list(data["projects"]), list(data["occupations"])
        institutions_raw, rules_raw = list(data["institutions"]), dict(data["rules"])
        version = str(data["version"]).strip()
    except (KeyError, TypeError) as exc:
        raise KnownError(
            f"培训目录缺少必要部分或其类型不对{f'（{exc.args[0]}）' if isinstance(exc, KeyError) else ''}。"
            "需要 version、projects、occupations、institutions、rules。"
        ) from None
    if not version:
        problems.add("version", "版本号不能为空")
    for where, entries in (
        ("培训项目", projects_raw),
        ("职业", occupations_raw),
        ("承训机构", institutions_raw),
    ):
        _unique(entries, where, problems)

    groups = {entry.code for entry in codes["target_group"]}
    certificates = {entry.code for entry in codes["certificate_type"]}
    levels = {entry.code for entry in codes["skill_level"]}
    projects = {}
    for i, p in enumerate(projects_raw, start=1):
        where = f"培训项目 第 {i} 项（{p.get('code', '')}）"
        unknown = [g for g in p.get("target_groups", []) if g not in groups]
        if unknown:
            problems.add(where, f"人员类别 {'、'.join(unknown)} 不在代码表中")
        bad_cert = [c for c in p.get("certificate_types", []) if c not in certificates]
        if bad_cert:
            problems.add(where, f"证书类型 {'、'.join(bad_cert)} 不在代码表中")
        if not str(p.get("name", "")).strip():
            problems.add(where, "缺少名称")
        kind, variant, amount = p.get("subsidy_kind"), p.get("variant"), p.get("subsidy_amount")
        if kind is not None and kind not in subsidy.KINDS:
            problems.add(where, f"subsidy_kind 应为 {'、'.join(subsidy.KINDS)} 之一")
        if variant is not None and variant not in subsidy.VARIANTS:
            problems.add(where, f"variant 应为 {'、'.join(subsidy.VARIANTS)} 之一")
        amount_fen = None if amount is None else subsidy.fen_of(amount)
        if amount is not None and amount_fen is None:
            problems.add(where, "subsidy_amount 应为不小于 0 的金额（元）")
        projects[str(p.get("code"))] = Project(
            str(p.get("code")),
            str(p.get("name", "")).strip(),
            tuple(p.get("target_groups", [])),
            str(p.get("area", "")),
            tuple(p.get("certificate_types", [])),
            kind if kind in subsidy.KINDS else None,
            variant if variant in subsidy.VARIANTS else None,
            amount_fen,
        )
    occupations = {}
    for i, o in enumerate(occupations_raw, start=1):
        code = str(o.get("code", ""))
        where = f"职业 第 {i} 项（{code}）"
        if not OCCUPATION_CODE.match(code):
            problems.add(where, "职业编码应为“大类-中类-小类-细类”格式，如 6-04-02-05")
        if o.get("category") not in CATEGORIES:
            problems.add(where, "补贴分类 category 应为 A、B 或 C")
        occupations[code] = Occupation(
            code,
            str(o.get("name", "")).strip(),
            str(o.get("category")),
            bool(o.get("shortage")),
            bool(o.get("digital")),
        )
    institutions = {}
    for i, inst in enumerate(institutions_raw, start=1):
        where = f"承训机构 第 {i} 项（{inst.get('code', '')}）"
        uscc = check_uscc(str(inst.get("uscc", "")))
        if not uscc.ok:
            problems.add(where, f"统一社会信用代码有误：{uscc.message}")
        institutions[str(inst.get("code"))] = Institution(
            str(inst.get("code")), str(inst.get("name", "")).strip(), uscc.value, str(inst.get("county", ""))
        )
    rules = _parse_rules(rules_raw, levels, problems)
    standards = subsidy.parse_standards(data.get("subsidy_amounts"), levels, problems.add)
    plan = parse_plan(data.get("plan"), problems.add)
    bodies = _parse_bodies(data.get("evaluation_bodies") or [], occupations, problems)
    base_url = str(data.get("verify_base_url") or "").strip()
    if base_url and not re.match(r"^https?://[^\s?#]+$", base_url):
        problems.add("verify_base_url", "核验地址应以 https:// 开头，不含空格、? 和 #")
    if problems.items:
        shown = problems.items[:20]
        more = f"\n……另有 {len(problems.items) - 20} 处" if len(problems.items) > 20 else ""
        raise KnownError("培训目录有误，未导入：\n" + "\n".join(shown) + more)
    assert rules is not None
    return TrainingCatalog(
        version=version,
        example=bool(data.get("example")),
        projects=projects,
        occupations=occupations,
        institutions=institutions,
        rules=rules,
        subsidy_amounts=dict(data.get("subsidy_amounts") or {}),
        standards=standards,
        plan=plan,
        note=str(data.get("note", "")),
        evaluation_bodies=bodies,
        verify_base_url=base_url,
    )


def _parse_bodies(raw: Any, occupations: dict, problems: _Problems) -> dict[str, EvaluationBody]:
    if not isinstance(raw, list):
        problems.add("evaluation_bodies", "应为评价组织的列表")
        return {}
    _unique(raw, "社会培训评价组织", problems)
    bodies = {}
    for i, b in enumerate(raw, start=1):
        b = b if isinstance(b, dict) else {}
        where = f"社会培训评价组织 第 {i} 项（{b.get('code', '')}）"
        name, filing = str(b.get("name", "")).strip(), str(b.get("filing_number", "")).strip()
        if not name or not filing:
            problems.add(where, "应有名称 name 和备案编号 filing_number")
        covered = tuple(str(c) for c in b.get("occupations", []) or [])
        unknown = [c for c in covered if c not in occupations]
        if unknown or not covered:
            problems.add(where, f"职业 {'、'.join(unknown) or '（未列出）'} 不在目录的职业中")
        bodies[str(b.get("code"))] = EvaluationBody(str(b.get("code")), name, filing, covered)
    return bodies


def _parse_rules(raw: dict, levels: set[str], problems: _Problems) -> Rules | None:
    def number(key: str, low: float, high: float, *, integer: bool = True, optional: bool = False):
        value = raw.get(key)
        if value is None and optional:
            return None
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and low <= value <= high
            and (not integer or float(value).is_integer())
        ):
            return int(value) if integer else float(value)
        problems.add(f"规则 {key}", f"应为 {low}–{high} 之间的{'整数' if integer else '数'}")
        return low

    hours = raw.get("min_class_hours")
    if not isinstance(hours, dict) or not all(isinstance(v, int) and v >= 0 for v in hours.values()):
        problems.add("规则 min_class_hours", "应为“等级代码: 最少课时”的对应表")
        hours = {}
    unknown = [k for k in hours if k and k not in levels]
    if unknown:
        problems.add("规则 min_class_hours", f"等级 {'、'.join(unknown)} 不在代码表中")
    return Rules(
        min_age=number("min_age", 14, 70),
        max_age=number("max_age", 16, 100, optional=True),
        max_subsidised_trainings=number("max_subsidised_trainings", 1, 20),
        same_occupation_level_once=bool(raw.get("same_occupation_level_once", True)),
        no_lower_level_after_higher=bool(raw.get("no_lower_level_after_higher", True)),
        class_hour_minutes=number("class_hour_minutes", 30, 60),
        min_class_hours=dict(hours),
        attendance_threshold=number("attendance_threshold", 0, 1, integer=False),
        assessment_pass_score=number("assessment_pass_score", 0, 100, integer=False),
        claim_within_months=number("claim_within_months", 1, 60),
        attendance=parse_attendance_rules(raw.get("attendance"), problems.add),
        notice_days=number("notice_days", 1, 60, optional=True) or 7,
    )


def read_catalog_file(path: Path) -> tuple[dict, str]:
    try:
        raw = path.read_bytes()
        return json.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
    except OSError as exc:
        raise KnownError(f"无法读取目录文件 {path}：{describe_error(exc)}。") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise KnownError(f"目录文件 {path.name} 不是有效的 JSON（UTF-8）：{describe_error(exc)}。") from exc


class CatalogService:
    def __init__(self, db: Database, codes: CodeCatalog) -> None:
        self.db = db
        self.codes = codes
        self._cached: tuple[int, TrainingCatalog] | None = None

    def active(self) -> TrainingCatalog:
        """The active catalog (the shipped example until the city's is imported)."""
        with self.db.read() as session:
            row = session.scalar(select(CatalogRecord).where(CatalogRecord.active.is_(True)))
            if row is not None and self._cached and self._cached[0] == row.seq:
                return self._cached[1]
            if row is not None:
                catalog = parse_catalog(json.loads(row.content_json), self.codes)
                self._cached = (row.seq, catalog)
                return catalog
        self.install_shipped(actor="system")
        return self.active()

    def install_shipped(self, *, actor: str) -> TrainingCatalog:
        data, digest = read_catalog_file(shipped_catalog_path())
        return self._install(data, digest, source="shipped", actor=actor, only_if_none=True)

    def import_file(self, user: UserInfo | None, path: Path) -> TrainingCatalog:
        """Replace the active catalog with a validated file (administrator only).

        The file carries no signature of the city: an administrator's explicit act, audited as
        未签名导入 (catalogs the city signs come through sync, :meth:`install_published`)."""
        require_role(user, "admin", action="导入未签名的培训目录")
        assert user is not None
        data, digest = read_catalog_file(path)
        return self._install(data, digest, source=path.name, actor=user.username,
                             signature={"signed": False, "note": "未签名导入"})

    def install_published(self, data: dict, *, source: str, actor: str, key_id: str,
                          also: Callable[[Session], None] | None = None) -> TrainingCatalog:
        """A catalog whose city signature sync has verified; ``also`` writes in the same transaction."""
        digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
        return self._install(data, digest, source=source, actor=actor,
                             signature={"signed": True, "key_id": key_id}, also=also)

    def _install(
        self, data: dict, digest: str, *, source: str, actor: str, only_if_none: bool = False,
        signature: dict | None = None, also: Callable[[Session], None] | None = None,
    ) -> TrainingCatalog:
        catalog = parse_catalog(data, self.codes)  # validate before anything is written
        with self.db.write() as session:
            current = session.scalar(select(CatalogRecord).where(CatalogRecord.active.is_(True)))
            if current is not None and only_if_none:
                return catalog
            if current is not None and current.sha256 == digest:
                raise KnownError(f"目录 {catalog.version} 已经是当前目录，无须重复导入。")
            session.execute(update(CatalogRecord).values(active=False))
            session.add(
                CatalogRecord(
                    version=catalog.version,
                    sha256=digest,
                    content_json=json.dumps(data, ensure_ascii=False),
                    source=source,
                    example=catalog.example,
                    active=True,
                    installed_at=utc_now(),
                    installed_by=actor,
                )
            )
            audit(
                session,
                actor=actor,
                action="catalog.install",
                object_type="catalog",
                object_id=catalog.version,
                before={"version": current.version} if current else None,
                after={
                    "version": catalog.version,
                    "source": source,
                    "sha256": digest,
                    "example": catalog.example,
                    "projects": len(catalog.projects),
                    "occupations": len(catalog.occupations),
                    "institutions": len(catalog.institutions),
                    **(signature or {}),
                },
            )
            if also is not None:
                also(session)
        self._cached = None
        return catalog
