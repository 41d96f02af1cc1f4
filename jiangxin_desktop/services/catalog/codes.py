"""Code lists (人员类别, 民族, 文化程度 …): shipped in resources/, copied into the database.

The database copy is what the program uses, so that a catalog update from the city
(the sync issue) replaces it without a new release.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog, CodeList, parse_code_catalog
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.models import CodeEntry, Meta

CATALOG_VERSION_KEY = "code_catalog_version"
CATALOG_DIGEST_KEY = "code_catalog_digest"  # SHA-256 of the lists installed, to see a newer copy
SYSTEM_ACTOR = "system"


def codes_digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def shipped_codes_path() -> Path:
    return resources_dir() / "catalogs" / "codes.json"


def read_shipped_codes(path: Path | None = None) -> dict:
    return json.loads((path or shipped_codes_path()).read_text(encoding="utf-8"))


def shipped_code_list(name: str, path: Path | None = None) -> CodeList:
    """One list of the shipped catalog, read without a database (the set-up wizard's 区县)."""
    return parse_code_catalog(read_shipped_codes(path))[name]


def install_codes(session: Session, data: dict) -> CodeCatalog:
    """Replace the code lists in the database with ``data`` (validated first)."""
    catalog = parse_code_catalog(data)
    session.execute(delete(CodeEntry))
    for code_list in catalog.lists.values():
        for position, code in enumerate(code_list.codes):
            session.add(
                CodeEntry(
                    list_name=code_list.name,
                    code=code.code,
                    label=code.label,
                    extra_json=json.dumps(dict(code.extra), ensure_ascii=False, default=dict),
                    position=position,
                    catalog_version=catalog.version,
                )
            )
    session.merge(Meta(key=CATALOG_VERSION_KEY, value=catalog.version))
    session.merge(Meta(key=CATALOG_DIGEST_KEY, value=codes_digest(data)))
    session.merge(
        Meta(
            key="code_catalog_titles",
            value=json.dumps({n: cl.title for n, cl in catalog.lists.items()}, ensure_ascii=False),
        )
    )
    return catalog


def load_codes(db: Database) -> CodeCatalog:
    """The code lists as stored in the database."""
    with db.read() as session:
        version = session.get(Meta, CATALOG_VERSION_KEY)
        titles_row = session.get(Meta, "code_catalog_titles")
        titles = json.loads(titles_row.value) if titles_row else {}
        lists: dict[str, dict] = {}
        for entry in session.scalars(select(CodeEntry).order_by(CodeEntry.list_name, CodeEntry.position)):
            target = lists.setdefault(
                entry.list_name, {"title": titles.get(entry.list_name, entry.list_name), "codes": []}
            )
            target["codes"].append(
                {"code": entry.code, "label": entry.label, **({"extra": json.loads(entry.extra_json)})}
            )
    return parse_code_catalog({"version": version.value if version else "", "lists": lists})


def refresh_shipped_codes(db: Database, path: Path | None = None) -> bool:
    """Bring a station's code lists up to the copy this release ships, for the same version.

    A release may add aliases and flags to the lists (高校毕业生, 脱贫家庭劳动力 …) without a new
    catalog version; a station set up with an older release kept its older copy, so its roster
    imports asked what newer stations answer by themselves. When the installed version is the
    shipped one and the content differs, the shipped lists replace it (audited). A different
    version (a later city update) is left alone.
    """
    from jiangxin_desktop.store.journal import audit

    shipped = read_shipped_codes(path)
    digest = codes_digest(shipped)
    with db.read() as session:
        version = session.get(Meta, CATALOG_VERSION_KEY)
        stored = session.get(Meta, CATALOG_DIGEST_KEY)
        if version is None or version.value != shipped.get("version") or (stored and stored.value == digest):
            return False
    with db.write() as session:
        install_codes(session, shipped)
        audit(session, actor=SYSTEM_ACTOR, action="catalog.codes.refresh", object_type="catalog",
              object_id=str(shipped.get("version")), after={"version": shipped.get("version")})
    return True
