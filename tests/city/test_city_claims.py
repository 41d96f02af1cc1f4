"""Claims at the city: listed with the city's status, decided by the rules (核准 / 退回 / 发放), audited,
and sent back down signed, with the subsidies of the same people at other stations (never their ID)."""

from __future__ import annotations

import json

import httpx
import pytest

from jiangxin_desktop.city.claims import decide_claim, list_claims
from jiangxin_desktop.city.downlink import decisions_document
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.city.usb import import_folder
from jiangxin_desktop.envelope import sign
from jiangxin_desktop.protocol.batch import CLAIM_DECISIONS, DECISIONS_REQUEST
from jiangxin_desktop.protocol.decisions import DecisionsRequest, read_decisions
from tests.city.claim_rows import claim, person_with_claim
from tests.city.kit import city_verify, running_server

ID_A = "320706199001011234"


def refused(text: str, action) -> None:
    with pytest.raises(CityError) as caught:
        action()
    assert text in caught.value.user_message, caught.value.user_message


def upload(receiver, station, records) -> None:
    batch_id, document, sealed = station.next_batch(records)
    ingest(receiver, batch_id, sealed)
    station.advance(document)


def down(receiver, station, after: int = 0):
    return read_decisions(city_verify(station.enrolment, decisions_document(receiver, station.code, after),
                                      CLAIM_DECISIONS))


def test_a_claim_is_submitted_approved_paid_and_each_decision_goes_down_in_order(receiver, enrol, clock):
    station = enrol("320706001")
    records = person_with_claim(station.code, ID_A)
    draft = claim(station.code, records[0].uuid, records[1].uuid, status="draft", serial=2)
    upload(receiver, station, [*records, draft])
    [listed] = list_claims(receiver.store)
    assert (listed.number, listed.status, listed.status_label, listed.trainee_name) == \
        ("320706001-BT2026-00001", "submitted", "已提交", "钱小满")
    assert (listed.occupation_name, listed.level, listed.amount_fen) == ("中式烹调师", "五级", 120000)

    refused("只有已核准的申请才能登记发放", lambda: decide_claim(receiver, listed.number, "发放", paid_on="2026-12-02", by="李科长"))
    refused("不超过申请金额（1200.00 元）", lambda: decide_claim(receiver, listed.number, "核准", amount_fen=120001, by="李科长"))
    refused("尚未审核提交", lambda: decide_claim(receiver, "320706001-BT2026-00002", "核准", by="李科长"))  # a draft
    refused("没有申请编号", lambda: decide_claim(receiver, "320706001-BT2026-09999", "核准", by="李科长"))
    approved = decide_claim(receiver, listed.number, "approve", amount_fen=100000, by="李科长")
    assert (approved.status_label, approved.decided_amount_fen, approved.decided_by) == ("已核准", 100000, "李科长")
    refused("只有已提交的申请才能核准", lambda: decide_claim(receiver, listed.number, "核准", by="李科长"))
    refused("晚于今天", lambda: decide_claim(receiver, listed.uuid, "发放", paid_on="2026-12-04", by="李科长"))
    refused("发放日期", lambda: decide_claim(receiver, listed.uuid, "发放", by="李科长"))
    paid = decide_claim(receiver, listed.uuid, "发放", paid_on="2026-12-03", by="李科长")
    assert (paid.status, paid.paid_on, paid.decided_amount_fen) == ("paid", "2026-12-03", 100000)
    refused("不能退回", lambda: decide_claim(receiver, listed.number, "退回", reason="迟了", by="李科长"))
    assert list_claims(receiver.store, status="已发放") == [paid] and list_claims(receiver.store, status="submitted") == []

    document = down(receiver, station)
    assert [(d.sequence, d.decision, d.amount_fen, d.paid_on) for d in document.decisions] == \
        [(1, "approved", 100000, None), (2, "paid", 100000, "2026-12-03")]
    assert (document.after, document.last, document.elsewhere) == (0, 2, ())
    later = down(receiver, station, after=1)
    assert [d.sequence for d in later.decisions] == [2] and later.last == 2
    log = [e for e in receiver.store.audit_log() if e["kind"] == "claim.decided"]
    assert len(log) == 2 and "李科长" in log[0]["detail"]


def test_a_return_needs_a_reason_and_the_corrected_claim_is_a_new_one(receiver, enrol):
    station = enrol("320706001")
    records = person_with_claim(station.code, ID_A)
    upload(receiver, station, records)
    number = records[2].data["number"]
    refused("退回原因", lambda: decide_claim(receiver, number, "退回", reason="  ", by="李科长"))
    returned = decide_claim(receiver, number, "return", reason="缺少身份证复印件", by="李科长")
    assert (returned.status_label, returned.reason) == ("已退回", "缺少身份证复印件")
    # the station records the return (version 2) and sends a corrected claim, a new one
    old = claim(station.code, records[0].uuid, records[1].uuid, status="returned", version=2,
                row_uuid=records[2].uuid)
    new = claim(station.code, records[0].uuid, records[1].uuid, serial=2)
    upload(receiver, station, [old, new])
    statuses = {c.number: c.status for c in list_claims(receiver.store, station="320706001")}
    assert statuses == {number: "returned", "320706001-BT2026-00002": "submitted"}
    refused("不能退回", lambda: decide_claim(receiver, number, "退回", reason="再退", by="李科长"))


def test_subsidies_of_the_same_person_elsewhere_go_down_without_the_id_number(receiver, enrol):
    here, there = enrol("320706001"), enrol("320706002")
    mine = person_with_claim(here.code, ID_A, status="draft")
    upload(receiver, here, mine)
    theirs = person_with_claim(there.code, ID_A)  # the same person, claimed at another station
    draft = person_with_claim(there.code, ID_A, status="draft", serial=2)  # does not count
    stranger = person_with_claim(there.code, "320706199202022222", serial=3)
    upload(receiver, there, [*theirs, *draft, *stranger])
    token = decisions_document(receiver, here.code, 0)
    document = read_decisions(city_verify(here.enrolment, token, CLAIM_DECISIONS))
    [seen] = document.elsewhere
    assert (seen.trainee_uuid, seen.claim_uuid, seen.station_code, seen.status, seen.occupation_name) == \
        (mine[0].uuid, theirs[2].uuid, "320706002", "submitted", "中式烹调师")
    from jiangxin_desktop.envelope import unverified

    assert ID_A not in unverified(token).document.decode()
    decide_claim(receiver, theirs[2].data["number"], "退回", reason="重复申请", by="李科长")
    assert down(receiver, here).elsewhere == ()  # a returned claim no longer counts
    assert down(receiver, there).elsewhere == ()  # nothing of 320706001 counts


def request(station, *, at: str = "2026-12-03T08:05:00.000Z", after: int = 0, code: str | None = None,
            key=None, kid: str | None = None) -> str:
    document = DecisionsRequest(code or station.code, after, at).document()
    return sign(document, signer=key or station.key, kid=kid or station.kid, typ=DECISIONS_REQUEST)


def test_over_https_a_station_asks_with_its_own_signature_and_nothing_else_is_answered(receiver, enrol):
    station, other = enrol("320706001"), enrol("320706002")
    upload(receiver, station, person_with_claim(station.code, ID_A))
    decide_claim(receiver, "320706001-BT2026-00001", "核准", by="李科长")
    with running_server(receiver) as (url, pinned), httpx.Client(base_url=url, verify=pinned) as http:
        def post(body: str) -> httpx.Response:
            return http.post("/v1/decisions", content=body.encode(), headers={"Content-Type": "application/jose"})

        answer = post(request(station))
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/jose"
        document = read_decisions(city_verify(station.enrolment, answer.text, CLAIM_DECISIONS))
        assert [d.claim_number for d in document.decisions] == ["320706001-BT2026-00001"]
        assert read_decisions(city_verify(station.enrolment, post(request(station, after=1)).text,
                                          CLAIM_DECISIONS)).decisions == ()
        refusals = {
            "stale_request": post(request(station, at="2026-12-03T07:49:00.000Z")),
            "wrong_station": post(request(other, code=station.code)),
            "unknown_key": post(request(station, key=__import__(
                "cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"]).Ed25519PrivateKey.generate(),
                kid="0123456789abcdef")),
            "wrong_type": post(sign(b"{}", signer=station.key, kid=station.kid, typ="jiangxin.batch")),
        }
    for code, refused in refusals.items():
        body = refused.json()
        assert (body["error"], refused.status_code >= 400) == (code, True) and not body["user_message"].isascii()
    kinds = [(e["kind"], e["code"]) for e in receiver.store.audit_log()]
    assert ("decisions.refused", "stale_request") in kinds and ("decisions.refused", "wrong_station") in kinds


def test_city_import_writes_the_decisions_of_the_station_on_the_stick(receiver, enrol, tmp_path):
    station = enrol("320706001")
    upload(receiver, station, person_with_claim(station.code, ID_A))
    decide_claim(receiver, "320706001-BT2026-00001", "核准", by="李科长")
    folder = tmp_path / "usb" / "jiangxin-sync" / station.code / "batches"
    folder.mkdir(parents=True)
    result = import_folder(receiver, tmp_path / "usb")
    assert result.stations[0].decisions and json.dumps(result.to_json())
    token = (folder.parent / "decisions.jws").read_text()
    [decision] = read_decisions(city_verify(station.enrolment, token, CLAIM_DECISIONS)).decisions
    assert (decision.sequence, decision.decision, decision.amount_fen) == (1, "approved", 120000)


def test_claims_and_decide_claim_from_the_command_line(tmp_path, capsys, database_url):
    from jiangxin_desktop.city.keys import load_city
    from jiangxin_desktop.city.receiver import open_receiver
    from jiangxin_desktop.city.registration import issue_enrolment, register
    from jiangxin_desktop.cli.main import main
    from tests.city.kit import Station

    def run(*argv: str) -> tuple[int, dict]:
        code = main([*argv, "--json"])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else {}

    folder = tmp_path / "city"
    assert run("city", "init", "--dir", str(folder), "--database", database_url)[0] == 0
    receiver = open_receiver(load_city(folder))
    try:
        station = Station("320706001", issue_enrolment(receiver, "320706001", days=30, issued_by="test"))
        register(receiver, station.registration())
        upload(receiver, station, person_with_claim(station.code, ID_A, amount_fen=150000))
    finally:
        receiver.close()
    code, listed = run("city", "claims", "--dir", str(folder), "--status", "已提交")
    assert code == 0 and [c["status_label"] for c in listed["claims"]] == ["已提交"]
    number = listed["claims"][0]["number"]
    code, refused = run("city", "decide-claim", "--dir", str(folder), "--claim", number, "--decision", "核准",
                        "--amount", "1500.01")
    assert code == 2 and "不超过申请金额" in refused["error"]
    code, approved = run("city", "decide-claim", "--dir", str(folder), "--claim", number, "--decision", "核准",
                         "--amount", "1,200.50", "--by", "李科长")
    assert code == 0 and (approved["status"], approved["decided_amount_fen"]) == ("approved", 120050)
    code, paid = run("city", "decide-claim", "--dir", str(folder), "--claim", number, "--decision", "pay",
                     "--paid-on", "2026-12-01", "--by", "李科长")
    assert code == 0 and (paid["status_label"], paid["paid_on"]) == ("已发放", "2026-12-01")
    assert run("city", "claims", "--dir", str(folder), "--station", "320706002")[1] == {"claims": []}
    assert main(["city", "claims", "--dir", str(folder)]) == 0
    assert "已发放" in capsys.readouterr().out
