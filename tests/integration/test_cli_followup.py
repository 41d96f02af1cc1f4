"""Follow-ups and 1131 services from the command line, end to end with --json: the demo's finished
class falls due, one follow-up recorded, refused, corrected and listed, more from a spreadsheet
(a dry run, a file with a problem, the real run), services recorded, listed and owed."""

from __future__ import annotations

import json

import openpyxl

from tests.integration.cli_runner import run
from tests.integration.test_cli_classes import lines, out

LI = "320706199803150021"  # 李玥, of the demo's finished class
DUE_KEYS = {"enrollment_uuid", "trainee_uuid", "trainee_name", "phone", "id_masked", "class_code", "class_name",
            "class_end", "period_months", "due_on", "overdue", "days_overdue", "last_outcome"}


def refused(result, words: str, code: int = 2) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert words in json.loads(result.stdout.splitlines()[-1])["error"], result.stdout


def sheet(path, rows):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号", "回访期", "回访结果", "用工形式", "月工资", "回访日期"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def test_followups_and_services_from_the_command_line(tmp_path):
    data = str(tmp_path / "d")

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", data, user=user)

    out(cli("demo", "--trainees", "30", "--json"))
    (finished,) = lines(cli("class", "list", "--status", "finished", "--json"))
    code = finished["code"]
    # the 3-month follow-ups of the class fall due within 60 days (the 6-month ones later), whatever today is
    due = [r for r in lines(cli("followup", "due", "--within", "60", "--json")) if r["class_code"] == code]
    assert due and all(set(r) == DUE_KEYS and r["period_months"] == 3 for r in due)
    assert {r["overdue"] for r in due} == {False}
    li = next(r for r in due if r["trainee_name"] == "李玥")
    assert li["id_masked"] == "320706********0021" and len(li["phone"]) == 11  # the clerk calls: in full

    refused(cli("followup", "record", "--id", LI, "--class", code, "--json"), "缺少 --period（回访期）")
    refused(cli("followup", "record", "--id", LI, "--class", code, "--period", "4", "--outcome", "就业",
                "--json"), "回访期：应为 3 个月、6 个月 之一")
    refused(cli("followup", "record", "--id", LI, "--class", code, "--period", "3", "--outcome", "搬砖",
                "--json"), "回访结果：“搬砖”不是可选的回访结果")
    refused(cli("followup", "record", "--id", LI, "--class", code, "--period", "3", "--outcome", "就业",
                "--on", "2999-01-01", "--json"), "回访日期：2999-01-01 晚于今天")
    record = out(cli("followup", "record", "--id", LI, "--class", code, "--period", "3", "--outcome", "就业",
                     "--employer", "连云港康养中心", "--contract", "劳动合同", "--wage", "3000–5000元", "--json"))
    assert (record["outcome"], record["contract_type"], record["wage_band"], record["version"]) == (
        "employed", "labour", "3000_5000", 1)
    after = [r for r in lines(cli("followup", "due", "--within", "60", "--json")) if r["class_code"] == code]
    assert len(after) == len(due) - 1 and "李玥" not in {r["trainee_name"] for r in after}
    fixed = out(cli("followup", "record", "--id", LI, "--class", code, "--period", "3", "--outcome", "灵活就业",
                    "--json", user="reviewer"))
    assert (fixed["outcome_label"], fixed["version"], fixed["recorded_by"]) == ("灵活就业", 2, "reviewer")
    text = cli("followup", "list", "--class", code)
    assert text.returncode == 0 and "李玥\t320706********0021\t3 个月\t灵活就业" in text.stdout
    assert [r["trainee_name"] for r in lines(cli("followup", "list", "--id", LI, "--json"))] == ["李玥"]

    # from a spreadsheet: two more people of the class
    roster = lines(cli("class", "roster", code, "--reveal", "--json", user="reviewer"))
    others = [r for r in roster if r["trainee_id_number"] != LI][:2]
    rows = [[r["trainee_name"], r["trainee_id_number"], "3个月", "未就业", None, None, li["class_end"]]
            for r in others]
    wrong = sheet(tmp_path / "错.xlsx", [*rows, ["无名氏", "110101199003074514", 3, "就业", None, None,
                                                  li["class_end"]]])
    bad = cli("followup", "import", wrong, "--class", code, "--json")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    report = json.loads(bad.stdout)
    assert report["written"] is False and [(e["row"], e["column"]) for e in report["errors"]] == [(4, "身份证号")]
    good = sheet(tmp_path / "回访.xlsx", rows)
    preview = out(cli("followup", "import", good, "--class", code, "--dry-run", "--json"))
    assert (preview["written"], preview["errors"], preview["rows"]) == (False, [], 2)
    done = out(cli("followup", "import", good, "--class", code, "--json"))
    assert (done["written"], done["recorded"]) == (True, 2)
    assert len(lines(cli("followup", "list", "--class", code, "--json"))) == 3

    # 1131 services
    refused(cli("service", "record", "--id", LI, "--kind", "面试", "--json"), "服务项目：“面试”不是可选的服务项目")
    given = out(cli("service", "record", "--id", LI, "--kind", "岗位推荐", "--details", "养老护理员",
                    "--employer", "连云港康养中心", "--json"))
    assert (given["kind"], given["kind_label"]) == ("referral", "岗位推荐")
    listed = out(cli("service", "list", "--id", LI, "--json"))
    assert len(listed["events"]) == 1 and listed["owed"]["referral"] == 2
    assert listed["owed_words"] == "还差：政策宣讲 1 次、职业指导 1 次、岗位推荐 2 次、培训机会 1 次"
    owed = lines(cli("service", "owed", "--json"))
    assert all(set(r) == {"trainee_uuid", "name", "id_masked", "phone", "owed", "owed_words"} for r in owed)
