"""The class documents printed from a class's records: 花名册 and a session's 签到表.

Both are filled from the same services the window uses, printed through a template in
``forms/`` and audited (``print.roster``, ``print.signin``) with the class and the counts,
never personal data. The roster shows full ID and phone numbers only to the roles that may
see them (reviewer, administrator); the sign-in sheet, which lies on a table for everyone
to sign, always masks them. The roster's rows are the Excel export's (``exchange`` makes
them and the composition root hands them in as a :class:`RosterTable`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.printing import Progress, RenderResult, render_document
from jiangxin_desktop.services.printing import Template, load_template, shipped_template
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.security import UserInfo
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit

if TYPE_CHECKING:
    from jiangxin_desktop.services.training.attendance import AttendanceService
    from jiangxin_desktop.services.training.classes import ClassService

PRINTING_ROLES = ("clerk", "reviewer", "admin")
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class RosterTable:
    """The 花名册 as the Excel export makes it, so that print and export show the same columns."""

    rows: Callable[[ClassRecord, bool], list[dict]]  # (class, full numbers) → one dict per trainee
    totals: Callable[[list[dict], ClassRecord], dict]  # what the 合计 row says
    level: Callable[[ClassRecord], str]  # the class's 等级 (or certificate type) in words
    full_number_roles: tuple[str, ...]  # who sees full ID and phone numbers


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class ClassDocuments:
    """Prints a class's 花名册 and 签到表 for the acting user, and audits each print."""

    def __init__(
        self,
        db: Database,
        acting: Acting,
        classes: ClassService,
        attendance: AttendanceService,
        station_name: str,
        roster: RosterTable,
    ) -> None:
        self.db = db
        self.acting = acting
        self.classes = classes
        self.attendance = attendance
        self.station_name = station_name
        self.roster = roster

    def class_fields(self, klass: ClassRecord) -> dict[str, Any]:
        """``{class.*}``: what a printed document says about the class."""
        return {
            "code": klass.code,
            "name": klass.name,
            "institution": klass.institution_name,
            "institution_uscc": klass.institution_uscc,
            "site": klass.site,
            "start_date": _day(klass.start_date),
            "end_date": _day(klass.end_date),
            "hours": klass.class_hours,
            "occupation_code": klass.occupation_code,
            "occupation_name": klass.occupation_name,
            "level": self.roster.level(klass),
            "project": klass.project_name,
            "teachers": "、".join(klass.teachers),
        }

    def _common(self, user: UserInfo) -> dict[str, Any]:
        return {
            "printed_at": f"{self.acting.now():%Y-%m-%d %H:%M}",  # the context's clock
            "printed_by": user.display_name,
            "station": self.station_name,
        }

    def _audit(
        self, user: UserInfo, action: str, klass: ClassRecord, result: RenderResult, **facts: Any
    ) -> None:
        with self.db.write() as session:
            audit(
                session,
                actor=user.username,
                action=action,
                object_type="training_class",
                object_id=klass.uuid,
                after={"class": klass.code, "rows": result.rows, "pages": result.pages, **facts},
            )

    def roster_context(self, klass: ClassRecord, *, full: bool, user: UserInfo) -> dict[str, Any]:
        rows = self.roster.rows(klass, full)
        for row in rows:
            row["_subject"] = f"学员 {row['name']}"
        totals = self.roster.totals(rows, klass)
        return {
            "_subject": f"培训班 {klass.code}",
            "class": self.class_fields(klass),
            "rows": rows,
            "count": len(rows),
            "passed": totals["passed"],
            "amount_total": totals["amount_total"],
            "masking": "含完整证件号码和电话，请妥善保管" if full else "证件号码和电话已脱敏",
            **self._common(user),
        }

    def print_roster(
        self, class_code: str, out: Path, *, template: Path | None = None, progress: Progress | None = None
    ) -> dict:
        """The class's 花名册 as a PDF (landscape A4, as many pages as needed)."""
        user = self.acting.require(*PRINTING_ROLES, action="打印花名册")
        full = user.role in self.roster.full_number_roles
        klass = self.classes.get(class_code)
        t = _template("roster", template)
        result = render_document(
            t,
            [self.roster_context(klass, full=full, user=user)],
            out,
            title=f"{klass.name} 花名册",
            progress=progress,
        )
        self._audit(user, "print.roster", klass, result, full_numbers=full, template=t.name)
        return {
            "file": str(result.file),
            "pages": result.pages,
            "rows": result.rows,
            "class": klass.code,
            "masked": not full,
        }

    def signin_context(self, klass: ClassRecord, session_number: int, *, user: UserInfo) -> dict[str, Any]:
        session = next((s for s in klass.sessions if s.number == session_number), None)
        if session is None:
            numbers = [s.number for s in klass.sessions]
            have = f"本班共 {len(numbers)} 次课（第 1—{max(numbers)} 次）" if numbers else "本班还没有排课"
            raise KnownError(f"培训班 {klass.code} 没有第 {session_number} 次课：{have}。请核对课次。")
        sheet = self.attendance.sheet(session.uuid)
        rows = [
            {
                "no": i,
                "name": r.trainee_name,
                "id_number": mask_id(r.id_number),
                "note": "请假" if r.status == "leave" else "",
                "_subject": f"学员 {r.trainee_name}",
            }
            for i, r in enumerate(sheet, start=1)
        ]
        return {
            "_subject": f"培训班 {klass.code}",
            "class": self.class_fields(klass),
            "session": {
                "number": session.number,
                "date": _day(session.day),
                "weekday": "星期" + WEEKDAYS[session.day.weekday()],
                "start": session.start_time,
                "end": session.end_time,
                "hours": session.hours,
                "teacher": session.teacher or "、".join(klass.teachers),
                "topic": session.topic or "",
            },
            "rows": rows,
            "count": len(rows),
            **self._common(user),
        }

    def print_signin(
        self,
        class_code: str,
        session_number: int,
        out: Path,
        *,
        template: Path | None = None,
        progress: Progress | None = None,
    ) -> dict:
        """One session's 签到表 as a PDF (portrait A4; masked ID numbers; signature columns)."""
        user = self.acting.require(*PRINTING_ROLES, action="打印签到表")
        klass = self.classes.get(class_code)
        context = self.signin_context(klass, session_number, user=user)
        t = _template("signin", template)
        title = f"{klass.name} 第{session_number}次课 签到表"
        result = render_document(t, [context], out, title=title, progress=progress)
        self._audit(user, "print.signin", klass, result, session=session_number, template=t.name)
        return {
            "file": str(result.file),
            "pages": result.pages,
            "rows": result.rows,
            "class": klass.code,
            "session": session_number,
        }


def _template(name: str, template: Path | None) -> Template:
    return load_template(template or shipped_template(name))
