"""Issue 18: a subsidy claim's round trip through a real receiver over HTTPS on loopback (PostgreSQL):
submitted, returned with a reason, corrected as a new claim, approved and paid, with the statuses
agreeing on both sides at every step; one step over a USB stick; a forged decisions document
refused; and subsidies of the same person at another station counted by the station's check."""

from __future__ import annotations

import threading
import time
from datetime import UTC
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jiangxin_desktop.city.claims import decide_claim, list_claims
from jiangxin_desktop.city.downlink import decisions_document
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.city.usb import import_folder
from jiangxin_desktop.envelope import sign, unverified
from jiangxin_desktop.protocol.batch import CLAIM_DECISIONS
from tests.city.claim_rows import certificate, claim, trainee
from tests.services.classes_helpers import login
from tests.services.subsidy_helpers import claimable_class
from tests.sync_faults.world import World, copy_city, copy_station, enrol_station, free_port, open_station, station_audit


class Served:
    """The receiver (``build_app`` on uvicorn, the city's TLS) in a thread, with the test's clock."""

    def __init__(self, receiver, port: int) -> None:
        import uvicorn

        from jiangxin_desktop.city.app import build_app

        city = receiver.city
        config = uvicorn.Config(build_app(receiver), host="127.0.0.1", port=port, lifespan="off", ws="none",
                                log_level="critical", ssl_keyfile=str(city.tls_key_path),
                                ssl_certfile=str(city.tls_cert_path))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="city-receiver", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture
def both(tmp_path, clock, station_template, city_template, city_database):
    """(station context, the city's receiver): the station enrolled; the receiver serving over HTTPS."""
    from jiangxin_desktop.city.receiver import open_receiver

    port = free_port()
    city = copy_city(city_template, tmp_path / "city", database=city_database, url=f"https://127.0.0.1:{port}")
    receiver = open_receiver(city, lambda: clock.now().astimezone(UTC))
    served = Served(receiver, port)
    ctx = open_station(copy_station(station_template, tmp_path / "station"), clock)
    world = World(Path(tmp_path / "station"), ctx, clock, city, served, None, city_database)  # type: ignore[arg-type]
    enrol_station(world, tmp_path)
    yield ctx, receiver
    ctx.close()
    served.stop()
    receiver.close()


def shown(ctx, number: str) -> tuple[str, str]:
    record = ctx.subsidy.show(number).record
    return record.display_status, record.status_label


def at_city(receiver, number: str):
    [found] = [c for c in list_claims(receiver.store) if c.number == number]
    return found


def synced(ctx):
    result = ctx.sync.sync_now()
    assert result.failed is None, result
    return result


def reviewed_claim(ctx, enrollment_uuid: str | None = None, *, correct: str | None = None) -> str:
    login(ctx, "clerk")
    record = ctx.subsidy.correct(correct) if correct else ctx.subsidy.create(enrollment_uuid)
    login(ctx, "reviewer")
    ctx.subsidy.review(record.number)
    login(ctx, "clerk")
    return record.number


def test_submit_return_correct_approve_pay_with_both_sides_agreeing(both, clock):
    ctx, receiver = both
    c = claimable_class(ctx, clock, "甲")
    first = reviewed_claim(ctx, c.enrolments[0].uuid)
    assert shown(ctx, first) == ("reviewed", "已审核")
    synced(ctx)
    assert shown(ctx, first) == ("submitted", "已提交")
    assert at_city(receiver, first).status_label == "已提交"

    decide_claim(receiver, first, "退回", reason="缺少失业登记证复印件", by="李科长")
    result = synced(ctx)
    assert result.decisions["applied"] == 1 and result.decisions["last_sequence"] == 1
    record = ctx.subsidy.show(first).record
    assert (record.status_label, record.decision_reason) == ("已退回", "缺少失业登记证复印件")
    assert at_city(receiver, first).status_label == "已退回"
    synced(ctx)  # nothing new: the same decision is not applied twice
    assert ctx.sync.status().to_json()["decisions_last"] == 1

    second = reviewed_claim(ctx, correct=first)
    assert second != first
    synced(ctx)
    assert shown(ctx, second) == ("submitted", "已提交") and at_city(receiver, second).status_label == "已提交"
    assert shown(ctx, first) == ("returned", "已退回") and at_city(receiver, first).status_label == "已退回"

    amount = ctx.subsidy.show(second).record.amount_fen
    decide_claim(receiver, second, "核准", amount_fen=amount - 5000, by="李科长")
    synced(ctx)
    record = ctx.subsidy.show(second).record
    assert (record.status_label, record.decided_amount_fen) == ("已核准", amount - 5000)
    assert at_city(receiver, second).status_label == "已核准"

    paid_on = clock.now().date().isoformat()
    decide_claim(receiver, second, "发放", paid_on=paid_on, by="李科长")
    synced(ctx)
    record = ctx.subsidy.show(second).record
    assert (record.status_label, str(record.paid_on)) == ("已发放", paid_on)
    assert at_city(receiver, second).status_label == "已发放"
    # the station's copy of the claim, with the city's decision on it, goes up with the next sync
    assert ctx.sync.status().to_json()["pending"] == 1
    synced(ctx)
    status = ctx.sync.status().to_json()
    assert (status["pending"], status["decisions_last"], status["decision_conflicts"]) == (0, 3, 0)
    assert at_city(receiver, second).status_label == "已发放"
    assert [e["city_sequence"] for e in station_audit(ctx, "claim.decision")] == [1, 2, 3]


def test_a_decision_over_a_usb_stick_and_a_forged_document_refused(both, clock, tmp_path):
    ctx, receiver = both
    c = claimable_class(ctx, clock, "甲")
    number = reviewed_claim(ctx, c.enrolments[0].uuid)
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx.sync.export_to(usb)
    import_folder(receiver, usb)
    ctx.sync.import_receipts(usb)
    assert shown(ctx, number) == ("submitted", "已提交") and at_city(receiver, number).status_label == "已提交"

    decide_claim(receiver, number, "核准", by="李科长")
    ctx.sync.export_to(usb)
    import_folder(receiver, usb)
    stick = usb / "jiangxin-sync" / ctx.station.code / "decisions.jws"
    genuine = stick.read_text()
    forged = sign(unverified(genuine).document.replace(b'"approved"', b'"returned"'),
                  signer=Ed25519PrivateKey.generate(), kid=receiver.city.signing_kid, typ=CLAIM_DECISIONS)
    stick.write_text(forged)
    result = ctx.sync.import_receipts(usb)
    assert any("补贴决定未通过验证" in m and "签名不符" in m for m in result.messages), result.messages
    assert shown(ctx, number) == ("submitted", "已提交")
    assert station_audit(ctx, "sync.decisions_refused")[-1]["code"] == "bad_signature"

    stick.write_text(genuine)
    applied = ctx.sync.import_receipts(usb)
    assert applied.decisions["applied"] == 1, applied
    assert shown(ctx, number) == ("approved", "已核准") and at_city(receiver, number).status_label == "已核准"
    again = ctx.sync.import_receipts(usb)  # the same stick again: quietly nothing
    assert again.decisions is None and again.messages == []

    clock.advance(minutes=1)
    older = genuine  # issued before the newer document the next sync brings
    synced(ctx)
    stick.write_text(older)
    replayed = ctx.sync.import_receipts(usb)
    assert any("更旧" in m for m in replayed.messages), replayed.messages
    assert station_audit(ctx, "sync.decisions_refused")[-1]["code"] == "replayed"


def test_subsidies_at_another_station_count_toward_the_limit_of_three(both, clock):
    from jiangxin_desktop.city.registration import issue_enrolment, register
    from tests.city.kit import Station

    ctx, receiver = both
    c = claimable_class(ctx, clock, "甲")
    person = c.people[0]
    synced(ctx)  # the city learns this station's trainee (and so the ID number)
    other = Station("320706099", issue_enrolment(receiver, "320706099", days=30, issued_by="test"))
    register(receiver, other.registration())
    there = trainee(other.code, person.id_number)
    records = [there]
    for serial, (code, name) in enumerate((("4-10-01-01", "育婴员"), ("4-03-02-01", "中式烹调师"),
                                           ("4-07-05-01", "美容师")), start=1):
        cert = certificate(other.code, there.uuid, occupation=code, name=name)
        records += [cert, claim(other.code, there.uuid, cert.uuid, serial=serial)]
    batch_id, document, sealed = other.next_batch(records)
    ingest(receiver, batch_id, sealed)
    other.advance(document)
    token = decisions_document(receiver, ctx.station.code, 0)
    assert person.id_number not in unverified(token).document.decode()

    result = synced(ctx)
    assert result.decisions["elsewhere"] == 3
    [row] = [r for r in ctx.subsidy.check(c.klass.code) if r.trainee_uuid == person.uuid]
    assert not row.eligible and any("3" in reason for reason in row.reasons), row.reasons
    decide_claim(receiver, records[2].data["number"], "退回", reason="重复", by="李科长")
    synced(ctx)  # one of the three returned: it no longer counts
    [row] = [r for r in ctx.subsidy.check(c.klass.code) if r.trainee_uuid == person.uuid]
    assert row.eligible, row.reasons


def test_decisions_that_do_not_fit_are_recorded_as_conflicts_and_shown_never_applied(both, clock):
    from jiangxin_desktop.protocol.decisions import Decision, decisions_document as build
    from jiangxin_desktop.services.sync import decisions as downlink
    from jiangxin_desktop.store.subsidy_models import SubsidyDecision

    ctx, receiver = both
    c = claimable_class(ctx, clock, "甲乙")
    first, second = (reviewed_claim(ctx, e.uuid) for e in c.enrolments)
    synced(ctx)
    claimed = ctx.subsidy.show(first).record.amount_fen
    uuid = {n: ctx.subsidy.show(n).record.uuid for n in (first, second)}

    def decision(sequence: int, number: str, kind: str, **values) -> Decision:
        base = {"amount_fen": None, "reason": None, "paid_on": None}
        return Decision(sequence=sequence, claim_uuid=values.pop("claim_uuid", uuid.get(number, "")),
                        claim_number=number, decision=kind, decided_at="2026-03-20T01:00:00.000Z",
                        decided_by="李科长", **{**base, **values})

    from jiangxin_desktop.city.store import wire_time

    clock.advance(minutes=1)  # issued after the document the last sync brought
    document = build(station_code=ctx.station.code, issued_at=wire_time(receiver.clock()), after=0, elsewhere=[],
                     decisions=[decision(1, first, "approved", amount_fen=claimed + 1),
                                decision(2, second, "paid", paid_on="2026-03-20", amount_fen=100),
                                decision(3, "320706001-BT2026-09999", "approved", amount_fen=100,
                                         claim_uuid="0193a4c2-5b1e-7c3d-8e4f-000000000099"),
                                decision(4, second, "approved", amount_fen=claimed)])
    token = receiver.sign(document, CLAIM_DECISIONS)
    summary = downlink.accept(ctx.db, ctx.acting, token, ctx.sync._city(), how="文件")
    assert (summary.applied, summary.conflicts, summary.unknown) == (1, 2, 1), summary
    assert any("高于" in n and first in n for n in summary.notes)
    assert any("未经核准" in n for n in summary.notes) and any("本站没有这份申请" in n for n in summary.notes)
    assert shown(ctx, first) == ("submitted", "已提交") and shown(ctx, second) == ("approved", "已核准")
    status = ctx.sync.status()
    assert status.to_json()["decision_conflicts"] == 3 and any("未能采用" in w for w in status.warnings)
    again = downlink.accept(ctx.db, ctx.acting, token, ctx.sync._city(), how="文件")
    assert (again.applied, again.already) == (0, 4)  # once only
    with ctx.db.read() as session:
        applied = dict(session.query(SubsidyDecision.city_sequence, SubsidyDecision.applied).all())
    assert applied == {1: "conflict", 2: "conflict", 3: "unknown_claim", 4: "applied"}
