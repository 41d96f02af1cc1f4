"""Registering, editing and deactivating trainees on a real encrypted database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jiangxin_desktop.errors import ConflictError, ValidationError
from jiangxin_desktop.services.audit.trail import list_events
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import DuplicateTraineeError, TraineeInput

ID = id_with_check("32070719800101123")  # 赣榆区 code (2014) for a 1980 birth: a real person


def person(**overrides) -> TraineeInput:
    values = dict(name="张小明", id_number=ID, phone="138 1234 5678", target_group="31", consent=True)
    values.update(overrides)
    return TraineeInput(**values)


def count(ctx, sql: str) -> int:
    with ctx.db.read() as s:
        return s.execute(text(sql)).scalar_one()


def test_register_derives_birth_and_sex_and_journals(demo_context):
    outbox, audit = (
        count(demo_context, "SELECT count(*) FROM outbox"),
        count(demo_context, "SELECT count(*) FROM audit_event"),
    )
    demo_context.registry.travels = True  # behave as a real station
    rec = demo_context.registry.register(person(id_number=ID.lower().replace("x", "x")))
    assert (rec.birth_date.isoformat(), rec.sex, rec.phone) == ("1980-01-01", "男", "13812345678")
    assert rec.version == 1 and rec.station_code == "320706001" and len(rec.uuid) == 36
    assert count(demo_context, "SELECT count(*) FROM outbox") == outbox + 1
    assert count(demo_context, "SELECT count(*) FROM audit_event") == audit + 1
    with demo_context.db.read() as s:  # the entry names the row; the batch serialises it
        entry = s.execute(
            text("SELECT entity, entity_uuid, version, operation FROM outbox ORDER BY seq DESC")
        ).first()
    assert tuple(entry) == ("trainee", rec.uuid, 1, "upsert")


def test_demo_database_never_fills_the_outbox(demo_context):
    demo_context.registry.register(person())
    assert count(demo_context, "SELECT count(*) FROM outbox") == 0


def test_one_person_per_id_number(demo_context):
    first = demo_context.registry.register(person())
    with pytest.raises(DuplicateTraineeError) as info:
        demo_context.registry.register(person(name="张晓明", id_number=f" {ID[:6]} {ID[6:]} "))
    assert info.value.existing.uuid == first.uuid
    assert "已登记" in info.value.message and "张小明" in info.value.message


def test_invalid_input_names_every_field_and_writes_nothing(demo_context):
    before = count(demo_context, "SELECT count(*) FROM trainee")
    with pytest.raises(ValidationError) as info:
        demo_context.registry.register(
            person(
                name="=1+1",
                id_number=ID[:-1] + ("0" if ID[-1] != "0" else "1"),
                phone="12345",
                consent=False,
                hukou="nonsense",
            )
        )
    fields = {e.field for e in info.value.errors}
    assert fields == {"姓名", "公民身份号码", "手机号码", "户口性质", "个人信息处理同意"}
    assert count(demo_context, "SELECT count(*) FROM trainee") == before


def test_excel_mangled_id_is_explained(demo_context):
    with pytest.raises(ValidationError, match="科学计数法"):
        demo_context.registry.register(person(id_number="3.20707E+17"))


def test_luhn_failure_is_only_a_warning(demo_context):
    checked = demo_context.registry.check(person(bank_card="6222021234567890124"))
    assert not checked.errors or all(e.field != "bank_card" for e in checked.errors)
    assert any(w.field == "bank_card" for w in checked.warnings)


def test_flags_and_evidence_must_fit_the_group(demo_context):
    rural = next(c for c in demo_context.codes["target_group"].codes if c.extra.get("flags"))
    flag = rural.extra["flags"][0]
    ok = demo_context.registry.check(person(target_group=rural.code, target_flags=(flag,)))
    assert not ok.errors
    bad = demo_context.registry.check(person(target_group="31", target_flags=(flag,)))
    assert [e.field for e in bad.errors] == ["target_flags"]


def test_update_bumps_version_and_detects_conflicts(demo_context):
    rec = demo_context.registry.register(person())
    changed = demo_context.registry.update(rec.uuid, person(name="张晓明"), expected_version=1)
    assert changed.version == 2 and changed.name == "张晓明"
    assert [r.uuid for r in demo_context.search.page("晓明")] == [rec.uuid]
    assert rec.uuid not in [r.uuid for r in demo_context.search.page("小明")]
    with pytest.raises(ConflictError):
        demo_context.registry.update(rec.uuid, person(name="张明明"), expected_version=1)


def test_deactivate_is_not_delete_and_is_audited(demo_context):
    rec = demo_context.registry.register(person())
    done = demo_context.registry.deactivate(rec.uuid, "重复登记")
    assert not done.active and done.deactivated_reason == "重复登记"
    assert demo_context.registry.get(rec.uuid).name == "张小明"
    assert rec.uuid not in [r.uuid for r in demo_context.search.page(ID)]
    assert rec.uuid in [r.uuid for r in demo_context.search.page(ID, include_inactive=True)]
    with demo_context.db.read() as s:
        actions = (
            s.execute(
                text("SELECT action FROM audit_event WHERE object_id = :u ORDER BY seq"), {"u": rec.uuid}
            )
            .scalars()
            .all()
        )
    assert actions == ["trainee.register", "trainee.deactivate"]


def test_reveal_leaves_an_audit_event(demo_context):
    from jiangxin_desktop.services.security.users import PermissionDenied

    rec = demo_context.registry.register(person())
    with pytest.raises(PermissionDenied, match="审核人或管理员"):
        demo_context.registry.reveal(rec.uuid, "id_number")  # the clerk sees masked numbers only
    demo_context.login("reviewer", "Demo-pass-2025")
    shown = demo_context.registry.reveal(rec.uuid, "id_number", "phone")
    assert shown == {"id_number": ID, "phone": "13812345678"}
    assert count(demo_context, "SELECT count(*) FROM audit_event WHERE action = 'trainee.reveal'") == 1


def test_invalid_employer_uscc_needs_a_recorded_reason(demo_context):
    from stdnum.cn import uscc

    valid = "91320700" + "MA1MX4L2" + "0"
    valid = valid[:17] + uscc.calc_check_digit(valid[:17])
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    assert not demo_context.registry.check(person(employer_uscc=valid)).errors
    blocked = demo_context.registry.check(person(employer_uscc=wrong))
    assert [e.field for e in blocked.errors] == ["employer_uscc"] and "例外说明" in blocked.errors[0].message
    rec = demo_context.registry.register(
        person(employer_uscc=wrong, employer_uscc_override="营业执照原件核对无误")
    )
    assert rec.employer_uscc == wrong and rec.employer_uscc_override == "营业执照原件核对无误"
    after = list_events(demo_context.db, limit=1)[0].after_json  # the reason is sealed with the person
    assert "营业执照原件核对无误" in after


def test_change_and_its_outbox_entry_commit_together(demo_context, monkeypatch):
    """If writing the outbox entry fails, the trainee is not written either (one transaction)."""
    demo_context.registry.travels = True
    trainees = count(demo_context, "SELECT count(*) FROM trainee")

    def full_disk(*args, **kwargs):
        raise OSError("database or disk is full")

    monkeypatch.setattr("jiangxin_desktop.store.outbox.enqueue", full_disk)
    with pytest.raises(OSError):
        demo_context.registry.register(person())
    assert count(demo_context, "SELECT count(*) FROM trainee") == trainees
    assert count(demo_context, "SELECT count(*) FROM outbox") == 0
    assert demo_context.search.page(ID) == []
