"""Rosters as stations have them: no evidence columns (待补证明材料), line breaks in names."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.store.models import AuditEvent, OutboxEntry
from tests.services.classes_helpers import opened_class, person


def workbook(tmp_path: Path, header: list[str], rows: list[list], name: str = "站点名册.xlsx") -> Path:
    """A roster as a station clerk types it: their own header words, IDs as text."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = "@"
    path = tmp_path / name
    book.save(path)
    return path


def ident(i: int) -> str:
    return id_with_check(f"32070619880202{i:03d}")


def test_rows_without_evidence_are_enrolled_and_marked(demo_context, tmp_path):
    """No 证明材料 columns at all: every row is enrolled, marked 待补证明材料, warned per row."""
    klass = opened_class(demo_context)
    demo_context.acting.travels = True  # outbox entries as at a real station
    with demo_context.db.read() as s:
        before = s.scalar(select(func.coalesce(func.max(OutboxEntry.seq), 0)))
    path = workbook(
        tmp_path,
        ["姓名", "身份证号码", "联系电话", "人员类别"],
        [[f"孙{chr(0x4E00 + i)}明", ident(i), f"1391234{i:04d}", "失业人员"] for i in range(1, 4)],
    )
    importer = demo_context.roster_importer()
    preview = importer.run(klass.code, path, dry_run=True, report=tmp_path / "清单.xlsx")
    assert (preview.imported, preview.errors) == (3, [])
    assert [w["row"] for w in preview.warnings] == [2, 3, 4]
    assert all(w["message"].startswith("待补证明材料") for w in preview.warnings)
    assert "就业创业证或失业登记证" in preview.warnings[0]["message"]
    notes = load_workbook(tmp_path / "清单.xlsx")["提示"]
    assert notes.cell(2, 1).value == "孙丁明" and "待补证明材料" in notes.cell(2, 5).value
    assert notes.max_row == 4
    done = demo_context.roster_importer().run(klass.code, path)
    assert (done.imported, done.registered, done.errors) == (3, 3, [])
    assert len(done.warnings) == 3
    listed = demo_context.enrollments.list(klass.uuid)
    assert [r.evidence_missing for r in listed] == [True, True, True]
    assert len(demo_context.enrollments.list(klass.uuid, evidence_missing=True)) == 3
    with demo_context.db.read() as s:
        entities = s.scalars(select(OutboxEntry.entity).where(OutboxEntry.seq > before)).all()
    assert sorted(entities) == ["enrollment"] * 3 + ["trainee"] * 3


def test_evidence_of_the_wrong_kind_is_still_refused(demo_context, tmp_path):
    klass = opened_class(demo_context)
    path = workbook(
        tmp_path,
        ["姓名", "身份证号码", "联系电话", "人员类别", "证明材料类型", "证明材料编号"],
        [
            ["周明", ident(1), "13912340001", "失业人员", "毕业证", "B-1"],
            ["吴明", ident(2), "13912340002", "失业人员", "失业登记证", ""],  # a number to add later
            ["郑明", ident(3), "13912340003", "失业人员", "失业登记证", "SY-3"],
        ],
    )
    result = demo_context.roster_importer().run(klass.code, path)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "证明材料类型")]
    assert result.imported == 2
    assert [w["row"] for w in result.warnings] == [3]
    assert "失业登记证的编号" in result.warnings[0]["message"]
    missing = demo_context.enrollments.list(klass.uuid, evidence_missing=True)
    assert [r.trainee_name for r in missing] == ["吴明"]


def test_enrolling_one_person_without_evidence_is_allowed_and_marked(demo_context):
    klass = opened_class(demo_context)
    someone = person(demo_context, seq=77, group="22")  # registered without evidence
    record = demo_context.enrollments.enroll(klass.uuid, EnrollInput(someone.uuid))
    assert record.evidence_missing and record.target_group == "22"


def test_a_line_break_inside_a_name_is_refused_with_its_row(demo_context, tmp_path):
    klass = opened_class(demo_context)
    path = workbook(
        tmp_path,
        ["姓名", "身份证号码", "联系电话", "人员类别"],
        [
            ["王\n小明", ident(1), "13912340001", "失业人员"],
            ["李红\r\n张兰", ident(2), "13912340002", "失业人员"],
            ["赵刚", ident(3), "13912340003", "失业人员"],
        ],
    )
    result = demo_context.roster_importer().run(klass.code, path, dry_run=True)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "姓名"), (3, "姓名")]
    assert "换行" in result.errors[0]["message"] and "李红 / 张兰" in result.errors[1]["message"]
    assert result.imported == 1


def test_missing_evidence_is_supplied_later_and_the_mark_goes(demo_context):
    klass = opened_class(demo_context)
    someone = person(demo_context, seq=78, group="22")
    first = demo_context.enrollments.enroll(klass.uuid, EnrollInput(someone.uuid))
    assert first.evidence_missing
    with pytest.raises(KnownError, match="离校未就业高校毕业生须提供证明材料"):
        demo_context.enrollments.enroll(klass.uuid, EnrollInput(someone.uuid, evidence_type="学生证"))
    done = demo_context.enrollments.enroll(
        klass.uuid, EnrollInput(someone.uuid, evidence_type="毕业证", evidence_number="BY-2026-1")
    )
    assert not done.evidence_missing and done.version == 2 and done.uuid == first.uuid
    assert demo_context.enrollments.list(klass.uuid, evidence_missing=True) == []
    with pytest.raises(KnownError, match="不会重复报名"):  # complete now: nothing to supply
        demo_context.enrollments.enroll(
            klass.uuid, EnrollInput(someone.uuid, evidence_type="毕业证", evidence_number="X")
        )
    with demo_context.db.read() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("enrollment.%"))).all()
    assert actions == ["enrollment.enroll", "enrollment.evidence"]
