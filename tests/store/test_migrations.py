"""Alembic migrations: head matches the models, copies before migrating, refuses newer."""

from __future__ import annotations

import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from jiangxin_desktop.errors import DatabaseTooNewError
from jiangxin_desktop.store import migrate
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store import sync_models  # noqa: F401  (its tables are in Base.metadata)
from jiangxin_desktop.store import followup_models, stats_models, subsidy_models  # noqa: F401
from jiangxin_desktop.store.models import Base

KEY = secrets.token_bytes(32)


def test_head_constant_matches_alembic():
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    assert script.get_current_head() == migrate.HEAD


def _not_fts(name, type_, parent_names) -> bool:
    """FTS5 virtual tables and their shadow tables are outside the ORM models."""
    return not (type_ == "table" and name.startswith(("trainee_fts", "trainee_name_grams")))


def test_migrated_schema_matches_models(tmp_path):
    db = Database(tmp_path / "m.db", KEY)
    migrate.upgrade(db)
    with db.schema_connection() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": _not_fts})
        diff = compare_metadata(ctx, Base.metadata)
    db.dispose()
    assert diff == []


def test_newer_database_is_refused(tmp_path):
    db = Database(tmp_path / "n.db", KEY)
    migrate.upgrade(db)
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseTooNewError) as info:
        migrate.upgrade(db)
    assert "更新版本" in info.value.message
    db.dispose()


def test_existing_database_is_copied_before_migrating(tmp_path):
    """An older database (here: one at base with a user table) is copied, then upgraded."""
    path = tmp_path / "old.db"
    db = Database(path, KEY)
    with db.write() as s:
        s.execute(text("CREATE TABLE legacy(x)"))
        s.execute(text("INSERT INTO legacy VALUES ('keep me')"))
    copy = migrate.upgrade(db, tmp_path / "backups")
    assert migrate.current_revision(db) == migrate.HEAD
    db.dispose()
    assert copy is not None and copy.exists()
    saved = Database(copy, KEY)
    with saved.read() as s:
        assert s.execute(text("SELECT x FROM legacy")).scalar() == "keep me"
        assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name='trainee'")).scalar() == 0
    saved.dispose()


def test_downgrade_and_upgrade_round_trip(tmp_path):
    from alembic import command

    db = Database(tmp_path / "r.db", KEY)
    migrate.upgrade(db)
    with db.schema_connection() as conn:
        command.downgrade(migrate._alembic_config(conn), "base")
        conn.commit()
    assert migrate.current_revision(db) is None
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.HEAD
    db.dispose()


FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_KEY = bytes.fromhex("0001" * 16)  # the key the fixture was written with (test data only)


def test_real_schema_0001_database_migrates_to_head(tmp_path):
    """A database written by the first release (schema 0001) opens with its data intact."""
    import shutil

    from jiangxin_desktop.services.audit.trail import verify_chain
    from jiangxin_desktop.services.registry.search import TraineeSearch

    path = tmp_path / "jiangxin.db"
    shutil.copy(FIXTURES / "schema-0001.db", path)
    db = Database(path, FIXTURE_KEY)
    assert migrate.current_revision(db) == "0001"
    copy = migrate.upgrade(db, tmp_path / "pre-migration")
    assert copy is not None and copy.read_bytes() == (FIXTURES / "schema-0001.db").read_bytes()
    assert migrate.current_revision(db) == migrate.HEAD
    search = TraineeSearch(db)
    assert [r.name for r in search.page("𠇔")] == ["王𠇔"]
    assert [r.name for r in search.page("王𠇔")] == ["王𠇔"]  # name grams refilled by 0009
    with db.read() as s:  # 0009: the gram index keeps no copy of the names
        assert (
            s.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'trainee_name_grams_content'")
            ).scalar()
            == 0
        )
    assert search.totals() == {"active": 2, "inactive": 1, "outbox": 4}
    report = verify_chain(db)  # events written before the chain existed are chained by 0002
    assert report.ok and report.events == 5
    with pytest.raises(Exception, match="append-only"), db.write() as s:
        s.execute(text("UPDATE audit_event SET actor = 'x'"))
    db.dispose()
