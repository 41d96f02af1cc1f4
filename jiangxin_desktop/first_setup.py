"""A real station's first-time set-up, shared by ``jiangxin-desktop setup`` and the set-up wizard.

One step for the clerk, several for the program: the encrypted database and its key, the
station, the station's signing key and the first administrator. Everything is checked
before the first file is written; on any failure (or a cancel) nothing is left behind, and
a set-up killed half-way is marked unfinished (services/station/unfinished_setup.py): the next
start removes it and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jiangxin_desktop.context import build_context
from jiangxin_desktop.database_files import create_database, discard_database
from jiangxin_desktop.domain.codes import CodeList
from jiangxin_desktop.domain.passwords import (
    SecurityPolicy,
    check_display_name,
    check_password,
    check_username,
    normalize_display_name,
    normalize_username,
)
from jiangxin_desktop.errors import FieldError, KnownError, ValidationError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.catalog.codes import shipped_code_list
from jiangxin_desktop.services.security.keystore import PassphraseProvider
from jiangxin_desktop.services.security.roles import load_security_policy
from jiangxin_desktop.services.security.signing import active_public_key
from jiangxin_desktop.services.station.setup import StationInfo, check_station, normalize_station
from jiangxin_desktop.services.station.unfinished_setup import clear_unfinished, disk_full, finish

SETUP_STEPS = 3  # database and station (with its signing key); administrator; check


@dataclass(frozen=True)
class AdminAccount:
    username: str
    display_name: str
    password: str


def shipped_counties() -> CodeList:
    """The 区县 list (GB/T 2260 districts of Lianyungang, and the 板块) without a database."""
    return shipped_code_list("county")


def check_admin(admin: AdminAccount, policy: SecurityPolicy) -> list[FieldError]:
    """Problems with the first administrator's account, in Chinese; empty when acceptable."""
    name = normalize_username(admin.username)
    errors = []
    if problem := check_username(name):
        errors.append(FieldError("用户名", problem))
    if problem := check_display_name(normalize_display_name(admin.display_name)):
        errors.append(FieldError("姓名", problem))
    errors += [FieldError("密码", p) for p in check_password(admin.password, policy, name)]
    return errors


def check_setup(station: StationInfo, admin: AdminAccount, policy: SecurityPolicy | None = None) -> None:
    """Raise ValidationError naming every problem, before anything is written."""
    errors = check_station(normalize_station(station), shipped_counties())
    errors += check_admin(admin, policy or load_security_policy())
    if errors:
        raise ValidationError(errors)


def set_up_station(
    paths: DataPaths,
    passphrase: PassphraseProvider,
    station: StationInfo,
    admin: AdminAccount,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Create the station's database, signing key and first administrator in one go.

    ``progress(done, total)`` may raise to cancel; the half-made database is then removed.
    """
    report = progress or (lambda done, total: None)
    station = normalize_station(station)
    check_setup(station, admin)
    leftover = clear_unfinished(paths)  # a setup or demo killed half-way: removed, and said
    if paths.database.exists():
        raise KnownError(f"数据目录 {paths.root} 中已有数据库，不会覆盖。如需重新设置，请换一个数据目录。")
    report(0, SETUP_STEPS)
    db = None
    try:
        db = create_database(paths, passphrase, station)
        report(1, SETUP_STEPS)
        user = build_context(paths, db).users.create_first_admin(
            admin.username, admin.display_name, admin.password
        )
        report(2, SETUP_STEPS)
        key = active_public_key(db)
        assert key is not None  # create_database made it
        report(3, SETUP_STEPS)
    except BaseException as exc:
        if db is not None:
            db.dispose()
        discard_database(paths)
        finish(paths)
        full = disk_full(exc, paths, "setup")
        if full is not None:
            raise full from exc
        raise
    db.dispose()
    finish(paths)  # complete: from now on the database exists
    county = shipped_counties().get(station.county_code)
    return {
        "database": str(paths.database),
        "station": {
            "code": station.code,
            "name": station.name,
            "county_code": station.county_code,
            "county": county.label if county else None,
        },
        "admin": {"username": user.username, "display_name": user.display_name},
        "signing_key": {"key_id": key.key_id, "algorithm": key.algorithm, "public_key": key.public_key},
        "removed_unfinished": leftover,
    }
