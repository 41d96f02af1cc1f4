"""Sync over HTTPS against a real receiver on loopback (tests/services/sync_city.py): registration,
batches confirmed only by the city's signed receipts, back-off, faults, and what the clerk is told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.services.sync.upload import BASE_DELAY, MAX_DELAY, delay_after
from jiangxin_desktop.store.models import AuditEvent
from tests.services.classes_helpers import person
from tests.services.sync_city import CityServer, act, city, city_keys, enrol, make_keys, self_signed, station  # noqa: F401


def actions(ctx) -> list[str]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def people(ctx, *seqs: int):
    return [person(ctx, seq=seq, name="钱小满") for seq in seqs]


def test_registration_then_batches_confirmed_and_nothing_pending(station, city, tmp_path):
    ctx = station
    people(ctx, 101, 102, 103)
    seen = []
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        before = ctx.sync.status()
        assert before.enrolled and not before.registered and before.unconfirmed_records == 3
        assert any("还没有确认本站注册" in w for w in before.warnings)
        result = ctx.sync.sync_now(lambda done, total, text: seen.append((done, total, text)))
    assert result.failed is None, result
    assert result.registered and result.confirmed == 1 and result.sent == 1
    assert city.requests[:2] == ["POST /v1/registrations", f"PUT /v1/batches/{ctx.sync.batches()[0].batch_id}"]
    assert seen[0][2].startswith("正在发送第 1 批") and seen[-1] == (1, 1, "批次已全部送达。")
    status = ctx.sync.status()
    assert status.registered and status.unconfirmed_records == 0 and status.pending_records == 0
    assert status.warnings == [] and status.last_success_at is not None
    assert len(city.rows) == 3
    [batch] = ctx.sync.batches()
    assert (batch.status, batch.status_label, batch.record_count) == ("confirmed", "已确认", 3)
    assert {"sync.enrol", "sync.batch", "sync.registered", "sync.confirmed"} <= set(actions(ctx))
    assert [e.summary for e in ctx.sync.log()][0].startswith("第 1 批已确认：新收 3 条")


def test_an_answer_lost_after_the_city_stored_the_batch_is_asked_again_and_counted_once(station, city, tmp_path):
    ctx = station
    people(ctx, 101, 102)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        city.faults = [None, "cut_after"]  # registration fine; the batch is stored, its answer lost
        lost = ctx.sync.sync_now()
        assert lost.failed and "没有收到市里的回执" in lost.failed
        [batch] = ctx.sync.batches()
        assert batch.status_label == "已发送" and batch.attempts == 1 and "网络中断" in batch.last_error
        assert ctx.sync.status().unconfirmed_records == 2  # sent is not confirmed
        again = ctx.sync.sync_now(force=True)
    assert again.failed is None and again.confirmed == 1
    assert ctx.sync.batches()[0].status_label == "已确认"
    assert city.copies == 2 and len(city.rows) == 2  # the same receipt again, nothing stored twice


def test_a_server_error_backs_off_with_jitter_and_the_next_run_waits_unless_forced(station, city, tmp_path, clock):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        city.faults = [None, "500"]
        first = ctx.sync.sync_now()
        [batch] = ctx.sync.batches()
        assert "市里服务器出错（HTTP 503）" in batch.last_error and batch.status_label == "待发送"
        wait = ctx.sync.batches()[0].next_attempt_at
        assert wait is not None and first.failed.startswith("第 1 批：")
        asked = len(city.requests)
        early = ctx.sync.sync_now()  # not due yet (the clock stands still): nothing is sent
        assert early.skipped == 1 and len(city.requests) == asked + 2  # only the catalog and the decisions
        clock.advance(seconds=BASE_DELAY + 1)
        due = ctx.sync.sync_now()
    assert due.confirmed == 1 and ctx.sync.batches()[0].status_label == "已确认"


def test_back_off_doubles_up_to_an_hour_with_full_jitter():
    class Top:
        def uniform(self, low, high):
            return high

    assert [delay_after(n, Top()) for n in (1, 2, 3, 4)] == [BASE_DELAY, 2 * BASE_DELAY, 4 * BASE_DELAY, 8 * BASE_DELAY]
    assert delay_after(30, Top()) == MAX_DELAY

    class Bottom:
        def uniform(self, low, high):
            return low

    assert delay_after(5, Bottom()) == 0.0


def test_no_network_and_a_wrong_certificate_are_told_apart_and_nothing_is_marked_sent(station, city, tmp_path):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        url = server.url
    enrol(ctx, city, url, tmp_path)  # the server has gone: the port is closed
    down = ctx.sync.sync_now()
    assert down.failed.startswith("网络不通")
    other = make_keys()  # a receiver with another certificate at the enrolled address
    with CityServer(city, cert=other.tls_cert, key=other.tls_key) as server:
        enrol(ctx, city, server.url, tmp_path, enrolment_id="0193a4c2-5b1e-7c3d-8e4f-000000000002")
        wrong = ctx.sync.sync_now()
    assert wrong.failed.startswith("证书不符")
    assert ctx.sync.status().batches["sent"] == 0


def test_a_certificate_for_another_host_name_is_refused(station, city, tmp_path):
    ctx = station
    stranger = self_signed(city.keys.tls_key, hosts=("city.example.invalid",))
    with CityServer(city, cert=stranger) as server:
        path = tmp_path / "e.json"
        from tests.services.sync_city import enrolment_document

        document = enrolment_document(city.keys, url=server.url, station=ctx.station.code)
        path.write_bytes(document.replace(city.keys.tls_cert.replace("\n", "\\n").encode(),
                                          stranger.replace("\n", "\\n").encode()))
        act(ctx, "admin")
        ctx.sync.enrol(path)
        act(ctx, "clerk")
        result = ctx.sync.sync_now()
    assert result.failed.startswith("证书不符")


def test_a_rejected_batch_says_why_and_its_records_go_again_after_retry(station, city, tmp_path):
    ctx = station
    people(ctx, 101, 102)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        city.faults = [None, "reject"]
        result = ctx.sync.sync_now()
        assert result.rejected == 1 and result.failed is None
        [batch] = ctx.sync.batches()
        assert batch.status_label == "失败" and batch.last_error == "市里拒收：第 3 条记录的身份证号码格式不对"
        status = ctx.sync.status()
        assert status.unconfirmed_records == 2 and any("被市里拒收" in w for w in status.warnings)
        assert status.failed_records == 2 and status.to_json()["failed_records"] == 2
        uuids = [p.uuid for p in people(ctx, 101, 102)]
        assert set(ctx.sync.record_statuses("trainee", uuids).values()) == {"失败"}
        assert ctx.sync.retry_failed() == 2 and ctx.sync.retry_failed() == 0
        assert set(ctx.sync.record_statuses("trainee", uuids).values()) == {"待发送"}
        assert ctx.sync.status().pending_records == 2 and ctx.sync.status().failed_records == 0
        assert ctx.search.totals()["outbox"] == 2  # the status bar's and `status`'s count agrees
        again = ctx.sync.sync_now()
    assert again.confirmed == 1
    assert ctx.search.totals()["outbox"] == 0
    assert ctx.sync.record_statuses("trainee", uuids) == dict.fromkeys(uuids, "已确认")
    assert [b.sequence for b in ctx.sync.batches()] == [2, 1]
    assert ctx.sync.status().unconfirmed_records == 0 and len(city.rows) == 2


@pytest.mark.parametrize("fault, said", [("forge", "签名不符"), ("other_hash", "batch_hash 不符")])
def test_a_receipt_not_signed_by_the_city_or_for_another_batch_confirms_nothing(station, city, tmp_path, fault, said):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        city.faults = [None, fault]
        result = ctx.sync.sync_now()
    assert said in result.failed
    [batch] = ctx.sync.batches()
    assert batch.status_label == "已发送" and said in batch.last_error
    assert "sync.receipt_refused" in actions(ctx) and "sync.confirmed" not in actions(ctx)


def test_a_sequence_conflict_is_reported_not_renumbered(station, city, tmp_path):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        city.next_sequence = 5
        result = ctx.sync.sync_now()
    [batch] = ctx.sync.batches()
    assert batch.sequence == 1 and batch.status_label == "待发送"
    assert "市里等的是第 5 批" in batch.last_error and "不会自行改号" in batch.last_error
    assert result.failed.startswith("第 1 批：市里拒收")


def test_review_holds_a_batch_until_a_reviewer_approves(station, city, tmp_path):
    ctx = station
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.require_review", True)
    act(ctx, "clerk")
    people(ctx, 101)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        held = ctx.sync.sync_now()
        [batch] = ctx.sync.batches()
        assert batch.status_label == "待审核" and "等待审核人批准" in held.messages[0]
        assert any("等待审核人批准" in w for w in ctx.sync.status().warnings)
        with pytest.raises(PermissionDenied):
            ctx.sync.approve(batch.batch_id)
        act(ctx, "reviewer")
        approved = ctx.sync.approve("1")
        assert approved.status_label == "待发送" and approved.approved_by == "reviewer"
        sent = ctx.sync.sync_now()
    assert sent.confirmed == 1


def test_cancelled_before_sending_sends_nothing(station, city, tmp_path):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        result = ctx.sync.sync_now(cancelled=lambda: True)
    assert result.failed.startswith("已取消") and not any(r.startswith("PUT") for r in city.requests)


def test_status_warns_of_an_old_sync_and_a_large_backlog(station, city, tmp_path, clock):
    ctx = station
    people(ctx, 101, 102)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        assert ctx.sync.sync_now().confirmed == 1
    people(ctx, 103, 104)
    clock.advance(days=4)
    warnings = ctx.sync.status().warnings
    assert any("距上次同步成功已有 4 天，还有 2 条记录" in w for w in warnings), warnings
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.warn_backlog", 1)
    assert any("超过提醒线 1 条" in w for w in ctx.sync.status().warnings)


def test_a_missing_batch_file_is_written_again_from_its_row(station, city, tmp_path, clock):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        [made] = ctx.sync.build_batches()
        spool = ctx.paths.root / "sync" / "outgoing"
        [path] = spool.glob("*.jwe")
        assert path.name == f"00000001-{made.batch_id}.jwe"
        path.unlink()
        city.faults = [None, "500"]
        ctx.sync.sync_now()
        assert path.is_file()
        assert ctx.sync.sync_now(force=True).confirmed == 1
        assert path.is_file()  # kept a while after its receipt
        clock.advance(days=8)
        ctx.sync.sync_now()
    assert list(spool.glob("*.jwe")) == []  # then the copy goes; the row and its receipt stay
    assert ctx.sync.batches()[0].status_label == "已确认"


def test_a_failure_repeated_by_the_retries_is_logged_once(station, city, tmp_path, clock):
    ctx = station
    people(ctx, 101)
    with CityServer(city) as server:
        url = server.url
    enrol(ctx, city, url, tmp_path)
    for _ in range(3):
        assert ctx.sync.sync_now(force=True).failed.startswith("网络不通")
    failures = [e for e in ctx.sync.log() if e.action == "sync.failed"]
    assert len(failures) == 1 and failures[0].summary.startswith("同步未完成：网络不通")
    assert ctx.sync.batches()[0].status_label == "待发送"  # the registration failed: no batch was tried
