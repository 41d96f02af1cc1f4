"""Excel exports: a class's 花名册 in the order DOMAIN.md gives, and the class statistics
(:class:`ClassExports`, which also gives the 花名册's rows to the printed one).

Numbers are masked unless the role may see them (reviewer, administrator); an export with
full numbers is audited as such. Every text cell goes through ``safe_cell_text`` so that
nothing in a name or a note can become a formula when the file is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from jiangxin_desktop.domain.masking import mask_id, mask_phone
from jiangxin_desktop.domain.money import multiply, yuan_number, yuan_plain, yuan_to_fen
from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.services.exchange.spreadsheet_safety import safe_cell_text
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.models import Certificate

if TYPE_CHECKING:
    from jiangxin_desktop.domain.codes import CodeCatalog
    from jiangxin_desktop.services.catalog import CatalogService
    from jiangxin_desktop.services.registry import TraineeRegistry
    from jiangxin_desktop.services.security import Acting
    from jiangxin_desktop.services.training import AttendanceService
    from jiangxin_desktop.services.training import ClassRecord
    from jiangxin_desktop.services.training import ClassService
    from jiangxin_desktop.services.training import EnrollmentService
    from jiangxin_desktop.store.database import Database

ROSTER_COLUMNS = (
    ("序号", 6),
    ("姓名", 14),
    ("性别", 6),
    ("身份证号", 21),
    ("户口性质", 10),
    ("人员类别", 20),
    ("电话", 14),
    ("工种代码", 12),
    ("工种名称", 14),
    ("等级", 13),
    ("证书号", 23),  # 320706001-2026-000001 on one line
    ("补贴金额（元）", 12),
    ("支付对象", 9),
    ("备注", 24),
)
FULL_NUMBER_ROLES = ("reviewer", "admin")
Progress = Callable[[int, int], None]  # (done, total); may raise to cancel
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def subsidy_standard(catalog, klass, *, passed: bool, subsidised: bool) -> int | None:
    """The catalog's standard for this class's level and occupation in fen, capped at the fee.

    The shortage uplift is applied in Decimal, half up to the fen (domain/money)."""
    if not (passed and subsidised and klass.level):
        return None
    amounts = catalog.subsidy_amounts.get("by_level", {}).get(klass.level)
    occupation = catalog.occupations.get(klass.occupation_code)
    if not amounts or occupation is None or occupation.category not in amounts:
        return None
    amount = yuan_to_fen(amounts[occupation.category])
    if occupation.shortage:
        amount = multiply(amount, 1 + Decimal(str(catalog.subsidy_amounts.get("shortage_uplift", 0))))
    if klass.fee_fen:
        amount = min(amount, klass.fee_fen)
    return amount


def _write_title(sheet: Worksheet, title: str, lines: list[str], width: int) -> int:
    sheet.cell(1, 1, safe_cell_text(title)).font = Font(size=14, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    for i, line in enumerate(lines, start=2):
        sheet.cell(i, 1, safe_cell_text(line))
        sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    return len(lines) + 2  # the header row


def _write_table(sheet: Worksheet, header_row: int, columns, rows: list[list]) -> None:
    for col, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(header_row, col, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(r, c, value if isinstance(value, int | float) else safe_cell_text(value))
            cell.border = _BOX
            if isinstance(value, str):
                cell.number_format = "@"  # ID and phone numbers stay text, every digit kept
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _save(book: Workbook, out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        book.save(out)
    except PermissionError as exc:
        raise KnownError(f"无法写入 {out}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。") from exc
    except OSError as exc:
        raise KnownError(f"无法写入 {out}：{describe_error(exc)}。请换一个位置保存。") from exc


ROSTER_FIELDS = (
    "no",
    "name",
    "sex",
    "id_number",
    "hukou",
    "target_group",
    "phone",
    "occupation_code",
    "occupation_name",
    "level",
    "certificate_number",
    "amount",
    "payee",
    "note",
)  # the keys of a roster row, in ROSTER_COLUMNS order


def level_label(codes: CodeCatalog, klass: ClassRecord) -> str:
    """The class's 等级 as printed: its skill level, else its certificate type."""
    return (
        codes["skill_level"].label(klass.level)
        or codes["certificate_type"].label(klass.certificate_type)
        or ""
    )


def roster_totals(rows: list[dict], klass) -> dict:
    """What the 合计 row says: 人数, 合格人数, 课时 and the subsidy amounts added up."""
    total_fen = sum(r.get("_amount_fen") or 0 for r in rows)
    return {
        "count": len(rows),
        "passed": sum(1 for r in rows if r.get("_passed")),
        "hours": klass.class_hours,
        "amount_total": yuan_plain(total_fen),  # "2600" or "2600.50" (元)
    }


def total_line(totals: dict) -> str:
    return (
        f"合计：人数 {totals['count']} 人　　合格人数 {totals['passed']} 人　　"
        f"课时 {totals['hours']}　　补贴金额 {totals['amount_total']} 元"
    )


STAT_COLUMNS = (
    ("班级编号", 20),
    ("班级名称", 28),
    ("状态", 8),
    ("职业（工种）", 14),
    ("等级", 13),
    ("开班", 11),
    ("结业", 11),
    ("课时", 6),
    ("计划人数", 8),
    ("报名人数", 8),
    ("出勤达标人数", 10),
    ("考核合格", 8),
    ("考核不合格", 9),
)


class ClassExports:
    """A class's 花名册 (its rows, shared with the printed one, and the .xlsx) and the statistics
    of every class, for the acting user; ``station_name`` heads the statistics."""

    def __init__(
        self,
        db: Database,
        acting: Acting,
        codes: CodeCatalog,
        catalogs: CatalogService,
        classes: ClassService,
        enrollments: EnrollmentService,
        attendance: AttendanceService,
        registry: TraineeRegistry,
        *,
        station_name: str,
    ) -> None:
        self._db = db
        self._acting = acting
        self._codes = codes
        self._catalogs = catalogs
        self._classes = classes
        self._enrollments = enrollments
        self._attendance = attendance
        self._registry = registry
        self._station_name = station_name

    def roster_rows(self, klass: ClassRecord, *, full: bool) -> list[dict]:
        """One dict per enrolled trainee (keys ROSTER_FIELDS), masked unless ``full``.

        The Excel export and the printed 花名册 share it, so both show the same columns.
        """
        catalog = self._catalogs.active()
        enrolled = self._enrollments.list(klass.uuid)
        results = self._attendance.assessments(klass.uuid)
        codes = self._codes
        details = {r.uuid: r for r in (self._registry.get(e.trainee_uuid) for e in enrolled)}
        level = level_label(codes, klass)
        certificates = self._valid_certificates(klass.uuid)
        rows = []
        for i, e in enumerate(enrolled, start=1):
            person = details[e.trainee_uuid]
            result = results.get(e.uuid)
            passed = result is not None and result.result == "pass"
            notes = [] if e.subsidised else ["不享受补贴"]
            if result is not None and not passed:
                notes.append("考核不合格")
            amount = subsidy_standard(catalog, klass, passed=passed, subsidised=e.subsidised)
            values = (
                i,
                person.name,
                person.sex,
                person.id_number if full else mask_id(person.id_number),
                codes["hukou"].label(person.hukou or "") or "",
                codes["target_group"].label(e.target_group) or e.target_group,
                person.phone if full else mask_phone(person.phone),
                klass.occupation_code,
                klass.occupation_name,
                level,
                certificates.get(e.uuid, ""),
                yuan_number(amount) if amount is not None else "",
                "个人" if amount is not None else "",
                "；".join(notes),
            )
            row = dict(zip(ROSTER_FIELDS, values, strict=True))
            row["_passed"] = passed  # not a column: counted in the 合计 row
            row["_amount_fen"] = amount  # not a column: added up in fen for the 合计 row
            rows.append(row)
        return rows


    def _valid_certificates(self, class_uuid: str) -> dict[str, str]:
        """Enrolment uuid → number of its valid certificate (a revoked one is not shown)."""
        with self._db.read() as session:
            rows = session.execute(
                select(Certificate.enrollment_uuid, Certificate.number).where(
                    Certificate.class_uuid == class_uuid, Certificate.status == "valid"
                )
            ).all()
        return {enrollment: number for enrollment, number in rows}


    def export_roster(self, class_code: str, out: Path, *, progress: Progress | None = None) -> dict:
        """The class's 花名册 as .xlsx; returns what was written. ``progress(done, total)`` may
        raise to cancel before the file is written."""
        user = self._acting.require("clerk", "reviewer", "admin", action="导出花名册")
        full = user.role in FULL_NUMBER_ROLES
        klass = self._classes.get(class_code)
        catalog = self._catalogs.active()
        records = self.roster_rows(klass, full=full)
        _report(progress, 1, 2)
        rows = [[row[key] for key in ROSTER_FIELDS] for row in records]
        totals = roster_totals(records, klass)
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "花名册"
        header_row = _write_title(
            sheet,
            f"{klass.name}（{klass.code}）花名册",
            [
                f"承训机构：{klass.institution_name}　培训地点：{klass.site}　"
                f"培训时间：{klass.start_date}—{klass.end_date}　课时：{klass.class_hours}",
                f"导出：{self._acting.now():%Y-%m-%d %H:%M}　{user.display_name}"
                + ("" if full else "　（证件号码和电话已脱敏）")
                + ("　补贴金额按目录标准测算（示例目录）" if catalog.example else "　补贴金额按目录标准测算"),
            ],
            len(ROSTER_COLUMNS),
        )
        _write_table(sheet, header_row, ROSTER_COLUMNS, rows)
        last = header_row + len(rows) + 1
        sheet.cell(row=last, column=1, value="合计")
        sheet.cell(row=last, column=2, value=total_line(totals).removeprefix("合计："))
        sheet.merge_cells(start_row=last, start_column=2, end_row=last, end_column=len(ROSTER_COLUMNS))
        _report(progress, 2, 2)  # the last chance to cancel: nothing is written before this
        _save(book, out)
        with self._db.write() as session:  # an export of personal data is audited
            audit(
                session,
                actor=user.username,
                action="roster.export",
                object_type="training_class",
                object_id=klass.uuid,
                after={"class": klass.code, "file": out.name, "rows": len(rows), "full_numbers": full},
            )
        return {"file": str(out), "class": klass.code, "rows": len(rows), "masked": not full}


    def export_statistics(self, out: Path, *, progress: Progress | None = None) -> dict:
        """One row per class: enrolment, attendance meeting the threshold, assessment results."""
        user = self._acting.require("clerk", "reviewer", "admin", action="导出统计")
        catalog = self._catalogs.active()
        rows = []
        classes = self._classes.list(limit=100_000)
        for done, klass in enumerate(classes):
            _report(progress, done, len(classes) + 1)
            rates = self._attendance.rates(klass.uuid)
            results = self._attendance.assessments(klass.uuid)
            rows.append(
                [
                    klass.code,
                    klass.name,
                    klass.status_label,
                    klass.occupation_name,
                    self._codes["skill_level"].label(klass.level) or "",
                    klass.start_date.isoformat(),
                    klass.end_date.isoformat(),
                    klass.class_hours,
                    klass.capacity,
                    klass.enrolled,
                    sum(1 for r in rates if r.meets_threshold),
                    sum(1 for r in results.values() if r.result == "pass"),
                    sum(1 for r in results.values() if r.result == "fail"),
                ]
            )
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "培训班统计"
        header_row = _write_title(
            sheet,
            f"{self._station_name} 培训班统计",
            [
                f"导出：{self._acting.now():%Y-%m-%d %H:%M}　{user.display_name}　"
                f"出勤达标线 {catalog.rules.attendance_threshold:.0%}（目录 {catalog.version}）"
            ],
            len(STAT_COLUMNS),
        )
        _write_table(sheet, header_row, STAT_COLUMNS, rows)
        _report(progress, len(classes) + 1, len(classes) + 1)
        _save(book, out)
        return {"file": str(out), "classes": len(rows)}


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
