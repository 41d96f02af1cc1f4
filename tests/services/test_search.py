"""Search as the clerk types: 1-2 character names, fragments of IDs and phones, exact IDs."""

from __future__ import annotations

import pytest

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.registry.search import plan_search


@pytest.fixture
def people(demo_context):
    made = {}
    for name, first17, phone in [
        ("欧阳敏", "32070619900101123", "13912340001"),
        ("王𠇔", "32072219851231456", "13912340002"),
        ("阿依古丽·买买提", "65010219920202789", "15800001234"),
    ]:
        made[name] = demo_context.registry.register(
            TraineeInput(
                name=name, id_number=id_with_check(first17), phone=phone, target_group="31", consent=True
            )
        )
    return made


def uuids(ctx, query, **kw):
    return [r.uuid for r in ctx.search.page(query, limit=1000, **kw)]


@pytest.mark.parametrize("query", ["敏", "阳敏", "欧阳敏", "𠇔", "王𠇔", "古丽", "买买提", "阿依古丽·买买提"])
def test_name_fragments_of_any_length(demo_context, people, query):
    expected = {"敏": "欧阳敏", "阳敏": "欧阳敏", "欧阳敏": "欧阳敏", "𠇔": "王𠇔", "王𠇔": "王𠇔"}.get(
        query, "阿依古丽·买买提"
    )
    assert people[expected].uuid in uuids(demo_context, query)


def test_id_and_phone_fragments(demo_context, people):
    rec = people["欧阳敏"]
    assert rec.uuid in uuids(demo_context, rec.id_number[-6:])
    assert rec.uuid in uuids(demo_context, rec.id_number[-4:].lower())
    assert rec.uuid in uuids(demo_context, "0001")
    assert uuids(demo_context, rec.id_number) == [rec.uuid]
    assert uuids(demo_context, "139 1234 0001") == [rec.uuid]


def test_short_digit_query_is_explained_not_filtered(demo_context, people):
    assert plan_search("13").kind == "short" and "3 位" in plan_search("13").hint
    assert len(uuids(demo_context, "13")) == len(uuids(demo_context, ""))


def test_sorting_and_paging_in_sql(demo_context, people):
    names = [r.name for r in demo_context.search.page("", sort="name", descending=False, limit=1000)]
    assert names == sorted(names)
    first = demo_context.search.page("", limit=50)
    second = demo_context.search.page("", limit=50, offset=50)
    assert not {r.uuid for r in first} & {r.uuid for r in second}
    assert first[0].seq > first[-1].seq  # newest first by default
    n, capped = demo_context.search.count("")
    assert (n, capped) == (303, False)
    assert demo_context.search.count("", cap=100) == (100, True)


def test_quotes_and_fts_syntax_are_literal(demo_context, people):
    for query in ['"', 'a"b', "AND", "NEAR(", "*", "欧阳 OR"]:
        demo_context.search.page(query)  # must not raise an FTS syntax error


def test_id_prefix_uses_the_id_range_and_finds_the_person(demo_context, people):
    rec = people["欧阳敏"]
    for n in range(6, 18):
        assert plan_search(rec.id_number[:n]).kind == "id_prefix"
        assert rec.uuid in uuids(demo_context, rec.id_number[:n])
    rows = demo_context.search.page(rec.id_number[:6], limit=1000)
    assert all(r.id_number.startswith(rec.id_number[:6]) for r in rows)
    assert [r.id_number for r in rows] == sorted(r.id_number for r in rows)
    # A phone number starting 13/14/15 also looks like a Hebei/Shanxi/Inner Mongolia ID start.
    assert plan_search("13912340001").kind == "trigram"
    assert uuids(demo_context, "13912340001") == [rec.uuid]
    # Not a province code: an ID tail or phone fragment, searched anywhere.
    assert plan_search("011230").kind == "trigram"
