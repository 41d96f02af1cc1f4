"""花名册 and 签到表 printed from a demo database, read back (tests/pdf_tools.py)."""

from __future__ import annotations

import json

import keyring
import pytest
from sqlalchemy import select

from jiangxin_desktop.context import open_context
from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.demo.classes import RARE_NAME
from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.services.printing.templates import load_template, shipped_template
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.store.models import AuditEvent
from tests.conftest import DEMO_DAY, DEMO_PASSWORD, FixedClock, MemoryKeyring, no_passphrase, use_clock
from tests.pdf_tools import pdf_fonts, pdf_pages, pdf_pngs

RARE_ID = "320706199803150021"  # 李玥 in the demo classes


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One demo database with classes for the module (its key in a keyring kept with it)."""
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        paths = DataPaths(tmp_path_factory.mktemp("print") / "data")
        made = ensure_demo_database(paths, no_passphrase, 60, user_password=DEMO_PASSWORD, today=DEMO_DAY)
        codes = made["classes"]
    finally:
        keyring.set_keyring(previous)
    return paths, backend, codes


@pytest.fixture
def open_as(demo_db):
    paths, backend, codes = demo_db
    keyring.set_keyring(backend)  # the autouse memory keyring is put back afterwards
    opened = []

    def login(username: str):
        ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
        ctx.login(username, DEMO_PASSWORD)
        opened.append(ctx)
        return ctx

    yield login, codes
    for ctx in opened:
        ctx.close()


def flat(text: str) -> str:
    return "".join(text.split())  # text extraction may drop the narrow spaces of a layout


def last_event(ctx, action: str) -> AuditEvent | None:
    with ctx.db.read() as s:
        return s.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()


def test_a_clerk_prints_a_masked_roster_with_embedded_subset_fonts(open_as, tmp_path):
    login, codes = open_as
    ctx = login("clerk")
    out = tmp_path / "花名册.pdf"
    result = ctx.class_documents().print_roster(codes[0], out)
    assert result["masked"] is True and result["rows"] >= 15 and result["pages"] >= 1
    pages = pdf_pages(out)
    assert len(pages) == result["pages"]
    text = flat("".join(pages))
    assert RARE_NAME in text and "320706********0021" in text and RARE_ID not in text
    assert "养老护理员（初级）2026年第1期" in text and "证件号码和电话已脱敏" in text
    assert f"第1页共{result['pages']}页" in text
    fonts = pdf_fonts(out)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)
    assert all("WenQuanYiMicroHei" in f["name"] for f in fonts)
    event = last_event(ctx, "print.roster")
    assert event is not None and event.actor == "clerk"
    after = json.loads(event.after_json)
    assert after == {
        "class": codes[0],
        "rows": result["rows"],
        "pages": result["pages"],
        "full_numbers": False,
        "template": "花名册",
    }
    assert RARE_NAME not in event.after_json and out.name not in event.after_json
    pngs = pdf_pngs(out, tmp_path / "png")
    assert len(pngs) == result["pages"] and all(p.stat().st_size > 5000 for p in pngs)


def test_a_reviewer_s_roster_has_full_numbers_and_says_so(open_as, tmp_path):
    login, codes = open_as
    ctx = login("reviewer")
    result = ctx.class_documents().print_roster(codes[0], tmp_path / "r.pdf")
    text = flat("".join(pdf_pages(tmp_path / "r.pdf")))
    assert result["masked"] is False and RARE_ID in text and "请妥善保管" in text
    assert json.loads(last_event(ctx, "print.roster").after_json)["full_numbers"] is True


def test_a_sign_in_sheet_has_the_session_masked_ids_and_signature_lines(open_as, tmp_path):
    login, codes = open_as
    ctx = login("reviewer")  # even a reviewer's sign-in sheet is masked: it lies open on a table
    klass = ctx.classes.get(codes[1])
    out = tmp_path / "签到表.pdf"
    result = ctx.class_documents().print_signin(codes[1], 2, out)
    pages = pdf_pages(out)
    text = flat("".join(pages))
    session = klass.sessions[1]
    assert result["rows"] == klass.enrolled and result["pages"] == len(pages) == 1
    assert flat(klass.name) in text and "第2次课" in text
    assert f"{session.day.year}年{session.day.month}月{session.day.day}日" in text
    assert session.teacher in text and "签到（签名）" in text and "签退（签名）" in text
    assert "授课教师（签字）" in text and "培训机构负责人（签字）" in text
    ids = [e.trainee_id_number for e in ctx.enrollments.list(klass.uuid)]
    assert all(i not in text and f"{i[:6]}********{i[-4:]}" in text for i in ids)
    after = json.loads(last_event(ctx, "print.signin").after_json)
    assert after == {
        "class": codes[1],
        "session": 2,
        "rows": result["rows"],
        "pages": 1,
        "template": "签到表",
    }


def test_a_session_that_does_not_exist_is_named(open_as, tmp_path):
    login, codes = open_as
    ctx = login("clerk")
    with pytest.raises(KnownError, match="没有第 99 次课：本班共 14 次课"):
        ctx.class_documents().print_signin(codes[1], 99, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_an_edited_copy_of_the_template_changes_the_sheet(open_as, tmp_path):
    login, codes = open_as
    ctx = login("clerk")
    copy = tmp_path / "signin.toml"
    shipped = shipped_template("signin").read_text(encoding="utf-8")
    assert 'text = "签　到　表"' in shipped
    copy.write_text(shipped.replace('text = "签　到　表"', 'text = "学员签到簿（赣榆区）"'), encoding="utf-8")
    ctx.class_documents().print_signin(codes[1], 1, tmp_path / "edited.pdf", template=copy)
    ctx.class_documents().print_signin(codes[1], 1, tmp_path / "shipped.pdf")
    assert "学员签到簿（赣榆区）" in flat(pdf_pages(tmp_path / "edited.pdf")[0])
    assert "学员签到簿" not in flat(pdf_pages(tmp_path / "shipped.pdf")[0])


def test_a_name_the_font_cannot_draw_stops_the_roster_before_a_file_exists(open_as, tmp_path):
    login, codes = open_as
    ctx = login("clerk")
    opened = ctx.classes.get(codes[2])  # 已开班: nobody else prints it
    person = ctx.registry.register(
        TraineeInput(
            name="刘䶮",
            id_number=id_with_check("32070619900101001"),
            phone="13961300099",
            target_group="11",  # the opened class's project trains rural transfer labour
            evidence_type="户口簿",
            evidence_number="HK2026-0099",
            consent=True,
        )
    )
    ctx.enrollments.enroll(
        opened.uuid, EnrollInput(person.uuid, evidence_number="DEMO-000099"), confirmed=True
    )
    before = last_event(ctx, "print.roster")
    out = tmp_path / "out" / "花名册.pdf"
    with pytest.raises(KnownError) as caught:
        ctx.class_documents().print_roster(codes[2], out)
    assert "学员 刘䶮 的姓名中的“䶮”在字体“文泉驿微米黑”中没有字形" in caught.value.message
    assert not out.parent.exists()
    after = last_event(ctx, "print.roster")
    assert (after.seq if after else None) == (
        before.seq if before else None
    )  # nothing printed, nothing audited


def test_the_shipped_templates_load():
    roster, signin = load_template(shipped_template("roster")), load_template(shipped_template("signin"))
    assert (roster.page.orientation, signin.page.orientation) == ("landscape", "portrait")
    assert [c.label for c in roster.table.columns][:4] == ["序号", "姓名", "性别", "身份证号"]
