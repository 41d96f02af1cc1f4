"""The trainee table model over the real encrypted demo database."""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt

from jiangxin_desktop.ui.registry.trainee_model import TraineeTableModel

MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def make_model(ctx) -> TraineeTableModel:
    return TraineeTableModel(ctx.search, ctx.codes["target_group"])


def column(model: TraineeTableModel, col: int, role=Qt.ItemDataRole.DisplayRole) -> list:
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester, demo_context):
    model = make_model(demo_context)
    qtmodeltester.check(model, force_py=True)
    model.set_query("王")
    qtmodeltester.check(model, force_py=True)


def test_model_passes_qt_own_tester_while_paging_and_sorting(qtmodeltester, demo_context):
    model = make_model(demo_context)
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    model.sort(TraineeTableModel.NAME, Qt.SortOrder.AscendingOrder)
    model.set_include_inactive(True)


def test_headers_are_the_chinese_column_names(demo_context):
    model = make_model(demo_context)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["姓名", "性别", "出生日期", "公民身份号码", "手机号码", "人员类别", "登记时间", "状态"]


def test_numbers_are_masked_by_default(demo_context):
    model = make_model(demo_context)
    ids = column(model, TraineeTableModel.ID_NUMBER)
    phones = column(model, TraineeTableModel.PHONE)
    assert ids and all(MASKED_ID.match(v) for v in ids), ids[:3]
    assert all(MASKED_PHONE.match(v) for v in phones), phones[:3]


def test_reveal_row_shows_one_number_and_set_reveal_false_masks_again(demo_context):
    model = make_model(demo_context)
    row = model.row_at(0)
    model.reveal_row(row.uuid, row.id_number)
    assert model.data(model.index(0, TraineeTableModel.ID_NUMBER)) == row.id_number
    assert model.data(model.index(0, TraineeTableModel.PHONE)) == row.phone
    assert MASKED_ID.match(model.data(model.index(1, TraineeTableModel.ID_NUMBER)))
    model.set_reveal(False)
    assert MASKED_ID.match(model.data(model.index(0, TraineeTableModel.ID_NUMBER)))


def test_rows_arrive_in_pages_of_100_and_the_last_page_is_known_as_last(demo_context):
    model = make_model(demo_context)
    assert model.rowCount() == 100
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 300
    # The look-ahead row said that nothing follows: no empty page is asked for.
    assert not model.canFetchMore(QModelIndex())
    assert model.match_count() == (300, False)


def test_a_search_counts_from_its_pages_without_a_count_query(demo_context):
    model = make_model(demo_context)
    asked = []
    count = demo_context.search.count
    demo_context.search.count = lambda *a, **k: asked.append(a) or count(*a, **k)
    try:
        model.set_query("320")  # every demo ID holds 320
        assert model.rowCount() == 100
        assert model.match_count() == (100, True)  # shown as "100+"
        model.fetchMore(QModelIndex())
        assert model.match_count() == (200, True)
        model.fetchMore(QModelIndex())
        assert model.match_count() == (300, False)  # every match is listed: the exact number
        name = model.row_at(0).name
        model.set_query(name)
        assert model.match_count() == (model.rowCount(), False) and model.rowCount() >= 1
    finally:
        demo_context.search.count = count
    assert asked == []  # a search never reads its rows twice


def test_keystrokes_reuse_the_count_of_everyone_and_a_refresh_counts_again(demo_context):
    model = make_model(demo_context)
    assert model.match_count() == (300, False)
    asked = []
    count = demo_context.search.count
    demo_context.search.count = lambda *a, **k: asked.append(a) or count(*a, **k)
    try:
        model.set_query("3")  # too short: everyone is listed, with the count made before
        model.set_query("")
        assert asked == [] and model.match_count() == (300, False)
        model.set_query("")  # the same text again: F5 after a change counts again
        assert len(asked) == 1
    finally:
        demo_context.search.count = count


def test_sorting_asks_sqlite_again(demo_context):
    model = make_model(demo_context)
    model.sort(TraineeTableModel.BIRTH_DATE, Qt.SortOrder.AscendingOrder)
    births = column(model, TraineeTableModel.BIRTH_DATE)
    assert births == sorted(births)
    model.sort(TraineeTableModel.BIRTH_DATE, Qt.SortOrder.DescendingOrder)
    births_desc = column(model, TraineeTableModel.BIRTH_DATE)
    assert births_desc == sorted(births_desc, reverse=True)
    assert births_desc[0] > births[0]  # a different page of the 300, not the same rows reversed


def test_codes_show_as_labels_and_uuid_role(demo_context):
    model = make_model(demo_context)
    labels = {c.label for c in demo_context.codes["target_group"]}
    assert set(column(model, TraineeTableModel.TARGET_GROUP)) <= labels
    uuid = model.data(model.index(0, 0), TraineeTableModel.UUID_ROLE)
    assert demo_context.registry.get(uuid).name == model.data(model.index(0, TraineeTableModel.NAME))


def test_deactivated_rows_are_hidden_or_greyed_with_status(demo_context):
    model = make_model(demo_context)
    victim = model.row_at(0)
    demo_context.registry.deactivate(victim.uuid, "重复登记")
    model.reload()
    assert model.row_of(victim.uuid) is None
    assert set(column(model, TraineeTableModel.STATUS)) == {"在册"}
    model.set_include_inactive(True)
    row = model.row_of(victim.uuid)
    assert row is not None
    assert model.data(model.index(row, TraineeTableModel.STATUS)) == "已注销"
    grey = model.data(model.index(row, TraineeTableModel.NAME), Qt.ItemDataRole.ForegroundRole)
    assert grey is not None and grey.color().lightness() > 100
    assert model.data(model.index(0 if row else 1, 0), Qt.ItemDataRole.ForegroundRole) is None
