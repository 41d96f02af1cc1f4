"""Administrator settings, the scheduled backup and the retention rule from the command line."""

from __future__ import annotations

import json

from tests.integration.cli_runner import run


def out(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_settings_scheduled_backup_and_retention(tmp_path):
    data = str(tmp_path / "d")
    usb = tmp_path / "usb" / "匠心备份"
    out(run("demo", "--trainees", "5", "--no-classes", "--data-dir", data, "--json"))

    shown = out(run("settings", "show", "--data-dir", data, "--json"))
    assert shown["retention.inactive_years"] == 5 and shown["backup.key"] is False

    refused = run("settings", "set", "backup.keep", "7", "--data-dir", data, "--json", user="clerk")
    assert refused.returncode != 0 and "管理员" in json.loads(refused.stdout)["error"]
    bad = run("settings", "set", "backup.daily_at", "9点", "--data-dir", data, "--json", user="admin")
    assert bad.returncode != 0 and "每日备份时间" in json.loads(bad.stdout)["error"]

    not_ready = run("backup", "scheduled", "--data-dir", data, "--json")
    assert not_ready.returncode != 0 and "尚未设置定时备份" in json.loads(not_ready.stdout)["error"]

    secret = {"JIANGXIN_BACKUP_PASSPHRASE": "usb-backup-pass"}
    out(run("settings", "backup-passphrase", "--data-dir", data, "--json", user="admin", env_extra=secret))
    out(run("settings", "set", "backup.folder", str(usb), "--data-dir", data, "--json", user="admin"))
    done = out(run("backup", "scheduled", "--data-dir", data, "--json"))  # no login, no passphrase
    assert done["ok"] and done["due"]
    again = out(run("backup", "scheduled", "--data-dir", data, "--json"))
    assert again == {"due": False}
    verified = out(run("backup", "verify", done["manifest"], "--open", "--json", env_extra=secret))
    assert verified["ok"] and verified["opened"]

    text = tmp_path / "consent.txt"
    text.write_text(
        "本站为办理培训补贴收集您的姓名、身份证号码和手机号码，保存五年后匿名化处理。", encoding="utf-8"
    )
    notice = out(
        run(
            "settings",
            "consent",
            "--title",
            "告知（新）",
            "--text-file",
            str(text),
            "--data-dir",
            data,
            "--json",
            user="admin",
        )
    )
    assert notice["text"].startswith("本站为办理") and notice["version"] != "2025.1"

    preview = out(run("retention", "preview", "--data-dir", data, "--json", user="admin"))
    assert preview == {**preview, "applied": False, "years": 5, "due": 0}
    applied = out(run("retention", "run", "--data-dir", data, "--json", user="admin"))
    assert applied["applied"] is True
    assert out(run("audit", "verify", "--data-dir", data, "--json", user="admin"))["ok"]
