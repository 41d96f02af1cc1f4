"""Catalogs the city publishes: a JSON document signed with the city's key, versions only rising.

The signed document is ``{"type": "jiangxin.catalog", "format": 1, "version": V,
"published_at": …, "catalog_json": <the published JSON object as text, its "version" set to V>}``
as canonical JSON, in a JWS of ``typ`` ``jiangxin.catalog`` (text, because a catalog holds
decimals that canonical JSON refuses as numbers). A version is text of numbers and dots ("7", "2026.2"), compared
number by number ("2026.2" < "2026.10"), as the stations compare them. Stations fetch the newest
with ``GET /v1/catalog?after=<their version>`` or find it as ``catalog.jws`` in a USB folder.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import insert, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.receiver import Receiver, bad_request
from jiangxin_desktop.city.store import Store, wire_time
from jiangxin_desktop.protocol import ProtocolError, canonical_json
from jiangxin_desktop.protocol.batch import CATALOG, FORMAT

_VERSION = re.compile(r"\d{1,9}(\.\d{1,9}){0,3}")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def checked_version(version: str) -> str:
    text = str(version).strip()
    if not _VERSION.fullmatch(text):
        raise bad_request("bad_version", f"version {text[:40]!r} is not numbers and dots",
                          f"目录版本号“{text[:40]}”不对：应为数字，可用点分隔，例如 7 或 2026.2。")
    return text


def publish_catalog(receiver: Receiver, content: Any, version: str, *, published_by: str = "city") -> str:
    """Sign and record catalog ``version``; it must be higher than every one published before."""
    version = checked_version(version)
    if not isinstance(content, dict):
        raise bad_request("bad_catalog", "a catalog is a JSON object",
                          "目录文件应是一个 JSON 对象（以 { 开头），服务站不接受别的形式。")
    now = receiver.clock()
    published_at = wire_time(now)
    # The catalog travels as JSON text inside the signed document: it holds decimals (出勤率
    # 0.8, 紧缺上浮 0.3) that canonical JSON does not take as numbers, and the station reads
    # back exactly the text that was signed. The published version is the catalog's version.
    content = {**content, "version": version}
    try:
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
        document = canonical_json({"type": CATALOG, "format": FORMAT, "version": version,
                                   "published_at": published_at, "catalog_json": text})
    except (ProtocolError, TypeError, ValueError) as exc:
        raise bad_request("bad_catalog", f"catalog cannot be published: {exc}",
                          "目录文件里有无法发布的值（例如 NaN 或非字符串的键），请检查。") from None
    signed = receiver.sign(document, CATALOG)
    c = schema.catalog
    with receiver.store.transaction() as connection:
        published = connection.execute(select(c.c.version)).scalars().all()
        newest = max(published, key=version_key, default=None)
        if newest is not None and version_key(version) <= version_key(newest):
            raise CityError("version_not_newer", 409, f"version {version} is not above {newest}",
                            f"目录版本 {version} 不高于已发布的版本 {newest}。新版本号必须更大。")
        connection.execute(insert(c).values(version=version, published_at=published_at,
                                            published_by=published_by[:100], jws=signed))
        receiver.store.audit(now, "catalog.published", f"version {version} by {published_by}",
                             connection=connection)
    return signed


def newest_catalog(store: Store, after: str | None = None) -> tuple[str, str] | None:
    """(version, JWS) of the newest catalog above ``after``; None when there is none."""
    c = schema.catalog
    with store.reading() as connection:
        versions = connection.execute(select(c.c.version)).scalars().all()
        if not versions:
            return None
        newest = max(versions, key=version_key)
        if after is not None and version_key(newest) <= version_key(checked_version(after)):
            return None
        return newest, str(connection.execute(select(c.c.jws).where(c.c.version == newest)).scalar_one())
