"""This installation's station (服务站) and the database's first-time set-up."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import select

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.catalog import install_codes, read_shipped_codes
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Meta, Station

_STATION_CODE = re.compile(r"^[0-9A-Z]{6,20}$")
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


def initialize(db: Database, station: StationInfo, *, actor: str, demo: bool = False) -> None:
    """Fill a freshly migrated database: station, code lists, demo flag."""
    if not _STATION_CODE.match(station.code):
        raise KnownError("服务站代码应为 6–20 位数字或大写字母，例如 320706001。")
    if not station.name.strip():
        raise KnownError("请填写服务站名称。")
    with db.write() as session:
        if session.scalar(select(Station)) is not None:
            raise KnownError("数据库已经初始化过服务站，不能重复初始化。")
        session.add(
            Station(
                code=station.code,
                name=station.name.strip(),
                county_code=station.county_code,
                created_at=utc_now(),
            )
        )
        catalog = install_codes(session, read_shipped_codes())
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
