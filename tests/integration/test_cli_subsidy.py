"""Subsidy claims from the command line, end to end with --json: check the demo's finished class,
create claims for one trainee and for the whole class, review, send back, withdraw, list, show."""

from __future__ import annotations

import json
import re

from tests.integration.cli_runner import run
from tests.integration.test_cli_classes import lines, out

CARD = "6222020200112233445"
KEYS = {"name", "id_masked", "eligible", "amount_fen", "standard_fen", "kind", "reasons", "claim_number",
        "claim_status"}


def refused(result, words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in json.loads(result.stdout)["error"], result.stdout


def test_claims_from_the_command_line(tmp_path):
    data = str(tmp_path / "d")

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", data, user=user)

    out(cli("demo", "--trainees", "30", "--json"))
    (finished,) = lines(cli("class", "list", "--status", "finished", "--json"))
    code = finished["code"]
    refused(cli("subsidy", "check", "--json"), "缺少 --class（班级编号）")
    before = lines(cli("subsidy", "check", "--class", code, "--json"))
    assert before and all(set(row) == KEYS for row in before)
    assert not any(row["eligible"] for row in before)  # no certificate yet
    assert all("证书：尚未发证" in row["reasons"] for row in before)
    out(cli("certificate", "issue", "--class", code, "--json"))

    rows = lines(cli("subsidy", "check", "--class", code, "--json"))
    assert len(rows) == len(before)
    rare = next(r for r in rows if r["name"] == "李玥")
    assert rare["id_masked"] == "320706********0021" and rare["eligible"]
    assert (rare["amount_fen"], rare["standard_fen"], rare["kind"]) == (65000, 65000, "level")
    assert "紧缺职业上浮：养老护理员是紧缺职业，上浮 30%：500 × 1.3 = 650 元" in rare["reasons"]
    blocked = [r for r in rows if not r["eligible"]]
    assert blocked and all(r["reasons"][0].split("：")[0] in {"出勤率", "结业考核"} for r in blocked)
    text = cli("subsidy", "check", "--class", code)
    assert text.returncode == 0 and "李玥\t320706********0021\t可以申请\t¥650.00" in text.stdout
    assert "为什么不能申请：" in text.stdout and f"可以申请 {len(rows) - len(blocked)} 人" in text.stdout

    # one trainee: an account that is no bank account is refused; the one given replaces the card on file
    refused(cli("claim", "create", "--class", code, "--id", "320706199803150021", "--account", "12345",
                "--json"), "收款账户")
    refused(cli("claim", "create", "--class", code, "--json"), "--id")
    one = out(cli("claim", "create", "--class", code, "--id", "320706199803150021", "--account", CARD,
                  "--bank", "中国工商银行", "--note", "首批", "--json"))
    (claim,) = one["created"]
    number = claim["number"]
    assert re.fullmatch(r"320706001-BT20\d\d-00001", number)
    assert (claim["status"], claim["status_label"], claim["amount_fen"]) == ("draft", "草稿", 65000)
    assert claim["payee_account_masked"] == "6222***********3445" and CARD not in json.dumps(one)
    again = cli("claim", "create", "--class", code, "--id", "320706199803150021", "--account", CARD, "--json")
    refused(again, "已有补贴申请")

    # the rest of the class, to a unit
    uscc = out(cli("catalog", "show", "--json", user="nobody"))["institutions"][0]["uscc"]
    unit = out(cli("claim", "create", "--class", code, "--all", "--payee", "unit", "--payee-name",
                   "连云港示例职业培训学校", "--account", "32001234567890", "--bank", "建设银行", "--uscc", uscc,
                   "--json"))
    assert len(unit["created"]) == len(rows) - len(blocked) - 1
    assert {c["payee_kind"] for c in unit["created"]} == {"unit"}
    skipped = {s["name"]: s["reasons"] for s in unit["skipped"]}
    assert skipped["李玥"] == [f"已有补贴申请 {number}（草稿）"]
    assert all(skipped[r["name"]] for r in blocked)

    # review: a reviewer's call; then locked, listed, shown with the explanation
    refused(cli("claim", "review", number, "--json"), "审核补贴申请")
    reviewed = out(cli("claim", "review", number, "--json", user="reviewer"))
    assert (reviewed["status"], reviewed["reviewed_by"]) == ("reviewed", "reviewer")
    listed = lines(cli("claim", "list", "--class", code, "--status", "reviewed", "--json"))
    assert [c["number"] for c in listed] == [number]
    assert len(lines(cli("claim", "list", "--status", "draft", "--json"))) == len(unit["created"])
    shown = out(cli("claim", "show", number, "--json"))
    assert shown["payee_account"] is None and shown["conflicts"] == []  # a clerk: masked account only
    assert out(cli("claim", "show", number, "--json", user="reviewer"))["payee_account"] == CARD
    assert any(x["rule"] == "出勤率" and x["ok"] for x in shown["gate_lines"])
    page = cli("claim", "show", number)
    assert page.returncode == 0
    for words in ("为什么是这个金额", "申请条件", "✓ 紧缺职业上浮", "大写金额：陆佰伍拾元整", "状态：已审核",
                  "收款账户：6222***********3445"):
        assert words in page.stdout, page.stdout

    # sent back, reviewed again, withdrawn; a correction only after the city returned a claim
    refused(cli("claim", "send-back", number, "--json", user="reviewer"), "退回原因")
    back = out(cli("claim", "send-back", number, "--reason", "账户待核实", "--json", user="reviewer"))
    assert (back["status"], back["note"]) == ("draft", "账户待核实")
    gone = out(cli("claim", "withdraw", number, "--reason", "重新填写", "--json", user="reviewer"))
    assert (gone["status"], gone["status_label"]) == ("withdrawn", "已撤回")
    refused(cli("claim", "correct", number, "--json"), "只有已退回的申请才能更正")
    refused(cli("claim", "show", "320706001-BT2026-99999", "--json"), "找不到补贴申请")
