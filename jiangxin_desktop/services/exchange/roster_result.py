"""What a roster import says: counts, duplicates, errors, notes, and the questions still open."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.services.exchange.roster_data import ParsedRoster, PlanOutcome, RowProblem

FULL_NUMBER_ROLES = ("reviewer", "admin")


@dataclass
class ImportResult:
    file: str
    class_code: str
    dry_run: bool
    data_rows: int
    imported: int = 0  # enrolled in the class (or would be, on a dry run)
    registered: int = 0  # of those, new people registered
    duplicates: list[dict] = field(default_factory=list)  # {"row", "id_number"}
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    warnings: list[dict] = field(default_factory=list)  # {"row", "message"}
    report: str | None = None
    # Questions for the clerk (services/exchange/roster_questions.py); a real import with any open
    # question writes nothing (needs_answers).
    unknown_values: list[dict] = field(default_factory=list)  # {"field", "column", "value", "rows", …}
    unknown_columns: list[dict] = field(default_factory=list)  # {"column", "index", "samples"}
    missing_columns: list[dict] = field(default_factory=list)  # {"field"}
    skipped: list[dict] = field(default_factory=list)  # {"row", "column", "message"}: left out as told
    remembered: dict | None = None  # answers this import added to the station's memory
    waiting: int = 0  # rows held back by a value not yet answered

    @property
    def needs_answers(self) -> bool:
        return bool(self.unknown_values or self.unknown_columns or self.missing_columns)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "class": self.class_code,
            "dry_run": self.dry_run,
            "data_rows": self.data_rows,
            "imported": self.imported,
            "registered": self.registered,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "warnings": self.warnings,
            "report": self.report,
            "needs_answers": self.needs_answers,
            "unknown_values": self.unknown_values,
            "unknown_columns": self.unknown_columns,
            "missing_columns": self.missing_columns,
            "skipped": self.skipped,
            "remembered": self.remembered,
            "waiting": self.waiting,
        }


def build_result(
    role: str,
    class_code: str,
    path: Path,
    dry_run: bool,
    parsed: ParsedRoster,
    planned: PlanOutcome,
    problems: list[RowProblem],
    asked: dict,
) -> ImportResult:
    """The result of an import for a user of ``role`` (who may see full ID numbers or not);
    a real one with questions open imported nothing."""
    shown = (lambda n: n) if role in FULL_NUMBER_ROLES else mask_id
    repeated = {row for row, _number, _first in parsed.duplicates}
    stopped = not dry_run and any(asked.values())
    return ImportResult(
        file=str(path),
        class_code=class_code,
        dry_run=dry_run,
        data_rows=parsed.data_rows,
        imported=0 if stopped else planned.imported,
        registered=0 if stopped else planned.registered,
        duplicates=sorted(
            [{"row": row, "id_number": shown(number)} for row, number, _first in parsed.duplicates]
            + [{"row": row, "id_number": shown(number)} for row, number in planned.duplicates],
            key=lambda d: d["row"],
        ),
        errors=sorted(
            (
                {"row": p.row, "column": p.column, "message": p.message}
                for p in problems
                if p.row not in repeated  # a repeated person is listed under duplicates
            ),
            key=lambda d: (d["row"], d["column"]),
        ),
        warnings=[{"row": row, "message": message} for row, message in planned.warnings],
        skipped=[{"row": p.row, "column": p.column, "message": p.message} for p in parsed.skipped],
        waiting=len({row for rows in parsed.unknown_values.values() for row in rows}) + planned.waiting,
        **asked,
    )


def audit_after(consent_version: str, class_code: str, path: Path, data_rows: int) -> dict:
    """What the import's audit event says besides the records it created (new people are
    registered under the consent notice ``consent_version``)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    consent = consent_version
    return {
        "class": class_code,
        "file": path.name,
        "sha256": digest,
        "data_rows": data_rows,
        "consent": f"新登记学员的个人信息处理告知（{consent}）由培训点纸质签署，经办人导入即确认",
    }


