"""Bring a database to the current schema: copy it first, refuse one from a newer program.

The hot path (database already at HEAD) reads one row and never imports Alembic.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from jiangxin_desktop.errors import DatabaseTooNewError
from jiangxin_desktop.store.database import Database

HEAD = "0017"  # tests assert this is Alembic's head
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def current_revision(db: Database) -> str | None:
    with db.read_engine.connect() as conn:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).first()
        if not has_table:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def has_user_tables(db: Database) -> bool:
    with db.read_engine.connect() as conn:
        return bool(
            conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' LIMIT 1"
            ).first()
        )


def upgrade(db: Database, backup_dir: Path | None = None) -> Path | None:
    """Migrate to HEAD. Returns the path of the pre-migration copy, if one was made."""
    current = current_revision(db)
    if current == HEAD:
        return None
    if current is not None and current not in known_revisions():
        raise DatabaseTooNewError(
            f"数据库 {db.path.name} 由更新版本的匠心程序创建（结构版本 {current}），"
            "本程序无法安全打开。请安装最新版本的程序后再打开。"
        )
    copy = None
    if backup_dir is not None and has_user_tables(db):
        copy = _copy_before_migration(db, backup_dir, current or "base")
    from alembic import command

    with db.schema_connection() as connection:
        command.upgrade(_alembic_config(connection), "head")
        _fill_derived(connection, current)
        connection.commit()
    return copy


def _fill_derived(connection, previous: str | None) -> None:
    """Local tables derived from the travelling rows, filled by the application's own code once
    the revision that made them has run (a migration imports no application code)."""
    if previous is None or previous < "0016":
        from jiangxin_desktop.store.outcome_summary import rebuild

        rebuild(connection)  # the dashboard's summary of the classes that already finished


def _copy_before_migration(db: Database, backup_dir: Path, revision: str) -> Path:
    """Copy the (encrypted) file after a checkpoint, so the copy is complete by itself."""
    db.checkpoint()
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{db.path.stem}-{revision}-{stamp}.db"
    shutil.copy2(db.path, target)
    target.chmod(0o600)
    return target
