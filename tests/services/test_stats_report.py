"""The monthly report: the workbook (sheet 月报) and the PDF carry the figures summary() gives."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from jiangxin_desktop.domain.plan import EMPLOYMENT_RATE_LABEL
from tests.services.subsidy_helpers import claimable_class

START, END = date(2026, 1, 1), date(2026, 12, 31)


def test_workbook_holds_the_summary_as_numbers(demo_context, clock, tmp_path):
    ctx = demo_context
    claimable_class(ctx, clock, "甲乙丙", absent=(2,))
    ctx.stats.station_name = "=HYPERLINK(\"http://x\")服务站"  # a name that would run as a formula
    out = ctx.stats.export_excel(START, END, tmp_path / "月报.xlsx")
    summary = ctx.stats.summary(START, END)
    sheet = load_workbook(out)["月报"]
    cells = {(r, c): sheet.cell(r, c).value for r in range(1, sheet.max_row + 1) for c in range(1, 6)}
    assert str(cells[(1, 1)]).startswith("'=") and sheet.cell(1, 1).data_type == "s"
    assert "2026-01-01 至 2026-12-31" in str(cells[(2, 1)])
    header = next(r for (r, c), v in cells.items() if v == "全市目标")
    assert [cells[(header, c)] for c in range(1, 6)] == ["类别", "指标", "全市目标", "本站完成", "完成率 / 占比"]
    rows = {cells[(r, 2)]: (cells[(r, 3)], cells[(r, 4)], cells[(r, 5)]) for r in range(header + 1, sheet.max_row + 1)}
    for t in summary.targets:
        target, value, share = rows[t.label]
        assert target == t.target and share == (pytest.approx(t.share) if t.share is not None else None)
        assert value == (t.value if t.value is not None else "—")
    assert rows["补贴性职业技能培训（人次）"][1] == summary.person_times == 2
    assert isinstance(rows["补贴性职业技能培训（人次）"][1], int)
    assert rows[EMPLOYMENT_RATE_LABEL][0] == 0.45
    for c in summary.by_group:
        assert rows[c.label][1] == c.count
    assert any(str(v).startswith("口径：一人次 = ") for v in cells.values())


def test_pdf_is_written_through_the_template(demo_context, clock, tmp_path):
    ctx = demo_context
    claimable_class(ctx, clock, "甲乙")
    out = ctx.stats.export_pdf(START, END, tmp_path / "月报.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
