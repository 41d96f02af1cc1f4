"""A damaged, hostile or replaced key.json, as a clerk meets it on the command line."""

from __future__ import annotations

import base64
import json
import shutil
import time
from pathlib import Path

import pytest

from tests.integration.cli_runner import run

PASSPHRASE = "cli-test-passphrase"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("keys") / "d"
    run("demo", "--trainees", "5", "--no-classes", "--data-dir", str(data), check=True)
    return data


@pytest.fixture
def data(demo_dir, tmp_path) -> Path:
    copy = tmp_path / "d"
    shutil.copytree(demo_dir, copy)
    return copy


def _key_file(data: Path) -> dict:
    return json.loads((data / "key.json").read_text())


def _kdf(**changes):
    def edit(d: dict) -> None:
        d["kdf"].update(changes)

    return edit


def _drop(*path: str):
    def edit(d: dict) -> None:
        target = d
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return edit


def _set(field: str, value):
    def edit(d: dict) -> None:
        d[field] = value

    return edit


HOSTILE = {
    "not JSON": b"\x00\xffgarbage{",
    "a list": b"[1, 2, 3]",
    "empty object": b"{}",
    "n = 2^40": _kdf(n=2**40),
    "n not a power of two": _kdf(n=100_000),
    "n as text": _kdf(n="131072"),
    "r = 2^30": _kdf(r=2**30),
    "p = 64": _kdf(p=64),
    "n true": _kdf(n=True),
    "no nonce": _drop("nonce"),
    "no salt": _drop("kdf", "salt"),
    "no kdf": _drop("kdf"),
    "salt not base64": _kdf(salt="***"),
    "wrapped too short": _set("wrapped", base64.b64encode(b"x" * 8).decode()),
    "nonce a number": _set("nonce", 12),
    "unknown scheme": _set("scheme", "plaintext"),
    "keyring without account": lambda d: d.clear() or d.update(format=1, scheme="keyring", service="x"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_damaged_or_hostile_key_file_is_bad_input_with_advice(data, name):
    variant = HOSTILE[name]
    if isinstance(variant, bytes):
        (data / "key.json").write_bytes(variant)
    else:
        descriptor = _key_file(data)
        variant(descriptor)
        (data / "key.json").write_text(json.dumps(descriptor))
    started = time.monotonic()
    out = run("status", "--data-dir", str(data), "--json")
    assert time.monotonic() - started < 30  # no gigabytes of scrypt memory, no minutes of work
    assert out.returncode == 2, (name, out.stderr)
    message = json.loads(out.stdout)["error"]
    assert "key.json" in message and "已损坏或被改动" in message
    assert "jiangxin-desktop backup restore" in message and "备份口令" in message
    assert "口令不正确" not in message and "内部错误" not in message
    assert "Traceback" not in out.stderr
    assert not (data / "crash-reports").exists()


def test_a_replaced_key_is_told_apart_from_a_wrong_passphrase(data, tmp_path):
    other = tmp_path / "other"
    run("demo", "--trainees", "1", "--no-classes", "--data-dir", str(other), check=True)
    shutil.copy(other / "key.json", data / "key.json")  # same passphrase, another database's key
    out = run("status", "--data-dir", str(data), "--json")
    assert out.returncode == 2
    message = json.loads(out.stdout)["error"]
    assert "不匹配" in message and "口令无误" in message and "口令不正确" not in message
    assert "jiangxin-desktop backup restore" in message
    wrong = run("status", "--data-dir", str(data), env_extra={"JIANGXIN_PASSPHRASE": "wrong-passphrase"})
    assert wrong.returncode == 2 and "口令不正确" in wrong.stderr


def test_a_missing_key_file_gives_the_same_advice(data):
    (data / "key.json").unlink()
    out = run("status", "--data-dir", str(data))
    assert out.returncode == 2 and "缺少密钥说明文件" in out.stderr
    assert "jiangxin-desktop backup restore" in out.stderr


def test_the_advice_works_a_backup_restores_a_database_whose_key_file_is_damaged(data, tmp_path):
    """The clerk follows the message: restore with the backup passphrase; no login is possible."""
    backups = tmp_path / "u盘"
    env = {"JIANGXIN_BACKUP_PASSPHRASE": "backup-passphrase-1"}
    made = run("backup", "create", "--to", str(backups), "--data-dir", str(data), "--json",
               user="admin", env_extra=env)
    assert made.returncode == 0, made.stderr
    manifest = json.loads(made.stdout)["manifest"]
    (data / "key.json").write_text('{"format": 1, "scheme": "passphrase", "kdf": {"n": 1099511627776}}')
    broken = run("status", "--data-dir", str(data))
    assert broken.returncode == 2

    restored = run("backup", "restore", manifest, "--data-dir", str(data), "--json", env_extra=env)
    assert restored.returncode == 0, restored.stderr
    status = run("status", "--data-dir", str(data), "--json")
    assert status.returncode == 0, status.stderr
    assert list((data / "pre-restore").glob("key.json.*"))  # the damaged file is kept, not lost


def test_the_message_names_the_newest_backup_and_its_command_works(data):
    env = {"JIANGXIN_BACKUP_PASSPHRASE": "backup-passphrase-1"}
    made = run("backup", "create", "--data-dir", str(data), "--json", user="admin", env_extra=env)
    manifest = json.loads(made.stdout)["manifest"]  # in the data directory's backups folder
    (data / "key.json").write_text("{}")
    broken = run("status", "--data-dir", str(data), "--json")
    message = json.loads(broken.stdout)["error"]
    command = f'jiangxin-desktop backup restore "{manifest}"'
    assert broken.returncode == 2 and command in message and "最新的完好备份" in message
    restored = run("backup", "restore", manifest, "--data-dir", str(data), env_extra=env)
    assert restored.returncode == 0, restored.stderr


def test_a_hostile_wrapped_key_in_a_backup_manifest_is_refused_quickly(data, tmp_path):
    backups = tmp_path / "b"
    env = {"JIANGXIN_BACKUP_PASSPHRASE": "backup-passphrase-1"}
    made = run("backup", "create", "--to", str(backups), "--data-dir", str(data), "--json",
               user="admin", env_extra=env)
    manifest = Path(json.loads(made.stdout)["manifest"])
    content = json.loads(manifest.read_text())
    content["key"]["kdf"]["n"] = 2**40
    manifest.write_text(json.dumps(content))
    started = time.monotonic()
    out = run("backup", "verify", str(manifest), "--open", "--json", user=None,
              env_extra={"JIANGXIN_PASSPHRASE": None, "JIANGXIN_PASSWORD": None, **env})
    assert time.monotonic() - started < 30
    assert out.returncode == 2, out.stderr
    assert "scrypt 参数 n" in json.loads(out.stdout)["error"]


def _damage_early_pages(database: Path) -> None:
    """Overwrite part of pages 2-3 (the schema's first tables): the key still opens page 1."""
    with database.open("r+b") as f:
        f.seek(4096 + 100)
        f.write(bytes(range(256)) * 8)


def test_a_damaged_database_is_said_in_chinese_and_restored_without_a_login(data, tmp_path):
    """Damage that stops the database from opening: nobody can log in, so the backup passphrase decides."""
    env = {"JIANGXIN_BACKUP_PASSPHRASE": "backup-passphrase-1"}
    made = run("backup", "create", "--to", str(tmp_path / "b"), "--data-dir", str(data), "--json",
               user="admin", env_extra=env)
    assert made.returncode == 0, made.stderr
    manifest = json.loads(made.stdout)["manifest"]
    _damage_early_pages(data / "jiangxin.db")

    broken = run("status", "--data-dir", str(data), "--json")
    message = json.loads(broken.stdout)["error"]
    assert broken.returncode == 2, broken.stderr  # not an internal error (70)
    assert "已损坏，无法打开" in message and "jiangxin-desktop db check" in message
    assert "jiangxin-desktop backup restore" in message and "不需要登录" in message
    assert not list(data.glob("crash-reports/*"))  # no internal error was reported

    restored = run("backup", "restore", manifest, "--data-dir", str(data), "--json", user=None, env_extra=env)
    assert restored.returncode == 0, restored.stderr
    assert list((data / "pre-restore").glob("jiangxin*.db*"))  # the damaged file is kept, not lost
    events = run("audit", "list", "--data-dir", str(data), "--json", user="admin")
    assert events.returncode == 0, events.stderr
    restore = next(json.loads(line) for line in events.stdout.splitlines() if "backup.restore" in line)
    assert "已损坏" in json.dumps(restore, ensure_ascii=False)  # why no login was asked, on record


def test_an_administrator_restores_a_sound_database_and_the_log_names_them(data, tmp_path):
    env = {"JIANGXIN_BACKUP_PASSPHRASE": "backup-passphrase-1"}
    made = run("backup", "create", "--to", str(tmp_path / "b"), "--data-dir", str(data), "--json",
               user="admin", env_extra=env)
    manifest = json.loads(made.stdout)["manifest"]
    refused = run("backup", "restore", manifest, "--data-dir", str(data), "--json", user="clerk", env_extra=env)
    assert refused.returncode != 0 and "管理员" in json.loads(refused.stdout)["error"]
    restored = run("backup", "restore", manifest, "--data-dir", str(data), "--json", user="admin", env_extra=env)
    assert restored.returncode == 0, restored.stderr
    events = run("audit", "list", "--data-dir", str(data), "--json", user="admin")
    restore = next(json.loads(line) for line in events.stdout.splitlines() if "backup.restore" in line)
    assert '"admin"' in json.dumps(restore, ensure_ascii=False)
