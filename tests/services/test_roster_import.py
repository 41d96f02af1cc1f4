"""Filling a class from roster files written by LibreOffice: preview, import, import again."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select, text

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange import roster_import
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.store.fts import SEARCH_INDEXES, merge_index_step
from jiangxin_desktop.store.models import OutboxEntry, Trainee
from tests.services.classes_helpers import login, opened_class, person

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
HEADER = ["姓名", "身份证号码", "手机号码", "人员类别", "证明材料类型", "证明材料编号"]


def roster(tmp_path: Path, rows: list[list], name: str = "名册.xlsx") -> Path:
    """A small roster as a clerk would type it (IDs as text), with a title row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["养老护理员培训班花名册"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=3, min_col=2, max_col=3):
        for cell in cells:
            cell.number_format = "@"
    path = tmp_path / name
    book.save(path)
    return path


def people(count: int, start: int = 1) -> list[list]:
    from jiangxin_desktop.services.demo.seed import id_with_check

    return [
        [
            f"学员{chr(0x4E00 + i)}",
            id_with_check(f"32070619900101{i:03d}"),
            f"1381234{i:04d}",
            "失业人员",
            "失业登记证",
            f"SY-{i:04d}",
        ]
        for i in range(start, start + count)
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_dry_run_names_every_problem_and_writes_nothing(demo_context, fmt, tmp_path):
    klass = opened_class(demo_context)
    result = demo_context.roster_importer().run(
        klass.code, FIXTURES / f"roster-lo.{fmt}", dry_run=True, report=tmp_path / "问题.xlsx"
    )
    assert result.data_rows == 14 and result.dry_run
    assert result.duplicates == [{"row": 10, "id_number": "320706********9007"}]
    rows = {e["row"] for e in result.errors}
    assert rows == {8, 9, 11, 16, 17, 19}
    # row 15's 火星族 and 贫困户 are not errors but questions for the clerk, once per value
    asked = [(q["column"], q["value"], q["rows"], q["first_rows"]) for q in result.unknown_values]
    assert asked == [("民 族", "火星族", 1, [15]), ("人员类别", "贫困户", 1, [15])]
    assert result.waiting == 1 and result.needs_answers
    # rows 4, 7, 12, 13 and 18 lack an evidence number: imported all the same, 待补证明材料
    assert {"row": 4, "message": "待补证明材料：请补填户口簿的编号，申请补贴前补齐"} in result.warnings
    assert {w["row"] for w in result.warnings if "待补证明材料" in w["message"]} == {4, 7, 12, 13, 18}
    assert result.imported == 6 and result.registered == 6
    assert demo_context.enrollments.list(klass.uuid) == []  # a preview writes nothing
    book = CalamineWorkbook.from_path(str(tmp_path / "问题.xlsx"))
    assert book.sheet_names == ["问题行", "提示"]
    report = book.get_sheet_by_index(0).to_python()
    assert any("与公民身份号码不符" in str(cell) for row in report for cell in row)
    notes = book.get_sheet_by_index(1).to_python()
    assert any("请补填户口簿的编号" in str(cell) for row in notes for cell in row)


def test_import_registers_enrols_once_and_again_adds_nobody(demo_context, tmp_path):
    klass = opened_class(demo_context)
    # already registered: enrolled, not registered again
    known = person(demo_context, birth="19900101", seq=50)
    path = roster(tmp_path, people(5) + [["钱小满", known.id_number, "", "", "", ""]])
    first = demo_context.roster_importer().run(klass.code, path)
    assert (first.imported, first.registered, first.errors, first.duplicates) == (6, 5, [], [])
    listed = demo_context.enrollments.list(klass.uuid)
    assert len(listed) == 6 and {e.evidence_type for e in listed} == {"失业登记证"}
    assert demo_context.search.count("学员丁", include_inactive=True)[0] == 1  # indexed for search
    again = demo_context.roster_importer().run(klass.code, path)
    assert (again.imported, again.registered) == (0, 0)
    assert [d["row"] for d in again.duplicates] == [3, 4, 5, 6, 7, 8]
    assert len(demo_context.enrollments.list(klass.uuid)) == 6


def test_capacity_and_eligibility_refuse_rows_with_reasons(demo_context, tmp_path):
    klass = opened_class(demo_context, capacity=3)
    young = ["小明", "320706201201010011", "13812340000", "失业人员", "失业登记证", "SY-9"]
    from jiangxin_desktop.services.demo.seed import id_with_check

    young[1] = id_with_check("32070620120101001")
    result = demo_context.roster_importer().run(klass.code, roster(tmp_path, [young] + people(4)))
    reasons = {e["row"]: e["message"] for e in result.errors}
    assert "须年满 16 岁" in reasons[3]
    assert "培训班已满（计划 3 人）" in reasons[7]
    assert result.imported == 3


def test_only_clerks_and_admins_import(demo_context, tmp_path):
    klass = opened_class(demo_context)
    login(demo_context, "reviewer")
    with pytest.raises(PermissionDenied):
        demo_context.roster_importer().run(klass.code, roster(tmp_path, people(1)), dry_run=True)


def test_a_failure_in_a_later_chunk_imports_nothing(demo_context, tmp_path, monkeypatch):
    """Rows are written chunk by chunk on the writer's thread; one failing row undoes them all."""
    monkeypatch.setattr(roster_import, "_CHUNKS", (1,))
    monkeypatch.setattr(roster_import, "_CHUNK", 1)  # one row a chunk: the third fails
    klass = opened_class(demo_context)
    path = roster(tmp_path, people(3))
    with demo_context.db.write() as s:  # a real failure inside SQLite, on the third enrolment
        s.execute(
            text(
                "CREATE TRIGGER refuse_third BEFORE INSERT ON enrollment "
                "WHEN (SELECT name FROM trainee WHERE uuid = NEW.trainee_uuid) = '学员七' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    with pytest.raises(KnownError, match="名册未导入任何记录"):
        demo_context.roster_importer().run(klass.code, path)
    assert demo_context.enrollments.list(klass.uuid) == []
    with demo_context.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Trainee).where(Trainee.name.like("学员%"))) == 0
        # the search index's trigger, dropped for the bulk load, is back; merging was never off
        assert s.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'trainee_fts_ai'")) == 1
        assert _automerge(s) == {"trainee_fts": None, "trainee_name_grams": None}
    with demo_context.db.write() as s:
        s.execute(text("DROP TRIGGER refuse_third"))
    result = demo_context.roster_importer().run(klass.code, path)  # the database is free again
    assert (result.imported, result.registered) == (3, 3)
    assert demo_context.search.count("学员七", include_inactive=True)[0] == 1


def test_chunks_meet_the_database_as_one_file(demo_context, tmp_path, monkeypatch):
    """Small chunks give the same result as one: duplicates across chunks, capacity, counts."""
    monkeypatch.setattr(roster_import, "_CHUNKS", (2,))
    monkeypatch.setattr(roster_import, "_CHUNK", 3)
    klass = opened_class(demo_context)
    rows = people(8)
    rows.insert(6, list(rows[1]))  # row 9 repeats row 4, two chunks later
    result = demo_context.roster_importer().run(klass.code, roster(tmp_path, rows))
    assert (result.data_rows, result.imported, result.registered) == (9, 8, 8)
    assert [d["row"] for d in result.duplicates] == [9]
    assert len(demo_context.enrollments.list(klass.uuid)) == 8
    again = demo_context.roster_importer().run(klass.code, roster(tmp_path, rows, "again.xlsx"))
    assert again.imported == 0 and len(again.duplicates) == 9


def _automerge(session) -> dict:
    """The search indexes' automerge setting as stored (None: FTS5's default, 4)."""
    return {
        table: session.scalar(text(f"SELECT v FROM {table}_config WHERE k = 'automerge'"))
        for table in SEARCH_INDEXES
    }


def test_index_segments_of_a_chunked_import_are_merged_afterwards(demo_context, tmp_path, monkeypatch):
    """Each chunk adds a segment to the search indexes unmerged; upkeep merges them later."""
    monkeypatch.setattr(roster_import, "_CHUNKS", (2,))
    monkeypatch.setattr(roster_import, "_CHUNK", 2)  # 12 people: 6 chunks
    klass = opened_class(demo_context)
    db = demo_context.db
    result = demo_context.roster_importer().run(klass.code, roster(tmp_path, people(12)))
    assert result.registered == 12
    with db.read() as s:
        assert _automerge(s) == {"trainee_fts": 4, "trainee_name_grams": 4}  # on again for later writes
    db.finish_upkeep()  # what the upkeep thread does once writes are quiet, or the program closes
    assert not merge_index_step(db)  # nothing is left to merge
    with db.read() as s:
        for table in SEARCH_INDEXES:
            segments = s.scalar(text(f"SELECT count(DISTINCT segid) FROM {table}_idx"))
            assert segments < 6, table
    for name, id_number, phone, *_ in people(12):
        assert demo_context.search.count(name[-2:], include_inactive=True)[0] >= 1
        assert demo_context.search.page(id_number[-6:], include_inactive=True)[0].name == name
        assert demo_context.search.count(phone[-4:], include_inactive=True)[0] >= 1


def test_outbox_names_each_record_the_import_created(demo_context, tmp_path, monkeypatch):
    """One entry per new trainee and per enrolment, across chunks; none for a known person."""
    monkeypatch.setattr(roster_import, "_CHUNKS", (2,))
    monkeypatch.setattr(roster_import, "_CHUNK", 2)
    klass = opened_class(demo_context)
    known = person(demo_context, birth="19900101", seq=50)
    with demo_context.db.read() as s:
        before = s.scalar(select(func.coalesce(func.max(OutboxEntry.seq), 0)))
    demo_context.acting.travels = True  # as at a real station
    rows = people(3)
    path = roster(tmp_path, rows[:1] + [["钱小满", known.id_number, "", "", "", ""]] + rows[1:])
    result = demo_context.roster_importer().run(klass.code, path)
    assert (result.imported, result.registered) == (4, 3)
    with demo_context.db.read() as s:
        entries = s.execute(
            select(OutboxEntry.entity, OutboxEntry.entity_uuid, OutboxEntry.version, OutboxEntry.operation)
            .where(OutboxEntry.seq > before)
            .order_by(OutboxEntry.seq)
        ).all()
        trainees = set(s.scalars(select(Trainee.uuid).where(Trainee.id_number.in_([r[1] for r in rows]))))
    enrolments = {e.uuid for e in demo_context.enrollments.list(klass.uuid)}
    assert sorted(e.entity for e in entries) == ["enrollment"] * 4 + ["trainee"] * 3
    assert {e.entity_uuid for e in entries if e.entity == "trainee"} == trainees
    assert {e.entity_uuid for e in entries if e.entity == "enrollment"} == enrolments
    assert known.uuid not in {e.entity_uuid for e in entries}
    assert {(e.version, e.operation) for e in entries} == {(1, "upsert")}


def test_imported_people_are_stored_field_by_field(demo_context, tmp_path):
    """Every roster column lands in its own field, codes as codes, empty cells as nothing."""
    from datetime import date

    from jiangxin_desktop.services.demo.seed import id_with_check
    from jiangxin_desktop.store.models import Enrollment

    klass = opened_class(demo_context)
    full, sparse = id_with_check("32070619851231002"), id_with_check("32070620000229001")
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "姓名",
            "身份证号",
            "性别",
            "手机号码",
            "民族",
            "户口性质",
            "文化程度",
            "人员类别",
            "证明材料类型",
            "证明材料编号",
            "就业状态",
            "社保卡号",
            "联系地址",
            "工作单位",
            "备注",
        ]
    )
    sheet.append(
        [
            "欧阳娜娜",
            full,
            "女",
            "13812345678",
            "汉",
            "农业",
            "本科",
            "失业人员",
            "失业登记证",
            "SY-1",
            "未就业",
            "6214830512345678909",
            "海州区新浦路1号",
            "某某公司",
            "夜班",
        ]
    )
    sheet.append(["钱满", sparse, "", "13812345679", "", "", "", "失业人员", "失业登记证", "SY-2"])
    path = tmp_path / "名册.xlsx"
    book.save(path)
    result = demo_context.roster_importer().run(klass.code, path)
    assert (result.imported, result.registered, result.errors) == (2, 2, [])
    with demo_context.db.read() as s:
        a, b = (s.scalars(select(Trainee).where(Trainee.id_number == n)).one() for n in (full, sparse))
        assert (a.name, a.birth_date, a.sex, a.phone) == ("欧阳娜娜", date(1985, 12, 31), "女", "13812345678")
        assert (a.ethnicity, a.hukou, a.education, a.employment_status) == ("01", "1", "20", "2")
        assert (a.target_group, a.evidence_type, a.evidence_number) == ("31", "失业登记证", "SY-1")
        assert (a.bank_card, a.address, a.employer, a.note) == (
            "6214830512345678909",
            "海州区新浦路1号",
            "某某公司",
            "夜班",
        )
        assert (b.birth_date, b.sex) == (date(2000, 2, 29), "男")
        assert (b.ethnicity, b.hukou, b.education, b.employment_status) == (None, None, None, None)
        assert (b.bank_card, b.address, b.employer, b.note) == (None, None, None, None)
        assert (a.version, a.active, a.target_flags, a.created_by) == (1, True, "[]", "clerk")
        assert b.seq == a.seq + 1
        enrolments = s.scalars(select(Enrollment).where(Enrollment.class_uuid == klass.uuid)).all()
        assert sorted((e.trainee_uuid, e.evidence_number, e.status) for e in enrolments) == sorted(
            [(a.uuid, "SY-1", "enrolled"), (b.uuid, "SY-2", "enrolled")]
        )
    # two-character names are found by one or two of their characters
    assert demo_context.search.count("钱满", include_inactive=True)[0] == 1
    assert demo_context.search.count("娜娜", include_inactive=True)[0] >= 1


def test_the_importer_uses_only_the_pieces_it_is_given(demo_context, tmp_path):
    """Built without the context: the rows carry the clock's instant and the consent version it
    was handed, the audit event names that version, and its limits are the ones obeyed."""
    from jiangxin_desktop.services.exchange.roster_import import RosterImporter
    from jiangxin_desktop.domain.import_limits import ImportLimits
    from jiangxin_desktop.store.models import AuditEvent, Enrollment

    ctx = demo_context
    klass = opened_class(ctx)
    instant = "2026-01-02T03:04:05.678Z"
    importer = RosterImporter(
        ctx.db,
        ctx.acting,
        ctx.classes,
        ctx.catalogs,
        ctx.codes,
        consent_version="测试告知-v9",
        limits=ImportLimits(max_rows=2),
        clock=lambda: instant,
    )
    with pytest.raises(KnownError, match="导入行数上限 2 行"):
        importer.run(klass.code, roster(tmp_path, people(3)), dry_run=True)
    rows = people(2)
    assert importer.run(klass.code, roster(tmp_path, rows, "two.xlsx")).registered == 2
    with ctx.db.read() as s:
        trainees = {
            tuple(row)
            for row in s.execute(
                select(Trainee.created_at, Trainee.consent_version, Trainee.station_code).where(
                    Trainee.id_number.in_([r[1] for r in rows])
                )
            )
        }
        enrolled = set(s.scalars(select(Enrollment.created_at).where(Enrollment.class_uuid == klass.uuid)))
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "roster.import").order_by(AuditEvent.seq.desc())
        ).first()
    assert trainees == {(instant, "测试告知-v9", ctx.station.code)}
    assert enrolled == {instant}
    assert event is not None and "测试告知-v9" in (event.after_json or "")
