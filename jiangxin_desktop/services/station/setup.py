"""This installation's station (服务站) and the database's first-time set-up."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import select

from jiangxin_desktop.domain.codes import CodeList, parse_code_catalog
from jiangxin_desktop.errors import FieldError, KnownError, ValidationError
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.catalog import install_codes, read_shipped_codes
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Meta, Station

_STATION_CODE = re.compile(r"^[0-9A-Z]{6,20}$")
STATION_NAME_MAX = 100
DEMO_KEY = "demo"


@dataclass(frozen=True)
class StationInfo:
    code: str
    name: str
    county_code: str


@dataclass(frozen=True)
class ConsentNotice:
    version: str
    title: str
    text: str


def read_consent_notice() -> ConsentNotice:
    data = json.loads((resources_dir() / "catalogs" / "consent.json").read_text(encoding="utf-8"))
    return ConsentNotice(version=data["version"], title=data["title"], text=data["text"])


def normalize_station(station: StationInfo) -> StationInfo:
    """Trimmed; the code in capitals (typed codes are case-insensitive)."""
    return StationInfo(
        code=station.code.strip().upper(),
        name=" ".join(station.name.split()),
        county_code=station.county_code.strip(),
    )


def county_choices(counties: CodeList) -> str:
    return "、".join(f"{c.code} {c.label}" for c in counties)


def check_county(county_code: str, counties: CodeList) -> str | None:
    if not county_code:
        return "请选择区县"
    if counties.get(county_code) is None:
        return f"“{county_code}”不在区县代码表中，应为以下之一：{county_choices(counties)}"
    return None


def check_station_code(code: str) -> str | None:
    if not code:
        return "请填写服务站代码（例如 320706001）"
    if not _STATION_CODE.match(code):
        return "应为 6–20 位数字或大写字母，例如 320706001"
    return None


def check_station_name(name: str) -> str | None:
    if not name:
        return "请填写服务站名称"
    if len(name) > STATION_NAME_MAX:
        return f"不能超过 {STATION_NAME_MAX} 个字"
    return None


def station_code_warning(code: str, county_code: str, counties: CodeList) -> str | None:
    """A hint, not an error: a station in a GB/T 2260 district usually carries its code first."""
    county = counties.get(county_code)
    if county is None or not county.extra.get("gb2260") or check_station_code(code):
        return None
    if code.isdigit() and not code.startswith(county.code):
        return f"服务站代码通常以{county.label}的区县代码 {county.code} 开头（如 {county.code}001），请核对"
    return None


def check_station(station: StationInfo, counties: CodeList) -> list[FieldError]:
    """Problems with a (normalised) station, in Chinese; empty when acceptable."""
    checks = (
        ("区县", check_county(station.county_code, counties)),
        ("服务站名称", check_station_name(station.name)),
        ("服务站代码", check_station_code(station.code)),
    )
    return [FieldError(field, problem) for field, problem in checks if problem]


def initialize(db: Database, station: StationInfo, *, actor: str, demo: bool = False) -> None:
    """Fill a freshly migrated database: station, code lists, demo flag."""
    station = normalize_station(station)
    codes = read_shipped_codes()
    if errors := check_station(station, parse_code_catalog(codes)["county"]):
        raise ValidationError(errors)
    with db.write() as session:
        if session.scalar(select(Station)) is not None:
            raise KnownError("数据库已经初始化过服务站，不能重复初始化。")
        session.add(
            Station(
                code=station.code,
                name=station.name,
                county_code=station.county_code,
                created_at=utc_now(),
            )
        )
        catalog = install_codes(session, codes)
        session.merge(Meta(key=DEMO_KEY, value="1" if demo else "0"))
        audit(
            session,
            actor=actor,
            action="station.initialize",
            object_type="station",
            object_id=station.code,
            after={
                "name": station.name,
                "county": station.county_code,
                "demo": demo,
                "code_catalog": catalog.version,
            },
        )


def load_station(db: Database) -> StationInfo | None:
    with db.read() as session:
        row = session.scalar(select(Station))
        return StationInfo(row.code, row.name, row.county_code) if row else None


def is_demo(db: Database) -> bool:
    with db.read() as session:
        row = session.get(Meta, DEMO_KEY)
        return bool(row and row.value == "1")
