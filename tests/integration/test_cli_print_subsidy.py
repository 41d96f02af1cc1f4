"""print subsidy-forms|claim-summary|notice as a script runs them."""

from __future__ import annotations

import json

from jiangxin_desktop.context import open_context
from jiangxin_desktop.paths import DataPaths
from tests.integration.cli_runner import PASSPHRASE, run
from tests.pdf_tools import pdf_pages
from tests.services.test_subsidy_documents import seed_claims


def test_print_the_three_subsidy_documents(tmp_path):
    data = ["--data-dir", str(tmp_path / "d")]
    demo = run("demo", "--trainees", "30", *data, "--json")
    assert demo.returncode == 0, demo.stderr
    finished, training = json.loads(demo.stdout)["classes"][:2]

    empty = run("print", "claim-summary", "--class", finished, "--out", str(tmp_path / "x.pdf"), *data)
    assert empty.returncode != 0 and "还没有补贴申请" in empty.stderr
    assert not (tmp_path / "x.pdf").exists()

    assert run("certificate", "issue", "--class", finished, *data).returncode == 0
    ctx = open_context(DataPaths(tmp_path / "d"), lambda new: PASSPHRASE)
    try:
        seeded = seed_claims(ctx, finished)
    finally:
        ctx.close()

    out = tmp_path / "申请表.pdf"
    forms = run("print", "subsidy-forms", "--class", finished, "--out", str(out), *data, "--json")
    assert forms.returncode == 0, forms.stderr
    result = json.loads(forms.stdout)
    assert set(result) == {"out", "pages", "claims"} and result["out"] == str(out)
    assert result["claims"] == result["pages"] == len(pdf_pages(out)) == seeded["count"] - 1

    draft = seeded["numbers"]["draft"]
    one = run("print", "subsidy-forms", "--class", finished, "--claim", draft, "--out", str(out), *data)
    assert one.returncode == 0 and "草稿 1 份" in one.stdout
    assert "草稿" in pdf_pages(out)[0] and len(pdf_pages(out)) == 1

    out = tmp_path / "汇总表.pdf"
    summary = run("print", "claim-summary", "--class", finished, "--out", str(out), *data, "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["claims"] == seeded["count"]

    out = tmp_path / "公示.pdf"
    notice = run("print", "notice", "--class", finished, "--from", "2026-12-07", "--out", str(out), *data)
    assert notice.returncode == 0, notice.stderr
    assert "公示期 2026-12-07 至 2026-12-13" in notice.stdout
    assert "2026年12月13日" in "".join(pdf_pages(out)).replace("\n", "")

    bad = run("print", "notice", "--class", finished, "--from", "下周", "--out", str(out), *data)
    assert bad.returncode != 0 and "无法识别" in bad.stderr

    none = run("print", "notice", "--class", training, "--out", str(tmp_path / "y.pdf"), *data)
    assert none.returncode != 0 and "还没有补贴申请" in none.stderr
