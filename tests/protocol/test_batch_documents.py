"""The documents of the sync protocol: what a batch, receipt, enrolment and registration must be.

The batch is the test vectors' (tests/fixtures/sync-vectors/batch.json): six real-shaped
records of five entities. Every refusal is a ProtocolError with a Chinese ``user_message``,
since the city's operator or the station's clerk reads it.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from jiangxin_desktop.protocol import ProtocolError, canonical_json
from jiangxin_desktop.protocol.batch import (
    ACCEPTED,
    BATCH,
    ENROLMENT,
    ENTITY_ORDER,
    RECEIPT,
    REGISTRATION,
    REJECTED,
    Batch,
    DocumentError,
    Enrolment,
    Receipt,
    Record,
    Registration,
    batch_document,
    document_hash,
    ordered,
    read_batch,
    read_enrolment,
    read_receipt,
    read_registration,
)

VECTORS = Path(__file__).resolve().parents[1] / "fixtures" / "sync-vectors"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
HASH = "sha256:" + "ab" * 32


def _stored() -> bytes:
    return (VECTORS / "batch.json").read_bytes()


def _records() -> list[Record]:
    return list(read_batch(_stored()).records)


def _batch(records: list[Record] | None = None, *, sequence: int = 2, previous: str | None = HASH) -> bytes:
    return batch_document(batch_id="0193a4c2-5b1e-7c3d-8e4f-00000000aaaa", station_code="320706001",
                          sequence=sequence, created_at="2026-12-01T09:00:00.000Z", previous_hash=previous,
                          records=_records() if records is None else records)


def _refused(data: bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as refused:
        read_batch(data)
    assert CHINESE.search(refused.value.user_message), refused.value.user_message
    return refused.value


def _edited(change: Callable[[dict], object]) -> bytes:
    document = json.loads(_stored())
    change(document)
    return canonical_json(document)


# -- batches -----------------------------------------------------------------------------------


def test_the_stored_vector_reads_back_with_its_hash():
    data = _stored()
    batch = read_batch(data)
    assert isinstance(batch, Batch)
    assert batch.hash == document_hash(data) == (VECTORS / "batch.sha256").read_text().strip()
    assert (batch.sequence, batch.station_code, batch.previous_hash) == (2, "320706001", batch.previous_hash)
    assert dict(batch.counts) == {"trainee": 2, "training_class": 1, "class_session": 1, "enrollment": 1,
                                  "attendance": 1}


def test_records_come_parents_first_whatever_order_they_are_given_in():
    records = _records()
    data = _batch(list(reversed(records)))
    entities = [record.entity for record in read_batch(data).records]
    assert entities == sorted(entities, key=ENTITY_ORDER.index)
    assert entities[:3] == ["trainee", "trainee", "training_class"]
    # within one entity the given order is kept
    trainees = [r.uuid for r in reversed(records) if r.entity == "trainee"]
    assert [r.uuid for r in read_batch(data).records if r.entity == "trainee"] == trainees
    assert [r.entity for r in ordered(reversed(records))] == entities


def test_the_same_records_give_the_same_bytes_and_hash():
    records = _records()
    assert _batch(records) == _batch(list(reversed(records))[::-1])
    assert document_hash(_batch(records)) == read_batch(_batch(records)).hash
    assert document_hash(_batch(records)).startswith("sha256:") and len(document_hash(b"")) == 71


def test_counts_and_total_are_written_for_the_records_given():
    records = _records()[:3]
    document = json.loads(_batch(records))
    assert document["total"] == 3 and sum(document["counts"].values()) == 3
    assert document["type"] == BATCH and document["format"] == 1


def test_a_child_before_its_parent_is_refused():
    def swap(document):
        document["records"][0], document["records"][-1] = document["records"][-1], document["records"][0]
    assert "parents come first" in str(_refused(_edited(swap)))


@pytest.mark.parametrize("counts", [{"trainee": 1}, {}, {"trainee": 2, "training_class": True, "class_session": 1,
                                                           "enrollment": 1, "attendance": 1}])
def test_counts_that_do_not_match_are_refused(counts):
    assert "counts" in str(_refused(_edited(lambda d: d.update(counts=counts))))


def test_a_total_that_does_not_match_is_refused():
    _refused(_edited(lambda d: d.update(total=7)))
    _refused(_edited(lambda d: d.update(total=True)))


def test_a_row_twice_in_one_batch_is_refused():
    def twice(document):
        document["records"].insert(0, copy.deepcopy(document["records"][0]))
        document["counts"]["trainee"] += 1
        document["total"] += 1
    assert "twice" in str(_refused(_edited(twice)))


def test_a_delete_carries_no_data():
    records = _records()
    session = next(r for r in records if r.entity == "class_session")
    deleted = Record(session.entity, session.uuid, session.version + 1, "delete", None)
    data = _batch([r for r in records if r is not session] + [deleted])
    read = read_batch(data)
    assert [r for r in read.records if r.op == "delete"] == [deleted]
    assert json.loads(data)["records"][3] == {"entity": "class_session", "uuid": session.uuid,
                                              "version": session.version + 1, "op": "delete", "data": None}

    def delete_with_data(document):
        document["records"][3]["op"] = "delete"
    assert "delete carries no data" in str(_refused(_edited(delete_with_data)))


def test_an_upsert_without_data_is_refused():
    def no_data(document):
        document["records"][0]["data"] = None
    _refused(_edited(no_data))


def test_sequence_1_has_no_previous_hash_and_every_later_one_has_one():
    assert read_batch(_batch(sequence=1, previous=None)).previous_hash is None
    assert read_batch(_batch(sequence=2, previous=HASH)).previous_hash == HASH
    assert "previous_hash" in str(_refused(_batch(sequence=1, previous=HASH)))
    assert "previous_hash" in str(_refused(_batch(sequence=2, previous=None)))
    _refused(_batch(sequence=2, previous="sha256:ABC"))  # not 64 lower-case hex
    _refused(_batch(sequence=2, previous="md5:" + "ab" * 16))
    _refused(_batch(sequence=0, previous=None))
    _refused(_edited(lambda d: d.pop("previous_hash")))  # absent is not null


def test_chained_batches_name_the_previous_hash():
    first = _batch(sequence=1, previous=None)
    second = _batch(sequence=2, previous=document_hash(first))
    assert read_batch(second).previous_hash == read_batch(first).hash


def _set(path: tuple, value):
    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


REFUSALS = {
    "not JSON": lambda: b"{not json",
    "not UTF-8": lambda: b'{"type":"jiangxin.batch","x":"\xff"}',
    "a list": lambda: b"[]",
    "another type": lambda: _edited(_set(("type",), RECEIPT)),
    "a newer format": lambda: _edited(_set(("format",), 2)),
    "bad batch id": lambda: _edited(_set(("batch_id",), "B1")),
    "upper-case batch id": lambda: _edited(_set(("batch_id",), "0193A4C2-5B1E-7C3D-8E4F-0000000000B1")),
    "bad station": lambda: _edited(_set(("station_code",), "32 07")),
    "sequence as text": lambda: _edited(_set(("sequence",), "2")),
    "sequence as bool": lambda: _edited(_set(("sequence",), True)),
    "records not a list": lambda: _edited(_set(("records",), {})),
    "record with an extra key": lambda: _edited(_set(("records", 0, "extra"), 1)),
    "record not an object": lambda: _edited(_set(("records", 0), "trainee")),
    "unknown entity": lambda: _edited(_set(("records", 0, "entity"), "user")),
    "unknown operation": lambda: _edited(_set(("records", 0, "op"), "merge")),
    "bad record uuid": lambda: _edited(_set(("records", 0, "uuid"), "x")),
    "record uuid not its data's": lambda: _edited(_set(("records", 0, "uuid"), "0193a4c2-5b1e-7c3d-8e4f-0000000000ff")),
    "record version not its data's": lambda: _edited(_set(("records", 0, "version"), 9)),
    "field of the wrong type": lambda: _edited(_set(("records", 0, "data", "birth_date"), "1990-13-01")),
    "unknown field": lambda: _edited(_set(("records", 0, "data", "password"), "x")),
    "missing field": lambda: _edited(lambda d: d["records"][0]["data"].pop("id_number")),
    "counts not an object": lambda: _edited(_set(("counts",), [])),
    "created_at not a time": lambda: _edited(_set(("created_at",), "yesterday")),
    "created_at without offset": lambda: _edited(_set(("created_at",), "2026-12-01T09:00:00")),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_every_refusal_says_why_in_chinese(name):
    _refused(REFUSALS[name]())


def test_a_newer_format_asks_for_an_upgrade():
    assert "升级" in _refused(_edited(_set(("format",), 2))).user_message


def test_a_field_error_names_the_field_and_never_its_value():
    error = _refused(_edited(_set(("records", 0, "data", "phone"), 13900000001)))
    assert "phone" in error.user_message and "13900000001" not in str(error) + error.user_message


# -- receipts ---------------------------------------------------------------------------------


def _receipt(**changes) -> Receipt:
    values = dict(batch_id="0193a4c2-5b1e-7c3d-8e4f-0000000000b1", station_code="320706001", sequence=2,
                  batch_hash=HASH, received_at="2026-12-01T09:00:05.120Z", status=ACCEPTED, accepted=6,
                  duplicates=0)
    return Receipt(**{**values, **changes})


def test_receipts_round_trip():
    accepted = _receipt()
    rejected = _receipt(status=REJECTED, accepted=0, error_code="foreign_row",
                        error_message="批次中含有其他工作站的记录，已拒收。")
    for receipt in (accepted, rejected):
        data = receipt.document()
        assert data == canonical_json(json.loads(data))
        assert read_receipt(data) == receipt
    assert json.loads(accepted.document())["error"] is None
    assert json.loads(rejected.document())["error"] == {"code": "foreign_row",
                                                        "message": "批次中含有其他工作站的记录，已拒收。"}
    assert json.loads(accepted.document())["type"] == RECEIPT


def _edited_receipt(change: Callable[[dict], object], receipt: Receipt | None = None) -> bytes:
    document = json.loads((receipt or _receipt()).document())
    change(document)
    return canonical_json(document)


@pytest.mark.parametrize("change", [
    _set(("status",), "maybe"),
    _set(("error",), {"code": "x", "message": "y"}),  # accepted with an error
    _set(("batch_hash",), "sha256:00"),
    _set(("accepted",), "6"),
    _set(("sequence",), None),
    _set(("sequence",), 0),
    _set(("duplicates",), -1),
    _set(("received_at",), "2026-12-01"),
    _set(("type",), BATCH),
    lambda d: d.pop("received_at"),
])
def test_a_wrong_receipt_is_refused(change):
    with pytest.raises(DocumentError) as refused:
        read_receipt(_edited_receipt(change))
    assert CHINESE.search(refused.value.user_message)


def test_a_rejected_receipt_without_its_error_is_refused():
    rejected = _receipt(status=REJECTED, error_code="invalid_document", error_message="记录格式不对。")
    with pytest.raises(DocumentError):
        read_receipt(_edited_receipt(_set(("error",), None), rejected))


# -- enrolment and registration ----------------------------------------------------------------


def _enrolment() -> Enrolment:
    keys = json.loads((VECTORS / "keys.json").read_text())
    return Enrolment(enrolment_id="0193a4c2-5b1e-7c3d-8e4f-0000000000e1", station_code="320706001",
                     issued_at="2026-11-30T01:00:00.000Z", expires_at="2026-12-14T01:00:00.000Z",
                     token="k3yZ-one-time-token", city_name="连云港市", url="https://127.0.0.1:8443",
                     encryption_key=keys["city_encryption"], signing_key=keys["city_signing"],
                     tls_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")


def test_enrolment_round_trip():
    enrolment = _enrolment()
    data = enrolment.document()
    assert json.loads(data)["type"] == ENROLMENT and json.loads(data)["city"]["name"] == "连云港市"
    assert read_enrolment(data) == enrolment


def test_registration_round_trip():
    keys = json.loads((VECTORS / "keys.json").read_text())
    registration = Registration(enrolment_id="0193a4c2-5b1e-7c3d-8e4f-0000000000e1", station_code="320706001",
                                token="k3yZ-one-time-token", key_id=keys["station"]["kid"],
                                public_key=keys["station"]["public_key_base64"],
                                created_at="2026-12-01T01:00:00.000Z")
    data = registration.document()
    assert json.loads(data)["type"] == REGISTRATION
    assert read_registration(data) == registration


@pytest.mark.parametrize("reader, document, change", [
    (read_enrolment, lambda: _enrolment().document(), _set(("enrolment_id",), "E1")),
    (read_enrolment, lambda: _enrolment().document(), _set(("city",), None)),
    (read_enrolment, lambda: _enrolment().document(), lambda d: d["city"].pop("encryption_key")),
    (read_enrolment, lambda: _enrolment().document(), _set(("format",), 2)),
    (read_enrolment, lambda: _enrolment().document(), _set(("type",), REGISTRATION)),
    (read_enrolment, lambda: _enrolment().document(), _set(("expires_at",), "in 14 days")),
    (read_registration, lambda: Registration("0193a4c2-5b1e-7c3d-8e4f-0000000000e1", "320706001", "t", "k", "AA==",
                                             "2026-12-01T01:00:00.000Z").document(), _set(("token",), 5)),
    (read_registration, lambda: Registration("0193a4c2-5b1e-7c3d-8e4f-0000000000e1", "320706001", "t", "k", "AA==",
                                             "2026-12-01T01:00:00.000Z").document(), _set(("station_code",), "")),
    (read_registration, lambda: Registration("0193a4c2-5b1e-7c3d-8e4f-0000000000e1", "320706001", "t", "k", "AA==",
                                             "2026-12-01T01:00:00.000Z").document(), _set(("type",), ENROLMENT)),
])
def test_wrong_enrolments_and_registrations_are_refused(reader, document, change):
    edited = json.loads(document())
    change(edited)
    with pytest.raises(DocumentError) as refused:
        reader(canonical_json(edited))
    assert CHINESE.search(refused.value.user_message)
