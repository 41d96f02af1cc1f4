"""The printed subsidy documents (申请表, 汇总表, 公示名单) from a demo database, read back by pdf_tools.

Claims are written with the model (as the claim service writes them), so the documents are tested
on their own: a draft, reviewed ones (one carried by a batch: 已提交), an approved, a paid, a
returned one, a unit payee, and a withdrawn claim superseded by a later one.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import keyring
import pytest
from sqlalchemy import select

from jiangxin_desktop.context import open_context
from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.domain.money import capital, yuan_text
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.printing.kinsoku import CLOSING
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.services.subsidies import PayeeInput
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import AuditEvent, Certificate, Enrollment, Trainee
from jiangxin_desktop.store.subsidy_models import SubsidyClaim
from tests.conftest import DEMO_DAY, DEMO_PASSWORD, FixedClock, MemoryKeyring, no_passphrase, use_clock
from tests.pdf_tools import pdf_fonts, pdf_pages

ACCOUNT = "6217001234567890123"
UNIT = ("连云港市海州区职业培训学校", "52320700MJ0000000X")
# status of the n-th certified enrolment (the rest stay reviewed)
STATUSES = {0: "draft", 1: "approved", 2: "paid", 3: "returned", 4: "reviewed", 5: "reviewed"}


def add_claim(session, enrollment: Enrollment, certificate: Certificate, serial: int, **changes) -> SubsidyClaim:
    now = utc_now()
    values = dict(
        uuid=str(uuid.uuid4()),
        station_code=certificate.station_code,
        created_at=now,
        updated_at=now,
        number=f"{certificate.station_code}-BT2026-{serial:05d}",
        year=2026,
        serial=serial,
        revision=1,
        enrollment_uuid=enrollment.uuid,
        trainee_uuid=enrollment.trainee_uuid,
        class_uuid=enrollment.class_uuid,
        certificate_uuid=certificate.uuid,
        status="reviewed",
        kind="level",
        standard_fen=80000,
        amount_fen=80000,
        fee_fen=100000,
        government_fen=80000,
        employer_fen=0,
        personal_fen=20000,
        payee_kind="person",
        payee_name="",
        payee_account=ACCOUNT,
        payee_bank="中国工商银行连云港分行",
        catalog_version="示例",
        inputs_json='{"attended_hours": 38, "planned_hours": 40}',
        inputs_hash="sha256:0",
        explanation_json="[]",
        created_by="clerk",
    )
    values.update(changes)
    claim = SubsidyClaim(**values)
    session.add(claim)
    return claim


def seed_claims(ctx, class_code: str) -> dict:
    """Claims for every certified enrolment of the class; returns what the tests look for."""
    klass = ctx.classes.get(class_code)
    made: dict = {"numbers": {}, "counted_fen": 0, "names": {}}
    with ctx.db.write() as s:
        rows = s.execute(
            select(Enrollment, Certificate, Trainee)
            .join(Certificate, Certificate.enrollment_uuid == Enrollment.uuid)
            .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
            .where(Enrollment.class_uuid == klass.uuid, Certificate.status == "valid")
            .order_by(Enrollment.seq)
        ).all()
        serial = 1
        for i, (e, cert, t) in enumerate(rows):
            status = STATUSES.get(i, "reviewed")
            changes: dict = {"payee_name": t.name, "status": status}
            if i == 1:
                changes["decided_amount_fen"] = 80000
            if i == 4:
                changes["submitted_batch_id"] = str(uuid.uuid4())
            if i == 5:  # paid to the institution, an odd amount
                changes.update(payee_kind="unit", payee_name=UNIT[0], payee_uscc=UNIT[1], amount_fen=100050)
            if i == 6:  # an earlier claim, withdrawn; the later one counts
                add_claim(s, e, cert, serial, status="withdrawn", payee_name=t.name, amount_fen=1)
                serial += 1
                changes["revision"] = 2
            claim = add_claim(s, e, cert, serial, **changes)
            serial += 1
            made["numbers"][status] = made["numbers"].get(status, claim.number)
            made["names"][claim.number] = (t.name, t.id_number)
            if status in ("reviewed", "approved", "paid"):
                made["counted_fen"] += claim.amount_fen
        made["count"] = len(rows)
        made["counted"] = sum(1 for i in range(len(rows)) if STATUSES.get(i, "reviewed") != "draft"
                              and STATUSES.get(i, "reviewed") != "returned")
    return made


@pytest.fixture(scope="module")
def claims_db(tmp_path_factory):
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        paths = DataPaths(tmp_path_factory.mktemp("claims") / "data")
        made = ensure_demo_database(paths, no_passphrase, 60, user_password=DEMO_PASSWORD, today=DEMO_DAY)
        code = made["classes"][0]
        ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
        try:
            ctx.login("clerk", DEMO_PASSWORD)
            ctx.certificates.issue(code)
            seeded = seed_claims(ctx, code)
        finally:
            ctx.close()
    finally:
        keyring.set_keyring(previous)
    return paths, backend, made["classes"], seeded


@pytest.fixture
def docs(claims_db):
    paths, backend, codes, seeded = claims_db
    keyring.set_keyring(backend)
    ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
    ctx.login("clerk", DEMO_PASSWORD)
    yield ctx, codes, seeded
    ctx.close()


def no_line_starts_with_closing(text: str) -> None:
    for line in text.splitlines():
        assert not line[:1] or line[0] not in CLOSING, line


def test_the_forms_one_page_per_claim_with_full_numbers_and_capital_amounts(docs, tmp_path):
    ctx, codes, seeded = docs
    out = tmp_path / "申请表.pdf"
    result = ctx.subsidy_documents().subsidy_forms(codes[0], out)
    pages = pdf_pages(out)
    # the returned claim is left out unless asked for by number
    assert result == {"out": str(out), "pages": seeded["count"] - 1, "claims": seeded["count"] - 1, "drafts": 1}
    assert len(pages) == result["pages"]
    assert all(f["emb"] == "yes" for f in pdf_fonts(out))
    first = pages[0]  # the draft
    assert "职业培训补贴申请表" in first and "草稿（未经审核" in first
    name, id_number = seeded["names"][seeded["numbers"]["draft"]]
    assert name in first and id_number in first and ACCOUNT in first
    assert "人民币捌佰元整" in first and "800.00 元" in first
    for words in ("统一社会信用代码", "公民身份号码", "人员类别", "证书编号", "出勤 38 / 计划 40 课时",
                  "政府补贴 800.00 元", "承诺", "申请人（签字", "培训机构意见（盖章）", "服务站审核意见（盖章）"):
        assert words in first, words
    assert "草稿" not in pages[1]
    unit = next(p for p in pages if UNIT[0] in p)
    assert UNIT[1] in unit and capital(100050) in unit and "壹仟元伍角" in unit
    for page in pages:
        no_line_starts_with_closing(page)


def test_one_form_by_number_and_a_returned_claim_marked(docs, tmp_path):
    ctx, codes, seeded = docs
    out = tmp_path / "one.pdf"
    returned = seeded["numbers"]["returned"]
    result = ctx.subsidy_documents().subsidy_forms(codes[0], out, numbers=[returned])
    assert result["pages"] == 1 and "已退回" in pdf_pages(out)[0]
    with pytest.raises(KnownError, match="BT2099"):
        ctx.subsidy_documents().subsidy_forms(codes[0], tmp_path / "x.pdf", numbers=["320-BT2099-00001"])
    assert not (tmp_path / "x.pdf").exists()


def test_the_summary_masks_ids_and_totals_only_reviewed_claims(docs, tmp_path):
    ctx, codes, seeded = docs
    out = tmp_path / "汇总表.pdf"
    result = ctx.subsidy_documents().claim_summary(codes[0], out)
    text = "\n".join(pdf_pages(out))
    assert all(f["emb"] == "yes" for f in pdf_fonts(out))
    assert result["claims"] == seeded["count"] and result["counted"] == seeded["counted"]
    for name, id_number in seeded["names"].values():
        if name in text:
            assert id_number not in text and mask_id(id_number) in text
    total = seeded["counted_fen"]
    assert f"计入 {seeded['counted']} 人" in text.replace("\n", "")
    assert yuan_text(total) in text and capital(total) in text.replace("\n", "")
    for label in ("草稿", "已审核", "已提交", "已核准", "已发放", "已退回"):
        assert label in text, label
    assert "已撤回" not in text
    for words in ("经办人", "审核人", "只计已审核"):
        assert words in text.replace("\n", ""), words
    pages = pdf_pages(out)
    assert len(pages) == result["pages"] == 2  # 19 claims, the total and the signatures
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
        no_line_starts_with_closing(page)


def test_the_notice_shows_names_masked_ids_amounts_and_the_period(docs, tmp_path):
    ctx, codes, seeded = docs
    out = tmp_path / "公示.pdf"
    result = ctx.subsidy_documents().notice(codes[0], out, start=date(2026, 12, 7))
    text = "\n".join(pdf_pages(out))
    flat = text.replace("\n", "")
    assert all(f["emb"] == "yes" for f in pdf_fonts(out))
    assert result["claims"] == seeded["counted"] and result["end"] == "2026-12-13"
    assert "2026年12月7日" in flat and "2026年12月13日" in flat and "7 天" in flat
    draft_name, _ = seeded["names"][seeded["numbers"]["draft"]]
    for number, (name, id_number) in seeded["names"].items():
        assert id_number not in text
    assert mask_id(seeded["names"][seeded["numbers"]["paid"]][1]) in text
    assert seeded["names"][seeded["numbers"]["paid"]][0] in text
    assert ACCOUNT not in text and "草稿" not in text
    assert ctx.station.name in flat and "第 1 页 共" in text
    no_line_starts_with_closing(text)


def test_a_class_without_claims_is_said_in_chinese(docs, tmp_path):
    ctx, codes, _ = docs
    for what in ("subsidy_forms", "claim_summary", "notice"):
        with pytest.raises(KnownError, match="还没有补贴申请"):
            getattr(ctx.subsidy_documents(), what)(codes[1], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_prints_are_audited_without_personal_data(docs, tmp_path):
    ctx, codes, seeded = docs
    ctx.subsidy_documents().claim_summary(codes[0], tmp_path / "s.pdf")
    with ctx.db.read() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "print.claim_summary" and seeded["numbers"]["paid"] in event.after_json
    assert not re.search(r"\d{17}[\dX]", event.after_json)



def test_claims_made_by_the_claim_service_print(tmp_path, memory_keyring):
    """Claims as ``ctx.subsidy`` writes them (hours frozen in the inputs, the person the payee)."""
    paths = DataPaths(tmp_path / "data")
    made = ensure_demo_database(paths, no_passphrase, 40, user_password=DEMO_PASSWORD, today=DEMO_DAY)
    code = made["classes"][0]
    ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
    try:
        ctx.login("clerk", DEMO_PASSWORD)
        ctx.certificates.issue(code)
        klass = ctx.classes.get(code)  # demo trainees have no bank card on file: the institution is paid
        payee = PayeeInput("unit", klass.institution_name, "6222020200112233445", "工商银行", klass.institution_uscc)
        created = ctx.subsidy.create_for_class(code, "unit", payee).created
        assert created
        ctx.login("reviewer", DEMO_PASSWORD)
        ctx.subsidy.review(created[0].number)
        docs = ctx.subsidy_documents()
        forms = docs.subsidy_forms(code, tmp_path / "f.pdf")
        assert forms["claims"] == len(created) and forms["drafts"] == len(created) - 1
        pages = pdf_pages(tmp_path / "f.pdf")
        assert "草稿" not in pages[0] and all("草稿" in p for p in pages[1:])
        assert created[0].trainee_name in pages[0] and capital(created[0].amount_fen) in pages[0]
        assert klass.institution_uscc in pages[0] and "6222020200112233445" in pages[0]
        assert re.search(r"出勤 \d+ / 计划 \d+ 课时", pages[0])
        notice = docs.notice(code, tmp_path / "n.pdf")
        assert notice["claims"] == 1 and notice["start"] == DEMO_DAY.isoformat()
        summary = docs.claim_summary(code, tmp_path / "s.pdf")
        assert summary == {**summary, "claims": len(created), "counted": 1}
    finally:
        ctx.close()


def test_nobody_logged_in_prints_nothing(docs, tmp_path):
    ctx, codes, _ = docs
    ctx.acting.user = None
    with pytest.raises(PermissionDenied):
        ctx.subsidy_documents().subsidy_forms(codes[0], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_the_templates_keep_text_off_the_signature_and_seal_boxes(tmp_path):
    from jiangxin_desktop.services.printing import load_template, shipped_template
    from jiangxin_desktop.services.printing.keep_out import is_seal

    seals = {name: sum(map(is_seal, load_template(shipped_template(name)).boxes))
             for name in ("subsidy-application", "claim-summary", "subsidy-notice")}
    assert seals == {"subsidy-application": 3, "claim-summary": 1, "subsidy-notice": 1}
    text = shipped_template("subsidy-application").read_text(encoding="utf-8")
    assert "y = 192\nheight = 22\n" in text
    edited = tmp_path / "申请表.toml"  # the 承诺 text made taller, over the signature boxes
    edited.write_text(text.replace("y = 192\nheight = 22\n", "y = 192\nheight = 40\n"), encoding="utf-8")
    with pytest.raises(KnownError, match="承诺.*重叠"):
        load_template(edited)
