"""One list of personal fields: what audit copies seal and what anonymisation removes follow it."""

from __future__ import annotations

from jiangxin_desktop.protocol import schema
from jiangxin_desktop.services.security.sealing import IDENTIFYING, SEALED, seal, unseal
from jiangxin_desktop.services.station.retention import ANONYMOUS_NAME
from tests.services.test_registry import person

# The list sealing.py held by hand before it was derived from the schemas.
SEALED_BEFORE = {
    "name",
    "id_number",
    "birth_date",
    "phone",
    "bank_card",
    "address",
    "employer",
    "employer_uscc",
    "employer_uscc_override",
    "evidence_number",
    "note",
    "deactivated_reason",
    "trainee_name",
    "trainee_id_number",
}


def test_sealing_seals_what_it_sealed_before_and_what_the_schemas_mark():
    identifying = schema("trainee").identifying
    derived = IDENTIFYING
    claim = schema("subsidy_claim").identifying  # the payee's name and account
    assert claim == {"payee_name", "payee_account"}
    assert derived == SEALED_BEFORE | claim | {f"trainee_{column}" for column in identifying}
    assert schema("enrollment").identifying <= IDENTIFYING


def test_an_audit_copy_of_a_trainee_keeps_no_identifying_field_in_clear(demo_context):
    ctx = demo_context
    full = person(bank_card="6222020200112233445", address="朝阳东路 18 号", employer="港口集团", note="下午")
    record = ctx.registry.register(full).to_json()
    with ctx.db.write() as session:
        sealed = seal(session, record["uuid"], record)
        opened = unseal(session, sealed)
    assert sealed is not None and SEALED in sealed
    assert not schema("trainee").identifying & set(sealed)  # none in clear
    kept = {"sex", "target_group", "target_flags", "education"}
    assert kept <= set(sealed)  # statistics still read in clear
    assert opened == record


def test_anonymised_rows_keep_nothing_that_points_to_the_person(stored_rows):
    trainee, enrollment = schema("trainee"), schema("enrollment")
    anonymised = [r for r in stored_rows["trainee"] if r["anonymised_at"]]
    assert len(anonymised) > 50
    assert trainee.replaced_on_anonymisation == ("name", "id_number", "birth_date", "phone")
    for row in anonymised:
        assert all(row[column] is None for column in trainee.cleared_on_anonymisation), row["uuid"]
        assert row["name"] == ANONYMOUS_NAME and row["id_number"].startswith("X") and row["phone"] == ""
        assert (row["birth_date"].month, row["birth_date"].day) == (1, 1)
    gone = {r["uuid"] for r in anonymised}
    latest = {r["uuid"]: r for r in stored_rows["enrollment"]}  # read again after the rule ran
    for row in latest.values():
        if row["trainee_uuid"] in gone:
            assert all(row[column] is None for column in enrollment.cleared_on_anonymisation)
