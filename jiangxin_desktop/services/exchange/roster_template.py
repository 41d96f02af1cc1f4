"""The roster import template (forms/roster-import-template.xlsx), built from the code lists.

Regenerate after a change to the code catalog or to the columns::

    python -m jiangxin_desktop.services.exchange.roster_template

The ID, phone and card columns are formatted as text ("@") so that Excel keeps all 18
digits; coded columns get drop-down lists fed from a hidden sheet of labels. Sex and birth
date have no column: they are derived from the ID.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.services.exchange.roster_fields import CODED_FIELDS, ROSTER_FIELDS

TEMPLATE_NAME = "roster-import-template.xlsx"
TITLE = "培训学员花名册（导入模板）"
INSTRUCTIONS = (
    "填写说明：带*的列必填；公民身份号码请填写18位完整号码（本列已设为文本格式，请勿改为数字）；"
    "性别和出生日期按身份证号自动确定，无需填写；户口性质、民族、文化程度、人员类别、证明材料类型、"
    "就业状态请从下拉列表中选择；请不要修改第3行的列名。"
)
# Our field → the header text of the template (recognised by roster_headers).
TEMPLATE_HEADERS = {
    "name": "姓名*",
    "id_number": "公民身份号码*",
    "phone": "手机号码",
    "bank_card": "社保卡号/银行账号",
    "employer": "工作单位",
    "hukou": "户口性质",
    "ethnicity": "民族",
    "education": "文化程度",
    "target_group": "人员类别",
    "evidence_type": "证明材料类型",
    "evidence_number": "证明材料编号",
    "employment_status": "就业状态",
    "address": "联系地址",
    "note": "备注",
}
COLUMN_WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "bank_card": 22, "address": 30, "note": 24}
TEXT_FIELDS = ("id_number", "phone", "bank_card", "evidence_number")
LISTS_SHEET = "代码表"
HEADER_ROW = 3
DATA_ROWS = 2000  # rows that carry the drop-down lists


def evidence_labels(codes: CodeCatalog) -> list[str]:
    """Every evidence type named by any 人员类别, in catalog order."""
    labels: dict[str, None] = {}
    for group in codes["target_group"]:
        labels.update(dict.fromkeys(group.extra.get("evidence", ())))
    return list(labels)


def drop_down_values(codes: CodeCatalog) -> dict[str, list[str]]:
    """Our field → the labels offered in its drop-down list."""
    values = {f: [c.label for c in codes[name]] for f, name in CODED_FIELDS.items()}
    values["evidence_type"] = evidence_labels(codes)
    return {f: values[f] for f in ROSTER_FIELDS if f in values}


def build_template(codes: CodeCatalog, out: Path) -> None:
    """Write the import template to ``out``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    last = get_column_letter(len(ROSTER_FIELDS))
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A1:{last}1")
    sheet["A2"] = INSTRUCTIONS
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A2"].font = Font(color="C00000")
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 48
    fill = PatternFill("solid", fgColor="DDEBF7")

    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    options = drop_down_values(codes)
    for col, field in enumerate(ROSTER_FIELDS, start=1):
        letter = get_column_letter(col)
        cell = sheet.cell(row=HEADER_ROW, column=col, value=TEMPLATE_HEADERS[field])
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(field, 16)
        if field in TEXT_FIELDS:
            sheet.column_dimensions[letter].number_format = "@"
        if field in options:
            _add_drop_down(sheet, lists, field, letter, options[field], DataValidation)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    workbook.save(out)


def _add_drop_down(
    sheet: Any, lists: Any, field: str, letter: str, labels: list[str], validation_type: Any
) -> None:
    from openpyxl.utils import get_column_letter

    list_col = get_column_letter(lists.max_column + 1 if lists["A1"].value else 1)
    lists[f"{list_col}1"] = TEMPLATE_HEADERS[field]
    for row, label in enumerate(labels, start=2):
        lists[f"{list_col}{row}"] = label
    source = f"'{LISTS_SHEET}'!${list_col}$2:${list_col}${len(labels) + 1}"
    validation = validation_type(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请从列表中选择",
        error=f"“{TEMPLATE_HEADERS[field]}”请从下拉列表中选择。",
    )
    sheet.add_data_validation(validation)
    validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + DATA_ROWS}")


def shipped_template_path() -> Path:
    """forms/ sits beside resources/, in the source tree and in the bundle alike."""
    from jiangxin_desktop.paths import resources_dir

    return resources_dir().parent / "forms" / TEMPLATE_NAME


def main() -> None:
    from jiangxin_desktop.domain.codes import parse_code_catalog
    from jiangxin_desktop.services.catalog import read_shipped_codes

    out = shipped_template_path()
    build_template(parse_code_catalog(read_shipped_codes()), out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
