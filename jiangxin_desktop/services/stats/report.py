"""The monthly report of the dashboard's figures: Excel (sheet 月报) and PDF (forms/stats-report.toml).

Both are written from one :class:`Summary` — the figures the page shows — in the same order:
the plan's targets beside this station's figures, then the breakdowns, then the definition of
a person-time. In the workbook numbers are numbers (shares formatted as percentages, money in
yuan with two decimals) and every text passes the formula-injection guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jiangxin_desktop.domain.plan import EMPLOYMENT_RATE_LABEL
from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.services.exchange import safe_cell_text
from jiangxin_desktop.services.printing import load_template, render_document, shipped_template
from jiangxin_desktop.services.stats.figures import SUBSIDY_STAGES, Summary

TITLE = "职业技能培训工作月报"
COLUMNS = (("类别", 22), ("指标", 34), ("全市目标", 14), ("本站完成", 14), ("完成率 / 占比", 14))
PERCENT, YUAN = "0.00%", "#,##0.00"
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class Line:
    """One row of the report: a section, an item, the city's target, this station's figure, a share.
    ``money``: the figure is yuan; ``rate``: the target and the figure are rates."""

    section: str
    item: str
    target: float | int | None
    value: float | int | None
    share: float | None
    money: bool = False
    rate: bool = False


def lines(summary: Summary) -> list[Line]:
    """The report's rows, in order (the workbook and the PDF both print these)."""
    out = [Line("计划目标", t.label, t.target, t.value, t.share) for t in summary.targets]
    out.append(Line("计划目标", EMPLOYMENT_RATE_LABEL, summary.employment_target, summary.employment_rate, None,
                    rate=True))
    total = summary.person_times
    out += [Line("人次（按人员类别）", c.label, None, c.count, c.count / total if total else None)
            for c in summary.by_group]
    out += [Line("人次（按培训项目领域）", c.label, None, c.count, c.count / total if total else None)
            for c in summary.by_area]
    out.append(Line("证书（按证书类型）", "合计", None, summary.certificates, None))
    out += [Line("证书（按证书类型）", c.label, None, c.count, None) for c in summary.certificates_by_kind]
    out += [Line("培训后就业创业", "已回访（农村转移劳动力、失业人员）", None, summary.followed_up, None),
            Line("培训后就业创业", "就业创业（受雇就业、自主创业、灵活就业）", None, summary.employed,
                 summary.employment_rate)]
    for stage, money in (("claimed", summary.claimed), ("approved", summary.approved), ("paid", summary.paid)):
        out.append(Line("职业培训补贴", f"{SUBSIDY_STAGES[stage]}（笔）", None, money.count, None))
        out.append(Line("职业培训补贴", f"{SUBSIDY_STAGES[stage]}金额（元）", None, money.amount_fen / 100, None,
                        money=True))
    return out


def heading(summary: Summary) -> str:
    return f"服务站：{summary.station}　统计期间：{summary.start.isoformat()} 至 {summary.end.isoformat()}"


def write_excel(summary: Summary, out: Path, *, made: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "月报"
    width = len(COLUMNS)
    texts = [(f"{summary.station} {TITLE}", Font(size=14, bold=True)), (heading(summary), None)]
    if made:
        texts.append((made, Font(color="555555")))
    for row, (text, font) in enumerate(texts, start=1):
        cell = sheet.cell(row, 1, safe_cell_text(text))
        if font:
            cell.font = font
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    header = len(texts) + 2
    for col, (name, size) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(header, col, name)
        cell.font, cell.border = Font(bold=True), _BOX
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(col)].width = size
    row = header
    for line in lines(summary):
        row += 1
        _row(sheet, row, line)
    row += 2
    cell = sheet.cell(row, 1, safe_cell_text(f"口径：{summary.definition}"))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[row].height = 32
    sheet.freeze_panes = sheet.cell(header + 1, 1)
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        book.save(out)
    except PermissionError as exc:
        raise KnownError(f"无法写入 {out}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。") from exc
    except OSError as exc:
        raise KnownError(f"无法写入 {out}：{describe_error(exc)}。请换一个位置保存。") from exc
    return out


def _row(sheet: Any, row: int, line: Line) -> None:
    values: list[Any] = [safe_cell_text(line.section), safe_cell_text(line.item), line.target, line.value,
                         line.share]
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value if value is not None else ("—" if col == 4 else None))
        cell.border = _BOX
        if col >= 3 and isinstance(value, int | float):
            rate = line.rate and col in (3, 4)
            cell.number_format = PERCENT if col == 5 or rate else (YUAN if line.money else "#,##0")
            cell.alignment = Alignment(horizontal="right")


def _text(value: float | int | None, *, percent: bool = False, money: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:.2%}"
    return f"{value:,.2f}" if money else f"{value:,}"


def write_pdf(summary: Summary, out: Path, *, made: str = "", template: Path | None = None) -> Path:
    rows = [
        {"section": line.section, "item": line.item,
         "target": "" if line.target is None else _text(line.target, percent=line.rate),
         "value": _text(line.value, percent=line.rate, money=line.money),
         "share": "" if line.share is None else _text(line.share, percent=True)}
        for line in lines(summary)
    ]
    context = {
        "title": f"{summary.station} {TITLE}", "station": summary.station, "heading": heading(summary),
        "period_from": summary.start.isoformat(), "period_to": summary.end.isoformat(),
        "definition": summary.definition, "made": made, "rows": rows, "count": len(rows),
    }
    t = load_template(template or shipped_template("stats-report"))
    result = render_document(t, [context], out, title=f"{summary.station} {TITLE}")
    return Path(result.file)
