"""待回访: keys record the outcome and move on; the form checks the USCC while typing; overdue
rows say how late they are; 已回访 corrects a record. The service is a stand-in with the real
rows (DueRow, FollowupRecord) so the list's contents are the test's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from jiangxin_desktop.errors import ValidationError, FieldError
from jiangxin_desktop.services.followup import DueRow, FollowupRecord
from jiangxin_desktop.ui.followup.followup_tab import FollowupTab
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR

LABELS = {"employed": "受雇就业", "self_employed": "自主创业", "flexible": "灵活就业",
          "not_employed": "未就业", "unreachable": "联系不上"}


def _valid_uscc() -> str:
    from stdnum.cn import uscc

    body = "91320706MA1MXKQP3"
    return body + uscc.calc_check_digit(body)


class FakeFollowups:
    def __init__(self, today: date) -> None:
        def due(n: int, name: str, days_late: int) -> DueRow:
            due_on = today - timedelta(days=days_late)
            return DueRow(
                f"e{n}", f"t{n}", name, f"1380000000{n}", "3207**********001" + str(n), "C1", "焊工班",
                due_on - timedelta(days=90), 3, due_on, days_late > 30, max(days_late, 0), None,
            )

        self.rows = [due(1, "张一", 40), due(2, "李二", 0), due(3, "王三", -3)]
        self.recorded: list[tuple[str, int, object]] = []
        self.records: list[FollowupRecord] = []

    def due(self, *, today=None, within_days=None):
        done = {(e, p) for e, p, _d in self.recorded}
        return [r for r in self.rows if (r.enrollment_uuid, r.period_months) not in done]

    def record(self, enrollment_uuid, period_months, data):
        from jiangxin_desktop.domain.contact import check_uscc

        if data.employer_uscc and not check_uscc(data.employer_uscc).ok:
            raise ValidationError([FieldError("统一社会信用代码", "校验位错误")])
        self.recorded.append((enrollment_uuid, period_months, data))
        row = next(r for r in self.rows if r.enrollment_uuid == enrollment_uuid)
        record = FollowupRecord(
            f"f-{enrollment_uuid}", enrollment_uuid, row.trainee_uuid, row.trainee_name, row.id_masked,
            row.class_code, row.class_name, period_months, row.due_on, data.outcome, LABELS[data.outcome],
            True, data.employer_name, data.employer_uscc, data.contract_type, None, data.wage_band, None,
            data.contacted_on, data.note, "clerk", 1, "",
        )
        self.records = [r for r in self.records if r.enrollment_uuid != enrollment_uuid] + [record]
        return record

    def list(self, *, class_code=None, trainee_uuid=None):
        return list(self.records)


@pytest.fixture
def fake(demo_context, monkeypatch):
    service = FakeFollowups(demo_context.acting.today())
    monkeypatch.setattr(type(demo_context), "followups", property(lambda _self: service), raising=False)
    return service


@pytest.fixture
def tab(qtbot, demo_context, fake):
    widget = FollowupTab(demo_context)
    qtbot.addWidget(widget)
    widget.resize(1300, 600)
    widget.show()
    widget.refresh()  # as the 统计 page does when it shows the tab
    widget.table.setFocus()
    return widget


def _cell(tab, row, column):
    model = tab.table.model()
    return model.data(model.index(row, column))


def test_overdue_rows_show_how_late_and_in_red(tab):
    assert _cell(tab, 0, 0) == "张一"
    assert _cell(tab, 0, 1) == "13800000001", "the phone in full: the clerk calls it"
    assert _cell(tab, 0, 7) == "逾期 40 天"
    assert _cell(tab, 1, 7) == "待回访"
    assert _cell(tab, 0, 5) == "3 个月"
    assert tab.due_model.colour(tab.due_model.row_at(0), 7) == ERROR_COLOR
    assert "逾期 1" in tab.count_label.text()
    assert "1 受雇就业" in tab.legend.text() and "5 联系不上" in tab.legend.text()


def test_a_key_records_the_outcome_and_the_next_row_gets_the_cursor(qtbot, tab, fake, demo_context):
    tab.table.setCurrentIndex(tab.table.model().index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_2)
    assert [(e, p, d.outcome, d.contacted_on) for e, p, d in fake.recorded] == [
        ("e1", 3, "self_employed", demo_context.acting.today())
    ]
    assert tab.table.model().rowCount() == 2
    assert _cell(tab, 0, 0) == "李二"
    assert tab.table.currentIndex().row() == 0 and tab.table.hasFocus()
    assert "张一" in tab.status_label.text() and "自主创业" in tab.status_label.text()
    qtbot.keyClick(tab.table, Qt.Key.Key_5)
    assert fake.recorded[-1][2].outcome == "unreachable"
    assert _cell(tab, 0, 0) == "王三"


def test_the_search_box_narrows_the_list(qtbot, tab):
    qtbot.keyClicks(tab.search, "13800000003")
    assert tab.table.model().rowCount() == 1 and _cell(tab, 0, 0) == "王三"


def test_an_invalid_uscc_shows_the_message_and_saves_nothing(qtbot, tab, fake, ime):
    tab.table.setCurrentIndex(tab.table.model().index(1, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    form = tab.form
    assert form is not None and form.isVisible()
    ime(form.employer, "连云港某某机械有限公司")
    bad = _valid_uscc()[:-1] + ("0" if _valid_uscc()[-1] != "0" else "1")
    qtbot.keyClicks(form.uscc, bad)
    assert "校验位错误" in form.uscc_row.message_text()
    assert form.uscc_row.message.isVisible()
    assert not form.save_button.isEnabled() and "统一社会信用代码" in form.save_button.toolTip()
    form.attempt_save()  # Ctrl+S with the wrong code
    assert fake.recorded == [] and tab.form is form and form.isVisible()
    assert "统一社会信用代码" in form.reason_label.text()

    form.uscc.clear()
    qtbot.keyClicks(form.uscc, _valid_uscc())
    assert not form.uscc_row.message.isVisible() and form.save_button.isEnabled()
    form.contract.set_value("labour")
    form.wage.set_value("3000_5000")
    form.note.setFocus()
    qtbot.keyClick(form.note, Qt.Key.Key_Return)  # Enter on the last field saves
    assert tab.form is None
    (enrolment, period, data), = fake.recorded
    assert (enrolment, period, data.outcome, data.employer_name) == ("e2", 3, "employed", "连云港某某机械有限公司")
    assert (data.employer_uscc, data.contract_type, data.wage_band) == (_valid_uscc(), "labour", "3000_5000")
    assert [r.trainee_name for r in tab.table.model().rows] == ["张一", "王三"]
    assert tab.table.currentIndex().row() == 1, "the row after the recorded one"


def test_a_recorded_follow_up_is_corrected_from_the_done_view(qtbot, tab, fake):
    tab.table.setCurrentIndex(tab.table.model().index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_4)
    tab.view.setCurrentIndex(tab.view.findData("done"))
    assert tab.table.model() is tab.done_model and tab.done_model.rowCount() == 1
    assert _cell(tab, 0, 4) == "未就业"
    qtbot.keyClick(tab.table, Qt.Key.Key_1)  # digits do nothing in 已回访
    assert len(fake.recorded) == 1
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    form = tab.form
    assert form.outcome.value() == "not_employed"
    form.outcome.set_value("flexible")
    form.attempt_save()
    assert fake.recorded[-1][2].outcome == "flexible"
    assert tab.form is None and _cell(tab, 0, 4) == "灵活就业"


def test_a_refusal_from_the_service_is_shown_and_the_row_stays(qtbot, tab, fake, monkeypatch):
    shown = []
    monkeypatch.setattr("jiangxin_desktop.ui.followup.followup_tab.show_known_error",
                        lambda _parent, error, title=None: shown.append(error.message))

    def refuse(*_args):
        raise ValidationError([FieldError("回访日期", "早于结业日期，请核对")])

    monkeypatch.setattr(fake, "record", refuse)
    qtbot.keyClick(tab.table, Qt.Key.Key_1)
    assert shown and "结业日期" in shown[0]
    assert tab.table.model().rowCount() == 3


def test_this_week_shows_overdue_and_due_by_sunday(tab, fake, demo_context):
    today = demo_context.acting.today()
    fake.rows.append(replace(fake.rows[2], enrollment_uuid="e9", trainee_name="赵九", due_on=today + timedelta(days=8)))
    tab.view.setCurrentIndex(tab.view.findData("week"))
    names = [r.trainee_name for r in tab.table.model().rows]
    assert "张一" in names and "赵九" not in names


def test_with_the_real_service_a_key_records_and_the_row_leaves(qtbot, demo_context, clock):
    from datetime import datetime, time

    from tests.services.followup_helpers import finished_class

    done = finished_class(demo_context, clock, date(2026, 5, 4), "甲乙")
    clock.set(datetime.combine(done.klass.end_date + timedelta(days=92), time(9, 0)))
    tab = FollowupTab(demo_context)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()  # as the 统计 page does when it shows the tab
    first, second = (r.trainee_name for r in tab.table.model().rows)
    assert {first, second} == {"学员甲", "学员乙"}
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.table.model().index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_3)
    assert [r.trainee_name for r in tab.table.model().rows] == [second]
    assert tab.table.currentIndex().row() == 0
    (record,) = demo_context.followups.list()
    assert (record.trainee_name, record.outcome, record.period_months) == (first, "flexible", 3)
    assert record.contacted_on == demo_context.acting.today()


def test_an_empty_list_says_when_follow_ups_appear(qtbot, demo_context):
    tab = FollowupTab(demo_context)
    qtbot.addWidget(tab)
    tab.refresh()
    assert tab.table.model().rowCount() == 0
    assert "没有到期或逾期的回访。结业后 3、6 个月各回访一次，到期前 7 天列在这里" in tab.count_label.text()
    assert not tab.form_button.isEnabled()


def test_the_work_fields_are_for_a_person_in_work(qtbot, tab, fake):
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    form = tab.form
    qtbot.keyClicks(form.uscc, "123")
    form.employer.setText("某公司")
    assert not form.save_button.isEnabled()
    form.outcome.set_value("not_employed")
    assert not form.employer.isEnabled() and not form.uscc.isEnabled() and not form.wage.isEnabled()
    assert form.save_button.isEnabled(), "a greyed code does not block saving"
    form.attempt_save()
    (_e, _p, data), = fake.recorded
    assert (data.outcome, data.employer_name, data.employer_uscc) == ("not_employed", None, None)
