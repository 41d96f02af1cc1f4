"""Catalogs the city publishes: a JSON document signed with the city's key, versions only rising.

The signed document is ``{"type": "jiangxin.catalog", "format": 1, "version": V,
"published_at": …, "catalog": <the published JSON>}`` as canonical JSON, in a JWS of ``typ``
``jiangxin.catalog``. Stations fetch the newest with ``GET /v1/catalog?after=<their version>``
or find it as ``catalog.jws`` in a USB folder.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.receiver import Receiver, bad_request
from jiangxin_desktop.city.store import Store, wire_time
from jiangxin_desktop.protocol import ProtocolError, canonical_json
from jiangxin_desktop.protocol.batch import CATALOG, FORMAT


def publish_catalog(receiver: Receiver, content: Any, version: int, *, published_by: str = "city") -> str:
    """Sign and record catalog ``version``; it must be higher than every one published before."""
    if type(version) is not int or version < 1:
        raise bad_request("bad_version", "version must be a positive integer", "目录版本号应为正整数。")
    now = receiver.clock()
    published_at = wire_time(now)
    try:
        document = canonical_json({"type": CATALOG, "format": FORMAT, "version": version,
                                   "published_at": published_at, "catalog": content})
    except (ProtocolError, TypeError, ValueError) as exc:
        raise bad_request("bad_catalog", f"catalog cannot be canonical JSON: {exc}",
                          "目录文件里有无法发布的值（例如小数或非字符串的键），请检查。") from None
    signed = receiver.sign(document, CATALOG)
    c = schema.catalog
    with receiver.store.transaction() as connection:
        newest = connection.execute(select(func.max(c.c.version))).scalar()
        if newest is not None and version <= newest:
            raise CityError("version_not_newer", 409, f"version {version} is not above {newest}",
                            f"目录版本 {version} 不高于已发布的版本 {newest}。新版本号必须更大。")
        connection.execute(insert(c).values(version=version, published_at=published_at,
                                            published_by=published_by[:100], jws=signed))
        receiver.store.audit(now, "catalog.published", f"version {version} by {published_by}",
                             connection=connection)
    return signed


def newest_catalog(store: Store, after: int | None = None) -> tuple[int, str] | None:
    """(version, JWS) of the newest catalog above ``after``; None when there is none."""
    c = schema.catalog
    with store.reading() as connection:
        row = connection.execute(select(c.c.version, c.c.jws).order_by(c.c.version.desc()).limit(1)).first()
    if row is None or (after is not None and row.version <= after):
        return None
    return int(row.version), str(row.jws)
