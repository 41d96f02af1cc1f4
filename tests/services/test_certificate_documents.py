"""Certificates printed from a demo database through forms/certificate.toml, read back by pdf_tools."""

from __future__ import annotations

import json
from datetime import date

import keyring
import pytest

from jiangxin_desktop.context import open_context
from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.demo.classes import RARE_NAME
from jiangxin_desktop.services.certificates.documents import certificate_contexts, chinese_date
from jiangxin_desktop.services.printing.templates import load_template, shipped_template
from jiangxin_desktop.services.security.roles import PermissionDenied
from tests.conftest import DEMO_DAY, DEMO_PASSWORD, FixedClock, MemoryKeyring, no_passphrase, use_clock
from tests.pdf_tools import pdf_fonts, pdf_pages
from tests.services.test_class_documents import flat, last_event


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """Demo classes; the finished class has certificates: one revoked, one reissued (补发)."""
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        paths = DataPaths(tmp_path_factory.mktemp("certs") / "data")
        made = ensure_demo_database(paths, no_passphrase, 60, user_password=DEMO_PASSWORD, today=DEMO_DAY)
        codes = made["classes"]
        ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
        try:
            ctx.login("clerk", DEMO_PASSWORD)
            issued = ctx.certificates.issue(codes[0]).issued
            rare = next(c for c in issued if c.trainee_name == RARE_NAME)
            others = [c for c in issued if c is not rare]
            reissued, revoked = others[0], others[-1]
            ctx.certificates.reprint(reissued.number, "原证遗失")
            ctx.login("reviewer", DEMO_PASSWORD)
            ctx.certificates.revoke(revoked.number, "考核材料不实")
        finally:
            ctx.close()
    finally:
        keyring.set_keyring(previous)
    numbers = {
        "all": [c.number for c in issued],
        "rare": rare.number,
        "reissued": reissued.number,
        "revoked": revoked.number,
    }
    return paths, backend, codes, numbers


@pytest.fixture
def open_as(demo_db):
    paths, backend, codes, numbers = demo_db
    keyring.set_keyring(backend)  # the autouse memory keyring is put back afterwards
    opened = []

    def login(username: str):
        ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
        ctx.login(username, DEMO_PASSWORD)
        opened.append(ctx)
        return ctx

    yield login, codes, numbers
    for ctx in opened:
        ctx.close()


def seq(event) -> int | None:
    return event.seq if event else None


def test_a_clerk_prints_every_valid_certificate_one_page_each(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("clerk")
    out = tmp_path / "证书.pdf"
    result = ctx.certificate_printing().print(codes[0], out)
    valid = [n for n in numbers["all"] if n != numbers["revoked"]]
    assert result == {
        "file": str(out),
        "pages": len(valid),
        "certificates": len(valid),
        "class": codes[0],
        "reissued": 1,
    }
    pages = [flat(p) for p in pdf_pages(out)]
    assert len(pages) == len(valid)
    for number, page in zip(valid, pages, strict=True):  # in number order, one a page
        assert f"证书编号：{number}" in page and "扫码核验" in page and "发证机构（盖章）" in page
    assert all(numbers["revoked"] not in p for p in pages)
    rare = pages[valid.index(numbers["rare"])]
    klass = ctx.classes.get(codes[0])
    # the holder's own document: the full ID number (lists and the QR code stay masked)
    assert RARE_NAME in rare and "320706199803150021" in rare and "320706********0021" not in rare
    assert "职业技能等级证书" in rare  # the certificate type is the title
    assert "养老护理员（五级/初级工）" in rare and f"共{klass.class_hours}课时" in rare
    assert f"于{klass.start_date.year}年{klass.start_date.month}月" in rare
    # a 职业技能等级证书 is the evaluation body's: the page names it (the station only as 经办)
    assert "经职业技能等级认定合格，特发此证。" in rare and flat(ctx.station.name) in rare
    fonts = pdf_fonts(out)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)
    assert all("UMing" in f["name"] for f in fonts)

    event = last_event(ctx, "print.certificates")
    assert event is not None and event.actor == "clerk" and event.object_id == klass.uuid
    assert json.loads(event.after_json) == {
        "class": codes[0],
        "certificates": len(valid),
        "reissued": 1,
        "pages": len(valid),
        "numbers": valid,
        "template": "证书",
    }
    assert RARE_NAME not in event.after_json and "****" not in event.after_json


def test_the_reissue_mark_is_printed_only_on_the_reissued_certificate(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("admin")
    out = tmp_path / "补发.pdf"
    result = ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"], numbers["reissued"]])
    assert result["certificates"] == 2 and result["reissued"] == 1
    by_number = {n: flat(p) for p in pdf_pages(out) for n in (numbers["rare"], numbers["reissued"]) if n in p}
    assert "补发" in by_number[numbers["reissued"]] and "补发日期：" in by_number[numbers["reissued"]]
    assert "补发" not in by_number[numbers["rare"]]


def test_a_reviewer_may_not_print_certificates(open_as, tmp_path):
    login, codes, _ = open_as
    ctx = login("reviewer")
    with pytest.raises(PermissionDenied, match="打印证书"):
        ctx.certificate_printing().print(codes[0], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_revoked_unknown_and_empty_selections_are_named_and_print_nothing(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("clerk")
    before = seq(last_event(ctx, "print.certificates"))
    out = tmp_path / "x.pdf"
    with pytest.raises(KnownError, match=f"证书 {numbers['revoked']} 已撤销，不能打印"):
        ctx.certificate_printing().print(codes[0], out, numbers=[numbers["rare"], numbers["revoked"]])
    unknown = numbers["rare"][:-6] + "999999"
    with pytest.raises(KnownError, match=f"没有证书 {unknown}"):
        ctx.certificate_printing().print(codes[0], out, numbers=[unknown])
    with pytest.raises(KnownError, match="没有选择要打印的证书"):
        ctx.certificate_printing().print(codes[0], out, numbers=[" "])
    with pytest.raises(KnownError, match="还没有发放证书。请先发证"):
        ctx.certificate_printing().print(codes[1], out)  # the class in training has none
    assert not out.exists() and seq(last_event(ctx, "print.certificates")) == before


def test_a_cancelled_print_leaves_no_file_and_no_audit_event(open_as, tmp_path):
    login, codes, _ = open_as
    ctx = login("clerk")
    before = seq(last_event(ctx, "print.certificates"))
    out = tmp_path / "out" / "证书.pdf"
    seen: list[tuple[int, int]] = []

    class Cancelled(Exception):
        pass

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        ctx.certificate_printing().print(codes[0], out, progress=progress)
    assert seen[0][0] == 1 and seen[-1][0] == 2 and seen[0][1] > 2
    assert list(out.parent.iterdir()) == []  # not even the temporary file
    assert seq(last_event(ctx, "print.certificates")) == before


def test_a_name_the_template_s_font_lacks_is_named_with_its_field(open_as, tmp_path):
    login, codes, numbers = open_as
    ctx = login("clerk")
    pages = ctx.certificates.pages(codes[0], [numbers["rare"]])
    (context,) = certificate_contexts(pages)
    context["name"] = "刘\U000f0000"  # a private-use character no shipped font has
    from jiangxin_desktop.services.certificates.documents import DRAWERS
    from jiangxin_desktop.services.printing.render import render_document

    with pytest.raises(KnownError, match="的姓名中的"):
        render_document(
            load_template(shipped_template("certificate")), [context], tmp_path / "x.pdf", drawers=DRAWERS
        )
    assert not (tmp_path / "x.pdf").exists()


def test_the_issue_date_in_chinese_numerals():
    assert chinese_date(date(2026, 12, 20)) == "二〇二六年十二月二十日"
    assert chinese_date(date(2027, 1, 6)) == "二〇二七年一月六日"
    assert chinese_date(date(2030, 10, 31)) == "二〇三〇年十月三十一日"
    assert chinese_date(date(2026, 11, 15)) == "二〇二六年十一月十五日"
