"""The command line as a script would use it, on a real encrypted database: in this process
(``cli_runner.run``) unless the process itself is under test (``run_process``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from jiangxin_desktop.services.demo.seed import id_with_check
from tests.integration.cli_runner import run, run_process

VALID = id_with_check("32070319800101001")


def test_check_id_json_lines_and_exit_codes():
    """Through ``python -m jiangxin_desktop``: the exit status is the process's."""
    ok = run_process(
        "check-id",
        VALID,
        VALID.replace("320703", "810000")[:-1] + id_with_check("81000019800101001")[-1],
        "--json",
    )
    assert ok.returncode == 0, ok.stderr
    first = json.loads(ok.stdout.splitlines()[0])
    assert first == {
        "input": VALID,
        "valid": True,
        "id_number": VALID,
        "birth_date": "1980-01-01",
        "sex": "男",
        "message": None,
    }
    bad = run_process("check-id", VALID, "3.20703E+17", "--json")
    assert bad.returncode == 1
    lines = [json.loads(x) for x in bad.stdout.splitlines()]
    assert [x["valid"] for x in lines] == [True, False]
    assert "科学计数法" in lines[1]["message"]


def test_demo_add_find_status(tmp_path):
    data = str(tmp_path / "d")
    demo = run("demo", "--trainees", "500", "--data-dir", data, "--json", check=True)
    assert json.loads(demo.stdout)["trainees"] == 500
    assert json.loads((tmp_path / "d" / "key.json").read_text())["scheme"] == "passphrase"

    add = ["trainee", "add", "--name", "李四", "--phone", "13900001111", "--target-group", "失业人员"]
    added = run(*add, "--id", VALID.lower(), "--consent", "--data-dir", data, "--json")
    assert added.returncode == 0, added.stderr
    record = json.loads(added.stdout)
    assert record["id_number"] == "320703********" + VALID[-4:]

    again = run(*add, "--id", VALID, "--consent", "--data-dir", data, "--json")
    assert again.returncode == 3
    assert json.loads(again.stdout)["existing"]["uuid"] == record["uuid"]

    found = run("trainee", "find", "李四", "--data-dir", data, "--json", check=True)
    assert record["uuid"] in [json.loads(x)["uuid"] for x in found.stdout.splitlines()]

    status = json.loads(run("status", "--data-dir", data, "--json", check=True).stdout)
    assert status["active"] == 502 and status["demo"] is True  # 500, the demo's 李玥, and 李四
    before_subcommand = run("--data-dir", data, "--json", "status", check=True)
    assert json.loads(before_subcommand.stdout) == status


def demo_with_one_trainee(data: str) -> None:
    run("demo", "--trainees", "5", "--no-classes", "--data-dir", data, check=True)
    add = [
        "trainee",
        "add",
        "--name",
        "王五",
        "--id",
        VALID,
        "--phone",
        "13900002222",
        "--target-group",
        "31",
    ]
    run(*add, "--consent", "--data-dir", data, check=True)


def test_edit_show_deactivate_reactivate(tmp_path):
    data = str(tmp_path / "d")
    demo_with_one_trainee(data)

    edited = json.loads(
        run(
            "trainee",
            "edit",
            VALID,
            "--phone",
            "13900003333",
            "--education",
            "大学本科",
            "--data-dir",
            data,
            "--json",
            check=True,
        ).stdout
    )
    assert (edited["name"], edited["version"], edited["phone"]) == ("王五", 2, "139****3333")
    assert edited["education"] == "20"

    masked = json.loads(run("trainee", "show", VALID, "--data-dir", data, "--json", check=True).stdout)
    assert masked["id_number"] != VALID
    full = json.loads(
        run(
            "trainee", "show", VALID, "--reveal", "--data-dir", data, "--json", check=True, user="reviewer"
        ).stdout
    )
    assert (full["id_number"], full["phone"]) == (VALID, "13900003333")

    gone = run(
        "trainee", "deactivate", VALID, "--reason", "重复登记", "--data-dir", data, "--json", check=True
    )
    assert json.loads(gone.stdout)["active"] is False
    back = run("trainee", "reactivate", VALID, "--data-dir", data, "--json", check=True, user="reviewer")
    assert json.loads(back.stdout)["active"] is True
    twice = run("trainee", "reactivate", VALID, "--data-dir", data, user="reviewer")
    assert twice.returncode == 2 and "没有注销" in twice.stderr


def test_wrong_passphrase_is_a_message_not_a_traceback(tmp_path):
    data = str(tmp_path / "d")
    run("demo", "--trainees", "5", "--no-classes", "--data-dir", data, check=True)
    out = run("status", "--data-dir", data, env_extra={"JIANGXIN_PASSPHRASE": "wrong-passphrase"})
    assert out.returncode == 2
    assert "口令不正确" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("args", [["status"], ["trainee", "find", "x"]])
def test_missing_database_is_explained(tmp_path, args):
    out = run(*args, "--data-dir", str(tmp_path / "empty"))
    assert out.returncode == 2 and "还没有数据库" in out.stderr
    assert not (tmp_path / "empty").exists()  # looking does not create folders


def test_the_command_line_itself_speaks_chinese(tmp_path):
    help_text = run("roster", "import", "-h", check=True).stdout
    assert help_text.startswith("用法：jiangxin-desktop roster import")
    assert "\n选项：\n" in help_text and "显示本帮助并退出" in help_text and "以 JSON 输出" in help_text
    assert "show this help" not in help_text and "usage:" not in help_text
    missing = run("roster", "template", "--json", "--data-dir", str(tmp_path / "d"))
    assert missing.returncode == 2
    assert json.loads(missing.stdout) == {
        "error": "缺少必填参数：--out（运行 jiangxin-desktop roster template -h 查看用法）"
    }
    typo = run("clas", "list")
    assert typo.returncode == 2 and typo.stdout == ""
    assert typo.stderr.startswith("错误：命令：'clas' 不是可选的值，请从 'check-id'")
    wrong_type = run("demo", "--trainees", "many", "--data-dir", str(tmp_path / "d"))
    assert "--trainees：“many”不是整数，请填写数字" in wrong_type.stderr
    assert not (tmp_path / "d").exists()  # nothing ran


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    """``jiangxin-desktop … --json | head``: the reader may be gone before the program writes."""
    env = {**os.environ, "JIANGXIN_PASSPHRASE": "", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    for args, status in (
        (["check-id", VALID, "--json"], 0),  # a result
        (["demo", "--data-dir", str(tmp_path / "d"), "--json"], 2),  # an error (no passphrase)
    ):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "jiangxin_desktop", *args],
                stdout=write_end,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                env=env,
                timeout=120,
            )
        finally:
            os.close(write_end)
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
        assert (status == 0) == (done.stderr == "")
    assert "请设置环境变量 JIANGXIN_PASSPHRASE" in done.stderr


def test_audit_verify_names_the_first_broken_link(tmp_path):
    from sqlalchemy import text

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.paths import DataPaths

    data = tmp_path / "d"
    demo_with_one_trainee(str(data))
    ok = run("audit", "verify", "--data-dir", str(data), "--json", user="reviewer")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["ok"] is True and json.loads(ok.stdout)["first_broken"] is None

    ctx = open_context(DataPaths(data), lambda new: "cli-test-passphrase")
    with ctx.db.write() as s:  # someone with the key edits the trail in a SQLite shell
        s.execute(text("DROP TRIGGER audit_event_no_update"))
        s.execute(text("UPDATE audit_event SET after_json = '{}' WHERE action = 'demo.seed'"))
        seeded = s.execute(text("SELECT seq FROM audit_event WHERE action = 'demo.seed'")).scalar_one()
    ctx.close()
    broken = run("audit", "verify", "--data-dir", str(data), "--json", user="reviewer")
    assert broken.returncode == 1
    report = json.loads(broken.stdout)
    assert report["ok"] is False and report["first_broken"]["seq"] == seeded
    assert report["first_broken"]["action"] == "demo.seed" and "被修改" in report["first_broken"]["reason"]


def test_commands_on_personal_data_need_a_user_and_a_role(tmp_path):
    data = str(tmp_path / "d")
    demo = json.loads(
        run("demo", "--trainees", "5", "--no-classes", "--data-dir", data, "--json", check=True).stdout
    )
    assert demo["users"] == ["admin", "reviewer", "clerk"]
    no_password = {"JIANGXIN_PASSWORD": None}
    nobody = run("trainee", "find", "王", "--data-dir", data, user=None, env_extra=no_password)
    assert nobody.returncode == 2 and "--user" in nobody.stderr
    wrong = run("trainee", "find", "王", "--data-dir", data, env_extra={"JIANGXIN_PASSWORD": "Wrong-pass-1"})
    assert wrong.returncode == 2 and "用户名或密码不正确" in wrong.stderr
    clerk_reveal = run("trainee", "show", VALID, "--reveal", "--data-dir", data)
    assert clerk_reveal.returncode == 2
    clerk_audit = run("audit", "verify", "--data-dir", data)
    assert clerk_audit.returncode == 2 and "审核人或管理员" in clerk_audit.stderr


def test_accounts_from_the_command_line(tmp_path):
    data = ["--data-dir", str(tmp_path / "d")]
    run("demo", "--trainees", "5", "--no-classes", *data, check=True)

    def as_admin(*args, new=None):
        return run(
            "user", *args, *data, "--json", user="admin", env_extra={"JIANGXIN_NEW_PASSWORD": new or ""}
        )

    added = as_admin("add", "lisi", "--name", "李四", "--role", "clerk", new="Temp#2026a")
    assert added.returncode == 0, added.stderr

    refused = run(
        "user", "reset", "lisi", *data, "--json", env_extra={"JIANGXIN_NEW_PASSWORD": "Reset#2026b"}
    )
    assert refused.returncode == 2 and "“重置密码”需要管理员权限" in json.loads(refused.stdout)["error"]

    reset = json.loads(as_admin("reset", "clerk", new="Reset#2026b").stdout)
    assert (reset["username"], reset["must_change_password"]) == ("clerk", True)
    old = run("trainee", "find", "王", *data)
    assert old.returncode == 2 and "用户名或密码不正确" in old.stderr
    missing = run("user", "passwd", *data, env_extra={"JIANGXIN_PASSWORD": "Reset#2026b"})
    assert missing.returncode == 2 and "JIANGXIN_NEW_PASSWORD" in missing.stderr
    changed = run(
        "user",
        "passwd",
        *data,
        "--json",
        env_extra={"JIANGXIN_PASSWORD": "Reset#2026b", "JIANGXIN_NEW_PASSWORD": "Mine#2026c"},
    )
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["must_change_password"] is False
    assert run("trainee", "find", "王", *data, env_extra={"JIANGXIN_PASSWORD": "Mine#2026c"}).returncode == 0

    role = json.loads(as_admin("role", "clerk", "reviewer").stdout)
    assert (role["role"], role["role_label"]) == ("reviewer", "审核人")
    last = as_admin("role", "admin", "clerk")
    assert last.returncode == 2 and "最后一个在用的管理员" in last.stderr

    assert json.loads(as_admin("deactivate", "lisi").stdout)["active"] is False
    gone = run("trainee", "find", "王", *data, user="lisi", env_extra={"JIANGXIN_PASSWORD": "Temp#2026a"})
    assert gone.returncode == 2 and "已停用" in gone.stderr
    assert json.loads(as_admin("reactivate", "lisi").stdout)["active"] is True

    listed = {u["username"]: u for u in map(json.loads, as_admin("list").stdout.splitlines())}
    assert (listed["clerk"]["role"], listed["clerk"]["last_login_at"] is not None) == ("reviewer", True)
    assert (listed["lisi"]["active"], listed["lisi"]["must_change_password"]) == (True, True)
    text = run("user", "list", *data, user="admin").stdout
    assert "lisi\t李四\t经办人\t需改密码" in text


SETUP = ["setup", "--county", "320707", "--station-name", "青口镇人社服务站", "--station-code", "320707101"]


def test_setup_makes_a_real_station_and_station_show_needs_no_login(tmp_path):
    data = str(tmp_path / "d")
    admin = {"JIANGXIN_NEW_PASSWORD": "Admin-pass-2025"}
    made = run(
        *SETUP, "--admin", "wangzz", "--admin-name", "王主任", "--data-dir", data, "--json", env_extra=admin
    )
    assert made.returncode == 0, made.stderr
    result = json.loads(made.stdout)
    assert result["station"]["county"] == "赣榆区" and result["admin"]["username"] == "wangzz"
    key_id = result["signing_key"]["key_id"]
    assert len(key_id) == 16 and result["signing_key"]["algorithm"] == "Ed25519"

    # A fresh process with no account password in its environment reads the new station.
    env = {**os.environ, "JIANGXIN_PASSPHRASE": "cli-test-passphrase"}
    env.update(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env.pop("JIANGXIN_PASSWORD", None)
    shown = subprocess.run(
        [sys.executable, "-m", "jiangxin_desktop", "station", "show", "--data-dir", data, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    station = json.loads(shown.stdout)
    assert (station["code"], station["county"], station["demo"]) == ("320707101", "赣榆区", False)
    assert station["signing_key"]["key_id"] == key_id
    assert station["signing_key"]["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")

    users = run(
        "user",
        "list",
        "--data-dir",
        data,
        "--json",
        user="wangzz",
        env_extra={"JIANGXIN_PASSWORD": "Admin-pass-2025"},
    )
    assert users.returncode == 0, users.stderr
    assert [json.loads(x)["role"] for x in users.stdout.splitlines()] == ["admin"]
    again = run(*SETUP, "--admin", "other", "--data-dir", data, env_extra=admin)
    assert again.returncode == 2 and "已有数据库" in again.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--county", "320799"], "320706 海州区"),  # lists the valid choices
        (["--station-code", "32-07"], "6–20 位"),
        (["--admin", "王"], "用户名"),
    ],
)
def test_setup_refuses_bad_input_and_leaves_nothing(tmp_path, change, message):
    args = [*SETUP, "--admin", "wangzz"]
    flag = change[0]
    args[args.index(flag) + 1] = change[1]
    out = run(
        *args, "--data-dir", str(tmp_path / "d"), env_extra={"JIANGXIN_NEW_PASSWORD": "Admin-pass-2025"}
    )
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "d").exists()


def test_weak_password_and_init_alias(tmp_path):
    data = str(tmp_path / "d")
    weak = run(
        *SETUP, "--admin", "wangzz", "--data-dir", data, env_extra={"JIANGXIN_NEW_PASSWORD": "password"}
    )
    assert weak.returncode == 2 and "至少 3 类" in weak.stderr
    assert not (tmp_path / "d" / "jiangxin.db").exists() and not (tmp_path / "d" / "key.json").exists()
    # `init` is the older name; it also takes the password from JIANGXIN_PASSWORD as it used to.
    init = ["init", *SETUP[1:], "--admin", "wangzz", "--data-dir", data, "--json"]
    made = run(*init, env_extra={"JIANGXIN_PASSWORD": "Admin-pass-2025"})
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["station"]["code"] == "320707101"


def test_demo_database_has_a_signing_key(tmp_path):
    data = str(tmp_path / "d")
    run("demo", "--trainees", "5", "--no-classes", "--data-dir", data, check=True)
    station = json.loads(run("station", "show", "--data-dir", data, "--json", check=True).stdout)
    assert station["demo"] is True and len(station["signing_key"]["key_id"]) == 16
