"""The decisions document (city → station) and the station's request for it: built canonically,
read strictly, every refusal a ProtocolError with a Chinese sentence."""

from __future__ import annotations

import json

import pytest

from jiangxin_desktop.protocol import ProtocolError
from jiangxin_desktop.protocol.batch import CLAIM_DECISIONS, document_hash
from jiangxin_desktop.protocol.decisions import (
    Decision,
    DecisionsRequest,
    Elsewhere,
    decisions_document,
    read_decisions,
    read_decisions_request,
)

CLAIM = "0193a4c2-5b1e-7c3d-8e4f-000000000001"
TRAINEE = "0193a4c2-5b1e-7c3d-8e4f-0000000000aa"
AT = "2026-12-03T08:00:00.000Z"


def decision(sequence: int, kind: str = "approved", **changes) -> Decision:
    values = {"sequence": sequence, "claim_uuid": CLAIM, "claim_number": "320706001-BT2026-00001",
              "decision": kind, "amount_fen": 120000 if kind != "returned" else None,
              "reason": "缺少身份证复印件" if kind == "returned" else None,
              "paid_on": "2026-12-20" if kind == "paid" else None, "decided_at": AT, "decided_by": "李科长"}
    values.update(changes)
    return Decision(**values)


def elsewhere(**changes) -> Elsewhere:
    values = {"trainee_uuid": TRAINEE, "claim_uuid": "0193a4c2-5b1e-7c3d-8e4f-000000000002",
              "station_code": "320706002", "occupation_code": "4-03-02-01", "occupation_name": "中式烹调师",
              "level": "五级", "status": "paid"}
    values.update(changes)
    return Elsewhere(**values)


def build(**changes) -> bytes:
    values = {"station_code": "320706001", "issued_at": AT, "after": 0,
              "decisions": [decision(2, "paid"), decision(1)], "elsewhere": [elsewhere()]}
    values.update(changes)
    return decisions_document(**values)


def test_a_document_reads_back_as_built_in_sequence_order():
    data = build()
    read = read_decisions(data)
    assert [d.sequence for d in read.decisions] == [1, 2] and read.last == 2 and read.after == 0
    assert read.decisions[1].paid_on == "2026-12-20" and read.elsewhere == (elsewhere(),)
    assert read.hash == document_hash(data)
    assert json.loads(data)["type"] == CLAIM_DECISIONS
    empty = read_decisions(build(after=7, decisions=[], elsewhere=[]))
    assert (empty.after, empty.last, empty.decisions) == (7, 7, ())


def mutate(change) -> bytes:
    document = json.loads(build())
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize("change", [
    lambda d: d.update(type="jiangxin.receipt"),
    lambda d: d.update(extra=1),
    lambda d: d.update(last=1),  # below the decisions it carries
    lambda d: d.update(after=2),  # decisions not after `after`
    lambda d: d["decisions"].reverse(),  # out of order
    lambda d: d["decisions"][0].update(decision="maybe"),
    lambda d: d["decisions"][0].update(amount_fen=None),  # an approval without its amount
    lambda d: d["decisions"][0].update(amount_fen=-1),
    lambda d: d["decisions"][0].update(decision="returned", amount_fen=None, reason=" "),
    lambda d: d["decisions"][1].update(paid_on=None),  # a payment without its date
    lambda d: d["decisions"][1].update(paid_on="2026-02-30"),
    lambda d: d["decisions"][0].update(paid_on="2026-12-20"),  # only a payment has a date
    lambda d: d["decisions"][0].update(claim_uuid="not-a-uuid"),
    lambda d: d["decisions"][0].pop("decided_by"),
    lambda d: d["decisions"][0].update(sequence=True),
    lambda d: d["elsewhere"][0].update(status="draft"),  # does not count
    lambda d: d["elsewhere"][0].update(station_code="320706001"),  # this very station
    lambda d: d["elsewhere"].append(dict(d["elsewhere"][0])),
    lambda d: d["elsewhere"][0].pop("level"),
])
def test_a_wrong_document_is_refused_in_chinese(change):
    with pytest.raises(ProtocolError) as refused:
        read_decisions(mutate(change))
    assert refused.value.user_message == "市里发来的补贴决定格式不对，已拒收。"


def test_not_json_and_another_format_are_refused():
    with pytest.raises(ProtocolError, match="not JSON"):
        read_decisions(b"\xff")
    with pytest.raises(ProtocolError) as newer:
        read_decisions(mutate(lambda d: d.update(format=2)))
    assert "升级" in newer.value.user_message


def test_the_request_round_trips_and_refuses_other_fields():
    request = DecisionsRequest("320706001", 5, AT)
    assert read_decisions_request(request.document()) == request
    document = json.loads(request.document())
    document["after"] = -1
    with pytest.raises(ProtocolError):
        read_decisions_request(json.dumps(document).encode())
    document.update(after=1, extra=True)
    with pytest.raises(ProtocolError):
        read_decisions_request(json.dumps(document).encode())
