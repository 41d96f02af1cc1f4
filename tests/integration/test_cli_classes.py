"""A class from the command line, from draft to archive, as the clerk and the reviewer run it."""

from __future__ import annotations

import json

from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.demo.seed import id_with_check
from tests.integration.cli_runner import run

ADULT = id_with_check("32070619900101101")  # 失业人员, attends and passes
LATE = id_with_check("32070619850615202")  # comes late once, then withdraws
MINOR = id_with_check("32070620110101303")  # 15 when the class starts


def out(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def lines(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_class_from_draft_to_archive(tmp_path):
    data = str(tmp_path / "d")

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", data, user=user)

    out(cli("demo", "--trainees", "5", "--json"))
    for name, number in (("钱小满", ADULT), ("赵迟到", LATE), ("孙小明", MINOR)):
        out(
            cli(
                *("trainee", "add", "--name", name, "--id", number, "--phone", "13800000000"),
                *("--target-group", "失业人员", "--evidence-type", "失业登记证"),
                *("--evidence-number", "SY2026-001", "--consent", "--json"),
            )
        )

    # the catalog: no login needed (no personal data); the city's catalog replaces the example
    shown = out(cli("catalog", "show", "--json", user="nobody"))
    assert shown["example"] is True and shown["counts"]["projects"] == len(shown["projects"]) > 0
    assert shown["rules"]["min_age"] == 16 and shown["rules"]["attendance_threshold"] == 0.8
    city = json.loads((resources_dir() / "catalogs" / "training.json").read_text(encoding="utf-8"))
    city.update(version="2026.2-市发布", example=False)
    # below, March's paper sign-in sheets are typed in months later (real clock): no entry limit
    city["rules"]["attendance"]["record_within_hours"] = 0
    city_file = tmp_path / "市培训目录.json"
    city_file.write_text(json.dumps(city, ensure_ascii=False), encoding="utf-8")
    imported = out(cli("catalog", "import", str(city_file), "--json", user="admin"))
    assert imported["version"] == "2026.2-市发布" and imported["example"] is False

    # a draft with mistakes: every field named, in Chinese, nothing written
    bad = cli(
        "class", "create", "--name", "养老护理员", "--project", "XX01", "--start", "2026-13-01", "--json"
    )
    assert bad.returncode == 2
    message = json.loads(bad.stdout)["error"]
    for words in (
        "培训项目：“XX01”不在培训目录",
        "开班日期：“2026-13-01”不是日期",
        "承训机构：请填写",
        "课时",
    ):
        assert words in message
    assert "Traceback" not in bad.stderr

    # the timetable as WPS saves it (GBK, with a header), and one more day as an option
    timetable = tmp_path / "课次.csv"
    rows = ["日期,开始,结束,课时,教师,内容"] + [
        f"2026-03-0{day},8:00,17:00,8,王老师,第 {day - 1} 天" for day in range(2, 6)
    ]
    timetable.write_bytes("\r\n".join(rows).encode("gbk"))
    created = out(
        cli(
            *("class", "create", "--name", "养老护理员（初级）第一期", "--project", "KY01"),
            *("--occupation", "4-10-01-05", "--level", "初级", "--certificate", "1"),
            *("--institution", "JG002", "--site", "新南街道社区服务中心三楼"),
            *("--start", "2026-03-02", "--end", "2026-03-06", "--hours", "40", "--capacity", "30"),
            *("--teacher", "王老师", "--fee", "1000", "--government", "800", "--personal", "200"),
            *("--sessions-file", str(timetable), "--session", "2026/3/6,08:00,17:00,8,王老师,实操考核"),
            "--json",
        )
    )
    code = created["code"]
    assert created["status"] == "draft" and created["opening_problems"] == []
    assert created["catalog_version"] == "2026.2-市发布"
    assert [s["start_time"] for s in created["sessions"]] == ["08:00"] * 5

    refused = cli("class", "approve", code, "--json")
    assert refused.returncode == 2 and "审核人" in json.loads(refused.stdout)["error"]
    out(cli("class", "send-back", code, "--reason", "请补充教师资格证明", "--json", user="reviewer"))
    shown = cli("class", "show", code)
    assert shown.returncode == 0, shown.stderr
    assert "状态：草稿" in shown.stdout and "退回原因：请补充教师资格证明" in shown.stdout
    assert "5\t2026-03-06\t08:00–17:00\t8 课时" in shown.stdout
    assert out(cli("class", "approve", code, "--json", user="reviewer"))["status"] == "opened"

    enrolled = out(cli("enroll", "--class", code, "--id", ADULT, "--json"))
    assert enrolled["enrolled"] and enrolled["target_group_label"] == "失业人员"
    assert enrolled["trainee_id_number"] == "320706********" + ADULT[-4:]
    young = cli("enroll", "--class", code, "--id", MINOR)
    assert young.returncode == 1
    assert "不能报名" in young.stdout and "只有 15 岁，须年满 16 岁" in young.stdout
    assert MINOR not in young.stdout + young.stderr
    out(cli("enroll", "--class", code, "--id", LATE, "--json"))

    # session 1 by ID scan (the first attendance starts the training), sessions 2–4 marked
    signed_in = out(
        cli(
            "attendance",
            "checkin",
            "--class",
            code,
            "--session",
            "1",
            "--id",
            ADULT,
            "--at",
            "07:55",
            "--json",
        )
    )
    assert signed_in["status_label"] == "出勤" and signed_in["sign_in"] == "07:55"
    signed_out = out(
        cli(
            "attendance",
            "checkout",
            "--class",
            code,
            "--session",
            "1",
            "--id",
            ADULT,
            "--at",
            "17:02",
            "--json",
        )
    )
    assert (signed_out["status"], signed_out["sign_out"]) == ("present", "17:02")
    late = cli("attendance", "checkin", "--class", code, "--session", "1", "--id", LATE, "--at", "08:20")
    assert late.returncode == 0 and "迟到" in late.stdout and LATE not in late.stdout
    late = out(cli(*("attendance", "checkout", "--class", code, "--session", "1", "--id", LATE), "--json",
                   *("--at", "17:00")))  # fmt: skip
    assert late["counted_hours"] == 7  # 20 minutes late (limit 15): 520 of 540 minutes → 7 of 8 hours
    assert "迟到 20 分钟" in late["counted_reason"]
    for session in ("2", "3", "4"):
        for command, moment in (("checkin", "07:58"), ("checkout", "17:01")):
            row = out(cli(*("attendance", command, "--class", code, "--session", session),
                          *("--id", ADULT, "--at", moment, "--json")))  # fmt: skip
        assert (row["status"], row["counted_hours"]) == ("present", 8)

    # a sign-in at 23:50 for a day session is refused with the window; a 补签 waits for a reviewer
    refused = cli("attendance", "checkin", "--class", code, "--session", "5", "--id", ADULT, "--at", "23:50")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "签到时间为 07:30–17:00，23:50 不在其中" in refused.stdout + refused.stderr
    assert f"attendance makeup --class {code} --session 5" in refused.stdout + refused.stderr
    claim = out(cli(*("attendance", "makeup", "--class", code, "--session", "5", "--id", ADULT),
                    *("--at", "07:50", "--out", "17:05", "--reason", "扫码枪故障，按纸质签到表补录", "--json")))  # fmt: skip
    assert (claim["state"], claim["sign_in"], claim["requested_by"]) == ("pending", "07:50", "clerk")
    pending = lines(cli("attendance", "makeups", "--class", code, "--pending", "--json", user="reviewer"))
    assert [(m["trainee_name"], m["session"], m["reason"]) for m in pending] == [
        ("钱小满", 5, "扫码枪故障，按纸质签到表补录")
    ]
    rates = {r["trainee_name"]: r for r in lines(cli("attendance", "rates", "--class", code, "--json"))}
    assert (rates["钱小满"]["attended_hours"], rates["钱小满"]["total_hours"]) == (32, 40)  # not yet
    assert rates["钱小满"]["meets_threshold"] is True  # exactly 80 %
    assert rates["赵迟到"]["rate"] == 0.175 and rates["赵迟到"]["meets_threshold"] is False
    review = ("attendance", "approve-makeup", "--class", code, "--session", "5", "--id", ADULT, "--json")
    assert cli(*review).returncode == 2  # a clerk cannot approve
    assert out(cli(*review, user="reviewer"))["state"] == "approved"
    rates = {r["trainee_name"]: r for r in lines(cli("attendance", "rates", "--class", code, "--json"))}
    assert rates["钱小满"]["attended_hours"] == 40

    passed = out(
        cli(
            "assessment",
            "record",
            "--class",
            code,
            "--id",
            ADULT,
            "--theory",
            "80",
            "--practical",
            "75",
            "--date",
            "2026-03-06",
            "--json",
        )
    )
    assert (passed["result_label"], passed["attempt"], passed["assessed_on"]) == ("合格", 1, "2026-03-06")

    out(cli("withdraw", "--class", code, "--id", LATE, "--reason", "外出务工", "--json"))
    roster = lines(cli("class", "roster", code, "--json"))
    assert [r["trainee_name"] for r in roster] == ["钱小满"]
    assert roster[0]["trainee_id_number"] == "320706********" + ADULT[-4:]

    assert out(cli("class", "finish", code, "--json"))["status"] == "finished"
    archived = out(cli("class", "archive", code, "--json", user="reviewer"))
    assert archived["status"] == "archived" and archived["status_label"] == "已归档"
