"""The class lifecycle's one transition table: states, actions, roles."""

from __future__ import annotations

from datetime import date

from jiangxin_desktop.domain.class_lifecycle import (
    STATUS_LABELS,
    TRANSITIONS,
    allowed_from,
    earliest_finish,
    may,
    returned,
)


def test_the_table_walks_a_class_from_draft_to_archive() -> None:
    status = TRANSITIONS["create"].target
    walked = [status]
    for action in ("approve", "start", "finish", "archive"):
        assert allowed_from(action, status)
        status = TRANSITIONS[action].target
        walked.append(status)
    assert [STATUS_LABELS[s] for s in walked] == ["草稿", "已开班", "培训中", "已结业", "已归档"]


def test_send_back_returns_a_draft_or_an_opened_class_but_not_one_in_training() -> None:
    assert TRANSITIONS["send_back"].target == "draft"
    assert allowed_from("send_back", "opened") and allowed_from("send_back", "draft")
    assert not allowed_from("send_back", "training")
    assert not allowed_from("edit", "opened")


def test_who_may_take_each_step() -> None:
    assert may("approve", "reviewer") and not may("approve", "clerk") and not may("approve", "admin")
    assert may("archive", "admin") and may("archive", "reviewer") and not may("archive", "clerk")
    assert may("start", "clerk") and not may("start", "reviewer") and not may("start", None)


def test_every_target_is_a_known_state() -> None:
    for step in TRANSITIONS.values():
        assert step.target in STATUS_LABELS and set(step.sources) <= set(STATUS_LABELS)


def test_a_class_closes_after_its_last_session_or_its_end_date() -> None:
    days = [date(2026, 3, 2), date(2026, 3, 9)]
    assert earliest_finish(days, date(2026, 3, 31)) == date(2026, 3, 9)
    assert earliest_finish([], date(2026, 3, 31)) == date(2026, 3, 31)


def test_a_returned_class_is_a_draft_with_the_reviewer_s_reason() -> None:
    assert returned("draft", "课时不足") and not returned("draft", None) and not returned("opened", "x")
