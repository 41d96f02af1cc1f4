"""Taking in one sealed batch: open it, check its place in the station's chain, store its rows.

Order of checks (``docs/sync-protocol.md``): the envelope (decrypt with the city's key, the
signature by a registered station key), the batch header (its id is the URL's, its station
the signer's), then, with the station's row locked: the same id again (same hash → the
stored receipt; other hash → 409), the sequence (409 ``sequence_gap``/``sequence_taken``),
the previous batch's hash (409 ``chain_broken``). Nothing is stored for these. A batch in
its right place whose records are invalid or belong to another station is *rejected* by a
signed receipt: it takes its sequence, so the chain goes on, and stores no row. Otherwise
every row newer than the city's copy is stored, all in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, any_, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.receiver import Receiver, Signer, bad_request, envelope_refusal
from jiangxin_desktop.city.store import wire_time
from jiangxin_desktop.envelope import EnvelopeError, decrypt, verify
from jiangxin_desktop.protocol import DELETE, ProtocolError
from jiangxin_desktop.protocol.batch import (
    ACCEPTED,
    BATCH,
    RECEIPT,
    REJECTED,
    Batch,
    Receipt,
    document_hash,
    read_batch,
)

CHUNK = 500  # uuids per IN (…) when looking up the city's copies


@dataclass(frozen=True)
class Header:
    batch_id: str
    station_code: str
    sequence: int
    previous_hash: str | None


@dataclass
class Plan:
    """What storing a batch's records would do; ``problem`` (code, Chinese) rejects the batch."""

    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    duplicates: int
    problem: tuple[str, str] | None = None


def ingest(receiver: Receiver, batch_id: str, body: bytes | str, remote: str | None = None) -> str:
    """The signed receipt (compact JWS) for a sealed batch, or :class:`CityError` (audited)."""
    now = receiver.clock()
    signer = Signer()
    try:
        return _ingest(receiver, batch_id, body, signer)
    except CityError as exc:
        receiver.refused(now, exc, station_code=signer.station_code, batch_id=batch_id, remote=remote)
        raise


def _ingest(receiver: Receiver, batch_id: str, body: bytes | str, signer: Signer) -> str:
    try:
        opened = verify(decrypt(body, recipient=receiver.city.encryption_key),
                        key_for_kid=receiver.station_key(signer), typ=BATCH)
    except EnvelopeError as exc:
        raise envelope_refusal(exc) from None
    try:
        parsed: Batch | None = read_batch(opened.document)
        problem = None
    except ProtocolError as exc:
        parsed, problem = None, ("invalid_document", f"批次 {batch_id} 的内容不合格式：{exc.user_message}")
    header = _header(opened.document) if parsed is None else Header(
        parsed.batch_id, parsed.station_code, parsed.sequence, parsed.previous_hash)
    if header.batch_id != batch_id:
        raise bad_request("batch_id_mismatch", f"URL names batch {batch_id}, document {header.batch_id}",
                          f"上传地址里的批次号 {batch_id} 与文件里的批次号 {header.batch_id} 不一致，已拒收。")
    if header.station_code != signer.station_code:
        raise CityError("wrong_station", 403,
                        f"batch of station {header.station_code} signed by a key of {signer.station_code}",
                        f"批次 {batch_id} 自称来自服务站 {header.station_code}，"
                        f"却是用服务站 {signer.station_code} 的密钥签名的，已拒收。")
    batch_hash = document_hash(opened.document) if parsed is None else parsed.hash
    try:
        with receiver.store.transaction() as connection:
            return _take(receiver, connection, header, batch_hash, parsed, problem, signer)
    except IntegrityError:
        raise CityError("conflict_retry", 409, "a concurrent write conflicted; send again",
                        f"批次 {batch_id} 与同时到达的另一批数据冲突，未保存。请稍后重新发送。") from None


def _header(document: bytes) -> Header:
    """The header fields a receipt needs, from a batch the full check rejected."""
    try:
        raw = json.loads(document)
    except (ValueError, UnicodeDecodeError):
        raw = None
    if not isinstance(raw, dict) or raw.get("type") != BATCH:
        raise bad_request("invalid_document", "the signed document is not a batch",
                          "签名文件里不是同步批次（格式不对），已拒收。")
    batch_id, station, sequence = raw.get("batch_id"), raw.get("station_code"), raw.get("sequence")
    previous = raw.get("previous_hash")
    if (not isinstance(batch_id, str) or not isinstance(station, str) or type(sequence) is not int
            or sequence < 1 or not (previous is None or isinstance(previous, str))):
        raise bad_request("invalid_document", "batch header unreadable",
                          "同步批次的抬头（批次号、服务站、序号、上一批哈希）不完整，已拒收。")
    return Header(batch_id, station, sequence, previous)


def _take(receiver: Receiver, connection: Connection, header: Header, batch_hash: str,
          parsed: Batch | None, problem: tuple[str, str] | None, signer: Signer) -> str:
    s, b = schema.station, schema.batch
    station = connection.execute(
        select(s).where(s.c.code == header.station_code).with_for_update()).mappings().one()
    before = connection.execute(
        select(b.c.document_hash, b.c.receipt, b.c.station_code).where(b.c.batch_id == header.batch_id)).first()
    if before is not None:
        if before.document_hash == batch_hash and before.station_code == header.station_code:
            return str(before.receipt)  # the same batch again: the same answer
        raise CityError("batch_conflict", 409, f"batch {header.batch_id} was received with another hash",
                        f"批次 {header.batch_id} 市里已收到过，但内容不同。同一批次号不能换内容重发；"
                        "请联系技术支持核对该批次。")
    expected, last_hash = station["last_sequence"] + 1, station["last_hash"]
    where = {"expected_sequence": expected, "last_hash": last_hash}
    if header.sequence < expected:
        raise CityError("sequence_taken", 409, f"sequence {header.sequence} is taken; expected {expected}",
                        f"批次 {header.batch_id} 的序号 {header.sequence} 已被另一个批次占用"
                        f"（市里等待第 {expected} 批）。", **where)
    if header.sequence > expected:
        raise CityError("sequence_gap", 409, f"sequence {header.sequence} leaves a gap; expected {expected}",
                        f"批次 {header.batch_id} 是第 {header.sequence} 批，市里还在等第 {expected} 批。"
                        "请先发送前面的批次。", **where)
    if header.previous_hash != last_hash:
        raise CityError("chain_broken", 409, "previous_hash is not the hash of the last batch received",
                        f"批次 {header.batch_id} 所接的上一批与市里收到的第 {expected - 1} 批不符"
                        "（哈希不同），未保存。请联系技术支持。", **where)
    plan = Plan([], [], 0, problem)
    if parsed is not None and problem is None:
        plan = _plan(connection, parsed)
    now = receiver.clock()
    received_at = wire_time(now)
    records = len(parsed.records) if parsed is not None else 0
    status = REJECTED if plan.problem else ACCEPTED
    receipt = Receipt(
        batch_id=header.batch_id, station_code=header.station_code, sequence=header.sequence,
        batch_hash=batch_hash, received_at=received_at, status=status,
        accepted=0 if plan.problem else len(plan.inserts) + len(plan.updates),
        duplicates=0 if plan.problem else plan.duplicates,
        error_code=plan.problem[0] if plan.problem else None,
        error_message=plan.problem[1] if plan.problem else None,
    )
    signed = receiver.sign(receipt.document(), RECEIPT)
    connection.execute(insert(b).values(
        batch_id=header.batch_id, station_code=header.station_code, sequence=header.sequence,
        document_hash=batch_hash, previous_hash=header.previous_hash, received_at=received_at,
        status=status, error_code=receipt.error_code, records=records, accepted=receipt.accepted,
        duplicates=receipt.duplicates, signer_kid=signer.kid or "", receipt=signed))
    _apply(connection, plan, header, received_at)
    connection.execute(update(s).where(s.c.code == header.station_code).values(
        last_sequence=header.sequence, last_hash=batch_hash, last_received_at=received_at))
    if plan.problem:
        receiver.store.audit(now, "batch.rejected", f"{plan.problem[0]}: {plan.problem[1]}",
                             station_code=header.station_code, batch_id=header.batch_id,
                             code=plan.problem[0], connection=connection)
    return signed


def _plan(connection: Connection, parsed: Batch) -> Plan:
    """Which records are new, which newer than the city's copy, which duplicates; or why none."""
    r = schema.city_row
    stored: dict[tuple[str, str], Any] = {}
    by_entity: dict[str, list[str]] = {}
    for record in parsed.records:
        by_entity.setdefault(record.entity, []).append(record.uuid)
    postgres = connection.dialect.name == "postgresql"
    chunk = 10 * CHUNK if postgres else CHUNK
    for entity, uuids in by_entity.items():
        for start in range(0, len(uuids), chunk):
            part = uuids[start:start + chunk]
            # PostgreSQL: one array parameter (= ANY) instead of hundreds of placeholders to parse
            match = r.c.uuid == any_(bindparam("uuids", part, type_=ARRAY(String))) if postgres \
                else r.c.uuid.in_(part)
            for row in connection.execute(
                select(r.c.uuid, r.c.version, r.c.station_code).where(r.c.entity == entity, match)
            ):
                stored[(entity, row.uuid)] = row
    plan = Plan([], [], 0)
    for index, record in enumerate(parsed.records, start=1):
        owner = None if record.data is None else record.data.get("station_code")
        before = stored.get((record.entity, record.uuid))
        if before is not None and before.station_code != parsed.station_code:
            owner = before.station_code
        if owner is not None and owner != parsed.station_code:
            plan.problem = ("foreign_row", f"批次 {parsed.batch_id} 第 {index} 条记录（{record.entity} "
                            f"{record.uuid}）属于服务站 {owner}，不能由服务站 {parsed.station_code} 上传；"
                            "整批未保存。请联系技术支持。")
            return plan
        if before is not None and before.version >= record.version:
            plan.duplicates += 1
            continue
        values = {"b_entity": record.entity, "b_uuid": record.uuid, "version": record.version,
                  "op": record.op, "data": None if record.op == DELETE else dict(record.data or {})}
        (plan.updates if before is not None else plan.inserts).append(values)
    return plan


def _apply(connection: Connection, plan: Plan, header: Header, received_at: str) -> None:
    if plan.problem:
        return
    r = schema.city_row
    common = {"station_code": header.station_code, "batch_id": header.batch_id, "received_at": received_at}
    if connection.dialect.name == "postgresql":
        # Newer versions replace the city's copies: the old rows out in one DELETE per entity,
        # then every row of the batch in by COPY (row-by-row UPDATEs cost ten times as much).
        replaced: dict[str, list[str]] = {}
        for v in plan.updates:
            replaced.setdefault(v["b_entity"], []).append(v["b_uuid"])
        for entity, uuids in replaced.items():
            connection.execute(delete(r).where(
                r.c.entity == entity, r.c.uuid == any_(bindparam("uuids", uuids, type_=ARRAY(String)))))
        rows = [_row(v, common) for v in (*plan.inserts, *plan.updates)]
        if rows:
            _copy(connection, rows)
        return
    if plan.inserts:
        connection.execute(insert(r), [_row(v, common) for v in plan.inserts])
    if plan.updates:
        statement = (update(r).where(r.c.entity == bindparam("b_entity"), r.c.uuid == bindparam("b_uuid"))
                     .values(version=bindparam("version"), op=bindparam("op"), data=bindparam("data"),
                             batch_id=bindparam("b_batch"), received_at=bindparam("b_received")))
        connection.execute(statement, [{**v, "b_batch": header.batch_id, "b_received": received_at}
                                       for v in plan.updates])


def _row(values: dict[str, Any], common: dict[str, str]) -> dict[str, Any]:
    return {"entity": values["b_entity"], "uuid": values["b_uuid"], "version": values["version"],
            "op": values["op"], "data": values["data"], **common}


_COPY_COLUMNS = ("station_code", "entity", "uuid", "version", "op", "data", "batch_id", "received_at")


def _copy(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, in the batch's own transaction: a tenth of the time of row-by-row INSERTs."""
    from psycopg.types.json import Jsonb

    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY city_row ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(Jsonb(row[c]) if c == "data" and row[c] is not None else row[c]
                                 for c in _COPY_COLUMNS))
