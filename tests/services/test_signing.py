"""The station's Ed25519 signing key on real encrypted databases."""

from __future__ import annotations

import base64
import json
import secrets

import pytest
from sqlalchemy import delete, select, text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.database_files import restore_database
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup import create_backup
from jiangxin_desktop.services.security.signing import (
    StationSigner,
    active_public_key,
    key_id_for,
    unwrap_private_key,
    verify,
)
from jiangxin_desktop.store.models import AuditEvent, SigningKey

MESSAGE = "证书 JX-2025-000123 张三 合格".encode()


def no_passphrase(new: bool) -> str:
    raise AssertionError("the in-memory keyring should make a passphrase unnecessary")


def test_sign_and_verify_with_the_public_key_in_any_form(demo_context):
    signer = StationSigner.load(demo_context.db)
    signature = signer.sign(MESSAGE)
    assert len(signature) == 64
    assert verify(signer.public_key_pem(), MESSAGE, signature)
    assert verify(signer.public_key_b64, MESSAGE, signature)
    assert verify(signer.public_key_raw, MESSAGE, signature)
    assert signer.key_id == key_id_for(signer.public_key_raw) and len(signer.key_id) == 16


def test_a_tampered_message_or_signature_fails(demo_context):
    signer = StationSigner.load(demo_context.db)
    signature = signer.sign(MESSAGE)
    assert not verify(signer.public_key_pem(), MESSAGE.replace("合格".encode(), "优秀".encode()), signature)
    broken = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify(signer.public_key_pem(), MESSAGE, broken)
    with pytest.raises(KnownError, match="公钥格式无法识别"):
        verify("not a key", MESSAGE, signature)


def test_the_private_key_is_stored_wrapped_and_audited_without_it(demo_context):
    signer = StationSigner.load(demo_context.db)
    raw_private = signer._private_key.private_bytes_raw()
    with demo_context.db.read() as s:
        row = s.scalars(select(SigningKey)).one()
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "signing_key.create")).all()
    stored = row.private_key_wrapped
    assert raw_private not in stored.encode()
    assert base64.b64encode(raw_private).decode() not in stored
    assert raw_private.hex() not in stored
    assert json.loads(stored)["cipher"] == "AES-256-GCM"
    assert row.public_key == signer.public_key_b64 and row.algorithm == "Ed25519"
    assert len(events) == 1 and events[0].object_id == signer.key_id
    assert base64.b64encode(raw_private).decode() not in (events[0].after_json or "")
    assert "private" not in (events[0].after_json or "")


def test_another_database_key_cannot_unwrap_it(demo_context):
    with demo_context.db.read() as s:
        row = s.scalars(select(SigningKey)).one()
    assert unwrap_private_key(row.private_key_wrapped, demo_context.db.key, row.key_id)
    with pytest.raises(KnownError, match="无法解开服务站签名密钥"):
        unwrap_private_key(row.private_key_wrapped, secrets.token_bytes(32), row.key_id)
    with pytest.raises(KnownError, match="无法解开"):  # moved to another row: the key id is bound in
        unwrap_private_key(row.private_key_wrapped, demo_context.db.key, "0123456789abcdef")


def test_a_second_key_is_refused(demo_context):
    with pytest.raises(KnownError, match="已有签名密钥"):
        StationSigner.create(demo_context.db, "admin")


def test_a_database_without_a_key_gets_one_on_the_next_open(demo_context):
    """As a database migrated from 0003, or a demo database made before signing keys."""
    paths, db = demo_context.paths, demo_context.db
    with db.write() as s:
        s.execute(delete(SigningKey))
    demo_context.close()
    ctx = open_context(paths, no_passphrase)
    try:
        key = active_public_key(ctx.db)
        assert key is not None and key.created_by == "system"
        with ctx.db.read() as s:
            actors = s.execute(
                text("SELECT actor FROM audit_event WHERE action = 'signing_key.create' ORDER BY seq")
            ).scalars()
            assert list(actors)[-1] == "system"
        assert StationSigner.load(ctx.db).key_id == key.key_id
    finally:
        ctx.close()
    again = open_context(paths, no_passphrase)  # the next open keeps it
    try:
        assert active_public_key(again.db) == key
    finally:
        again.close()


def test_backup_and_restore_keep_the_signing_key(demo_context, tmp_path):
    before = StationSigner.load(demo_context.db)
    signature = before.sign(MESSAGE)
    info = create_backup(
        demo_context.db,
        tmp_path / "usb",
        station_code=demo_context.station.code,
        passphrase="backup-pass-1",
        actor="test",
    )
    paths = demo_context.paths
    demo_context.close()
    manifest = tmp_path / "usb" / f"{info.database[:-3]}.json"
    restore_database(paths, manifest, "backup-pass-1", no_passphrase)
    ctx = open_context(paths, no_passphrase)
    try:
        after = StationSigner.load(ctx.db)
        assert after.key_id == before.key_id and after.public_key_pem() == before.public_key_pem()
        assert verify(after.public_key_b64, MESSAGE, signature)
        assert verify(before.public_key_b64, MESSAGE, after.sign(MESSAGE))
    finally:
        ctx.close()


def test_a_database_from_the_first_release_gets_a_key_when_opened(tmp_path):
    """The schema-0001 fixture, migrated to head and opened: signed, audited, chain intact."""
    import shutil
    from pathlib import Path

    from jiangxin_desktop.context import build_context
    from jiangxin_desktop.paths import DataPaths
    from jiangxin_desktop.services.audit.trail import verify_chain
    from jiangxin_desktop.store import migrate
    from jiangxin_desktop.store.database import Database

    fixture = Path(__file__).parents[1] / "fixtures" / "schema-0001.db"
    paths = DataPaths(tmp_path)
    shutil.copy(fixture, paths.database)
    db = Database(paths.database, bytes.fromhex("0001" * 16))
    try:
        migrate.upgrade(db, paths.migration_backups)
        assert active_public_key(db) is None
        build_context(paths, db)
        key = active_public_key(db)
        assert key is not None and key.created_by == "system"
        assert verify(key.public_key, MESSAGE, StationSigner.load(db).sign(MESSAGE))
        report = verify_chain(db)
        # five events from the first release, then the new signing key, the shipped catalog, and
        # this release's code lists (the first release's copy lacks the aliases added since)
        assert report.ok and report.events == 8
    finally:
        db.dispose()
