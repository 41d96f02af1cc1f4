"""设置 → 培训目录: the catalog in force, and an administrator importing the city's."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.services.catalog.training import shipped_catalog_path
from jiangxin_desktop.ui.station.catalog_page import CatalogPage
from tests.services.classes_helpers import login


def city_catalog(tmp_path, **changes):
    data = json.loads(shipped_catalog_path().read_text(encoding="utf-8"))
    data.update(version="2027.1", example=False, **changes)
    path = tmp_path / "连云港市培训目录.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_admin_imports_the_city_catalog_and_a_bad_one_is_refused(qtbot, demo_context, tmp_path, answer_modal):
    login(demo_context, "admin")
    page = CatalogPage(demo_context)
    qtbot.addWidget(page)
    page.show()
    assert "2026.1-示例" in page.version_label.text() and page.example_label.isVisible()

    bad = city_catalog(tmp_path, occupations=[{"code": "6-4-2-5", "name": "焊工", "category": "A"}])
    seen = answer_modal(lambda box: box.accept(), QMessageBox)
    assert not page.import_file(bad)
    assert "职业编码应为" in seen[0].text()
    assert demo_context.catalogs.active().version == "2026.1-示例"

    assert page.import_file(city_catalog(tmp_path))
    assert "2027.1" in page.version_label.text() and not page.example_label.isVisible()
    assert demo_context.catalogs.active().version == "2027.1"


def test_a_clerk_sees_the_catalog_but_cannot_import(qtbot, demo_context):
    page = CatalogPage(demo_context)
    qtbot.addWidget(page)
    assert not page.import_button.isEnabled() and "管理员" in page.import_button.toolTip()
    assert "养老护理员" in page.details.toPlainText()
    assert "考勤：开课前 30 分钟至下课可签到" in page.details.toPlainText()


def test_statistics_export_from_the_classes_page(qtbot, demo_context, tmp_path):
    from openpyxl import load_workbook

    from jiangxin_desktop.ui.training.classes_page import ClassesPage
    from tests.services.classes_helpers import opened_class

    opened_class(demo_context)
    page = ClassesPage(demo_context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.message) as note:
        assert page.export_statistics_to(tmp_path / "统计.xlsx")
    assert "1 个培训班" in note.args[0]
    rows = list(load_workbook(tmp_path / "统计.xlsx").active.iter_rows(values_only=True))
    assert rows[2][0] == "班级编号" and rows[3][2] == "已开班"  # title, note, header, data
