"""Every message that reaches the user is Chinese: failing command-line calls (real processes,
real files) and the reasons the program gives for the operating system's and parsers' failures.

A message may name files, options, commands and a few technical words (JSON, UTF-8 …); any
other Latin word left in it is English that reached the user.
"""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import pytest

from jiangxin_desktop.errors import describe_error, describe_json_error, describe_os_error
from tests.integration.cli_runner import run

# Words a Chinese message may carry: formats, products and names a clerk sees on the screen.
ALLOWED = {
    "json", "utf", "toml", "pem", "png", "jpeg", "base64", "aes", "gcm", "sqlite", "sqlcipher",
    "scrypt", "ed25519", "qr", "id", "usb", "excel", "wps", "csv", "xlsx", "pdf", "jx1", "mm",
    "ok", "format", "scheme", "kdf", "cipher", "nonce", "salt", "wrapped", "service", "account",
    "version", "projects", "occupations", "institutions", "rules", "keyring", "passphrase",
}


def _command_words() -> set[str]:
    """Every command and sub-command name of the program's own parser (they appear in hints)."""
    import argparse

    from jiangxin_desktop.cli.main import build_parser

    words: set[str] = set()
    todo = [build_parser()]
    while todo:
        parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    words.update(name.split("-"))
                    todo.append(sub)
    return words


COMMAND_WORDS = _command_words() | {"jiangxin", "desktop"}


def english_left(message: str) -> list[str]:
    """The Latin words of ``message`` that are neither a path, an option, a command nor allowed."""
    text = re.sub(r"\S*[/\\]\S*", " ", message)  # paths
    text = re.sub(r"[\w.-]+\.(json|db|xlsx|xls|ods|csv|pdf|toml|pem|txt|png|jpg)\b", " ", text, flags=re.I)
    text = re.sub(r"--[a-z][a-z-]*", " ", text)  # options
    text = re.sub(r"\b[A-Z][A-Z0-9_]{3,}\b", " ", text)  # environment variables, codes
    text = re.sub(r"\b\w+\.\w+(\.\w+)*\b", " ", text)  # setting keys, module-like names
    words = re.findall(r"[A-Za-z][A-Za-z']+", text)
    return [w for w in words if w.lower() not in ALLOWED and w.lower() not in COMMAND_WORDS]


def assert_chinese(message: str, where: str = "") -> None:
    assert re.search(r"[\u4e00-\u9fff]", message), f"{where}: no Chinese in {message!r}"
    assert not english_left(message), f"{where}: English {english_left(message)} in {message!r}"


def test_the_checker_catches_english():
    assert english_left("备份没有完成：No space left on device。") == ["No", "space", "left", "on", "device"]
    assert english_left("无法读取 a.json：Expecting value: line 1 column 1 (char 0)")
    assert not english_left("请运行 jiangxin-desktop backup restore 备份文件.json --data-dir /tmp/x（JSON）")


@pytest.mark.parametrize("code", sorted(errno.errorcode))
def test_every_operating_system_reason_is_chinese(code):
    assert_chinese(describe_os_error(OSError(code, "English text from the C library")), errno.errorcode[code])


def test_parser_reasons_are_chinese():
    with pytest.raises(ValueError) as bad_json:
        json.loads('{"a": }')
    assert_chinese(describe_json_error(bad_json.value))
    with pytest.raises(UnicodeDecodeError) as bad_text:
        b"\xff\xfe\x00".decode("utf-8")
    assert_chinese(describe_error(bad_text.value))
    assert_chinese(describe_error(TypeError("'int' object is not iterable")))


@pytest.fixture(scope="module")
def station(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("zh") / "d"
    run("demo", "--trainees", "5", "--data-dir", str(data), check=True)
    return data


def _class_code(data: Path) -> str:
    listed = run("class", "list", "--data-dir", str(data), "--json", check=True)
    return json.loads(listed.stdout.splitlines()[0])["code"]  # one JSON object per line


def test_failing_commands_say_why_in_chinese(station, tmp_path):
    """A set of calls that fail on real files; every error (stderr and --json) is Chinese."""
    folder = tmp_path / "文件夹"
    folder.mkdir()
    (tmp_path / "bad.json").write_text("not json {")
    (tmp_path / "latin1.txt").write_bytes("告知".encode("gb18030"))
    (tmp_path / "fake.xlsx").write_bytes(b"this is not a workbook")
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "bad.toml").write_text("title = 没有引号\n")
    code = _class_code(station)
    consent = ["settings", "consent", "--title", "告知", "--text-file"]
    backup_env = {"JIANGXIN_BACKUP_PASSPHRASE": "backup-passphrase-1"}
    calls = [
        (["roster", "import", str(tmp_path / "missing.xlsx"), "--class", code], "clerk", None),
        (["roster", "import", str(folder), "--class", code], "clerk", None),
        (["roster", "import", str(tmp_path / "fake.xlsx"), "--class", code], "clerk", None),
        (["catalog", "import", str(tmp_path / "bad.json")], "admin", None),
        (["catalog", "import", str(folder)], "admin", None),
        ([*consent, str(tmp_path / "missing.txt")], "admin", None),
        ([*consent, str(folder)], "admin", None),
        ([*consent, str(tmp_path / "latin1.txt")], "admin", None),
        (["settings", "set", "backup.keep", "很多"], "admin", None),
        (["settings", "set", "backup.daily_at", "25:99"], "admin", None),
        (["settings", "set", "backup.folder", "relative"], "admin", None),
        (["settings", "set", "no.such.setting", "1"], "admin", None),
        (["backup", "verify", str(tmp_path / "missing.json")], "clerk", None),
        (["backup", "verify", str(tmp_path / "bad.json")], "clerk", None),
        (["backup", "verify", str(folder)], "clerk", None),
        (["backup", "create", "--to", str(tmp_path / "a-file" / "sub")], "admin", backup_env),
        (["certificate", "verify", "JX1:AAAA", "--public-key", str(tmp_path / "no.pem")], "clerk", None),
        (["certificate", "verify", "JX1:AAAA", "--public-key", str(folder)], "clerk", None),
        (["print", "roster", "--class", code, "--out", str(tmp_path / "a-file" / "x.pdf")], "reviewer", None),
        (["print", "signin", "--class", code, "--session", "1", "--out", str(tmp_path / "s.pdf"),
          "--template", str(tmp_path / "bad.toml")], "clerk", None),
        (["class", "create", "--name", "测试班", "--sessions-file", str(tmp_path / "no.csv")], "clerk", None),
        (["trainee", "add", "--name", "李四", "--id", "12345", "--consent"], "clerk", None),
        (["user", "add", "lisi", "--name", "李四", "--role", "clerk"], "admin", {"JIANGXIN_NEW_PASSWORD": "1"}),
        (["trainee", "find", "李"], "nobody", None),
        (["status"], "clerk", {"JIANGXIN_PASSPHRASE": "wrong-passphrase"}),
    ]
    for args, user, env in calls:
        done = run(*args, "--data-dir", str(station), "--json", user=user, env_extra=env)
        where = " ".join(args)
        assert done.returncode != 0, where
        assert done.returncode != 70 and "Traceback" not in done.stderr, (where, done.stderr)
        message = json.loads(done.stdout.splitlines()[-1])["error"]
        assert_chinese(message, where)
        assert_chinese(done.stderr.strip(), where)


def test_the_self_test_reports_in_chinese():
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "jiangxin_desktop", "--self-test"],
        capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "自检通过（SELF-TEST OK）"  # the build's smoke test still finds its words
    for line in lines:
        assert re.search(r"[\u4e00-\u9fff]", line), line
