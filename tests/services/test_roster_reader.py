"""Reading roster spreadsheets written by LibreOffice (.xlsx, .xls, .ods), and the error report."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.services.exchange.roster_reader import ParsedRoster, read_roster
from jiangxin_desktop.services.exchange.roster_report import write_error_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
TODAY = date(2025, 6, 1)
FORMATS = ("xlsx", "xls", "ods")

WANG = "320706198503129007"
ID_COLUMN = "身份证号码 （18位）*"  # "身份证号码\n（18位）*" in the file, line break shown as a space
# (row, column as in the file, words the message must contain) for every problem in roster-lo.*
EXPECTED_PROBLEMS = [
    (8, ID_COLUMN, "被Excel转成了数字"),
    (9, "学员姓名*", "不能以 = + - @ 开头"),
    (10, ID_COLUMN, "与第4行的公民身份号码相同"),
    (11, "手机号", "应为11位，现在是10位"),
    (16, ID_COLUMN, "被Excel转成了数字"),
    (17, ID_COLUMN, "校验位错误"),
    (19, "性别", "性别“男”与公民身份号码不符"),
]


@pytest.fixture(scope="module")
def codes():
    return parse_code_catalog(read_shipped_codes())


@pytest.fixture(scope="module", params=FORMATS)
def parsed(request, codes) -> ParsedRoster:
    return read_roster(FIXTURES / f"roster-lo.{request.param}", codes, today=TODAY)


def test_fixtures_were_written_by_libreoffice() -> None:
    with zipfile.ZipFile(FIXTURES / "roster-lo.xlsx") as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode()
    with zipfile.ZipFile(FIXTURES / "roster-lo.ods") as archive:
        assert "LibreOffice" in archive.read("meta.xml").decode()
    assert (FIXTURES / "roster-lo.xls").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"


def test_header_below_the_title_rows_and_synonyms(parsed: ParsedRoster) -> None:
    assert parsed.sheet == "花名册"
    assert parsed.header_row == 3
    assert parsed.columns["name"] == "学员姓名*"
    assert parsed.columns["id_number"] == ID_COLUMN
    assert parsed.columns["hukou"] == "户籍性质"
    assert parsed.columns["evidence_number"] == "证件编号"
    assert parsed.columns["bank_card"] == "银行卡号"
    assert parsed.header[2] == "身份证号码\n（18位）*"


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(parsed: ParsedRoster) -> None:
    # Rows 6 and 14 are blank (6 with borders), 20-23 blank with borders at the end.
    assert parsed.data_rows == 14
    assert sorted(parsed.raw_rows) == [4, 5, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19]
    assert [r.row for r in parsed.rows] == [4, 5, 7, 12, 13, 18]


def test_every_problem_names_its_row_and_column(parsed: ParsedRoster) -> None:
    got = [(p.row, p.column) for p in parsed.problems]
    assert got == [(row, column) for row, column, _ in EXPECTED_PROBLEMS]
    for problem, (_, _, words) in zip(parsed.problems, EXPECTED_PROBLEMS, strict=True):
        assert words in problem.message
    assert parsed.problems[0].text.startswith(f"第8行“{ID_COLUMN}”：")
    # Values the catalog does not know are questions for the clerk, not problems.
    assert parsed.unknown_values == {("ethnicity", "火星族"): [15], ("target_group", "贫困户"): [15]}
    assert 15 not in {r.row for r in parsed.rows}  # held until the clerk answers


def test_all_formats_give_the_same_result(codes) -> None:
    results = [read_roster(FIXTURES / f"roster-lo.{fmt}", codes, today=TODAY) for fmt in FORMATS]
    first = results[0]
    for other in results[1:]:
        assert [(r.row, r.values) for r in other.rows] == [(r.row, r.values) for r in first.rows]
        assert other.problems == first.problems
        assert other.duplicates == first.duplicates
        assert other.warnings == first.warnings


def test_values_are_normalised_and_codes_resolved(parsed: ParsedRoster) -> None:
    rows = {r.row: r.values for r in parsed.rows}
    assert rows[4] == {
        "name": "王芳",
        "id_number": WANG,
        "phone": "13812345678",
        "bank_card": "6214830512000000001",
        "employer": "",
        "hukou": "1",  # 农业户口
        "ethnicity": "01",  # 汉族
        "education": "60",  # alias 高中
        "target_group": "11",
        "evidence_type": "户口簿",
        "evidence_number": "",
        "employment_status": "2",
        "address": "连云港市海州区新浦路12号",  # full-width digits
        "note": "",
    }
    # Lower-case x, aliases 回 / 非农业 / 本科, full-width phone.
    assert rows[5]["id_number"] == "32070719900708949X"
    assert (rows[5]["ethnicity"], rows[5]["hukou"], rows[5]["education"]) == ("03", "2", "20")
    assert rows[5]["phone"] == "13912345678"
    # "·" name, alias 离校未就业, phone typed with spaces.
    assert rows[7]["name"] == "阿依古丽·买买提"
    assert (rows[7]["target_group"], rows[7]["phone"]) == ("22", "13812345679")
    # Codes typed as codes; "-" means nothing.
    assert (rows[12]["ethnicity"], rows[12]["hukou"], rows[12]["target_group"]) == ("01", "1", "21")
    assert rows[12]["note"] == ""
    # Full-width space in the name, full-width ID.
    assert (rows[13]["name"], rows[13]["id_number"]) == ("郑一", "320706198309099019")
    assert rows[13]["employer"] == "连云港某某机械有限公司"


def test_two_and_three_character_names_are_valid(parsed: ParsedRoster) -> None:
    names = {r.values["name"] for r in parsed.rows}
    assert {"王芳", "李小龙", "陈建国", "吴十"} <= names


def test_id_stored_as_a_number_is_refused_never_rebuilt(parsed: ParsedRoster) -> None:
    assert isinstance(parsed.raw_rows[8][2], float)
    problem = next(p for p in parsed.problems if p.row == 8)
    assert "末几位已丢失" in problem.message
    assert not re.search(r"\d{6,}", problem.message)  # no digits of the number in the message
    assert 8 not in {r.row for r in parsed.rows}


def test_duplicate_id_names_the_first_row(parsed: ParsedRoster) -> None:
    assert parsed.duplicates == [(10, WANG, 4)]
    assert 4 in {r.row for r in parsed.rows}


def test_formula_like_name_stays_text_and_is_flagged(parsed: ParsedRoster) -> None:
    assert parsed.raw_rows[9][1] == '=HYPERLINK("http://example.com","刘七")'
    assert [p.column for p in parsed.problems if p.row == 9] == ["学员姓名*"]


def test_card_failing_luhn_is_a_warning_not_a_problem(parsed: ParsedRoster) -> None:
    assert [(w.row, w.column) for w in parsed.warnings] == [(12, "银行卡号")]
    assert 12 in {r.row for r in parsed.rows}


def test_two_row_header_on_the_second_sheet(codes) -> None:
    parsed = read_roster(FIXTURES / "roster-two-row-header.xlsx", codes, today=TODAY)
    assert parsed.sheet == "学员"
    assert parsed.header_row == 3
    assert parsed.columns["evidence_type"] == "证明材料类型"
    assert parsed.columns["evidence_number"] == "证明材料编号"
    assert [(r.row, r.values["evidence_type"], r.values["evidence_number"]) for r in parsed.rows] == [
        (4, "户口簿", "HK-001")
    ]
    assert [(p.row, p.column) for p in parsed.problems] == [(5, "证明材料类型")]
    assert "结婚证" in parsed.problems[0].message


def test_missing_id_column_is_a_file_level_error(codes) -> None:
    with pytest.raises(KnownError) as caught:
        read_roster(FIXTURES / "roster-no-id-column.xlsx", codes, today=TODAY)
    message = caught.value.message
    assert "roster-no-id-column.xlsx" in message
    assert "缺少必需的列“公民身份号码”" in message
    assert "“序号”、“姓名”、“联系电话”、“备注”" in message


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_password_protected_file(codes, fmt: str) -> None:
    with pytest.raises(KnownError, match="密码") as caught:
        read_roster(FIXTURES / f"roster-encrypted.{fmt}", codes)
    assert f"roster-encrypted.{fmt}" in caught.value.message


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.xlsx", b"just some text, not a workbook", "不是表格文件"),
        ("empty.ods", b"", "不是表格文件"),
        ("broken.xlsx", b"PK\x03\x04" + b"\0" * 100, "无法识别或已损坏"),
        # An encrypted .xlsx is an OLE2 container (as Excel and WPS write it).
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "密码"),
        ("roster.csv", b"name,id\n", "只能导入"),
        # What web systems export as "xls": HTML or XML Spreadsheet 2003.
        ("export.xls", b"\xef\xbb\xbf<html><table><tr><td>1</td></tr></table></html>", "网页"),
        ("export2.xls", b'<?xml version="1.0"?><Workbook/>', "网页"),
    ],
)
def test_unreadable_files_are_known_errors(
    tmp_path: Path, codes, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KnownError, match=words) as caught:
        read_roster(path, codes)
    assert name in caught.value.message


def test_missing_file(tmp_path: Path, codes) -> None:
    with pytest.raises(KnownError, match="不存在"):
        read_roster(tmp_path / "gone.xlsx", codes)


def test_sheet_without_any_header(tmp_path: Path, codes) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["张三", "13812345678"])
    workbook.save(tmp_path / "plain.xlsx")
    with pytest.raises(KnownError, match="找不到表头"):
        read_roster(tmp_path / "plain.xlsx", codes)


def test_error_report_round_trip(tmp_path: Path, codes) -> None:
    parsed = read_roster(FIXTURES / "roster-lo.xlsx", codes, today=TODAY)
    out = tmp_path / "问题行.xlsx"
    write_error_report(parsed, parsed.problems, out)

    rows = CalamineWorkbook.from_path(out).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["序号", "学员姓名*", "身份证号码\n（18位）*"]
    assert rows[0][-1] == "问题原因"
    by_row = {int(r[-1].split("行")[0].removeprefix("第")): r for r in rows[1:]}
    assert sorted(by_row) == [8, 9, 10, 11, 16, 17, 19]
    # IDs keep every digit, as text.
    assert by_row[10][2] == WANG
    assert by_row[17][2].startswith("32070319910621")
    # Reasons: all of a row's problems, joined by "；", each naming its column.
    reason = by_row[19][-1]
    assert reason.startswith("第19行：性别：性别“男”与公民身份号码不符")
    assert "与第4行的公民身份号码相同" in by_row[10][-1]
    # The number cell is shown as the spreadsheet stored it, not rebuilt.
    assert "e+17" in by_row[8][2].lower()
    # The formula-looking name is text, not a formula.
    assert by_row[9][1] == '=HYPERLINK("http://example.com","刘七")'
    sheet = load_workbook(out).active
    name_cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    formula_cell = next(c for c in name_cells if str(c.value).startswith("="))
    assert formula_cell.data_type != "f"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert formula_cell.quotePrefix


def test_error_report_for_a_subset(tmp_path: Path, codes) -> None:
    parsed = read_roster(FIXTURES / "roster-lo.ods", codes, today=TODAY)
    out = tmp_path / "dup.xlsx"
    duplicates = [p for p in parsed.problems if p.row in {d[0] for d in parsed.duplicates}]
    write_error_report(parsed, duplicates, out)
    rows = CalamineWorkbook.from_path(out).get_sheet_by_index(0).to_python()
    assert len(rows) == 2
    assert rows[1][1] == "孙八"


def test_error_report_to_an_unwritable_place(tmp_path: Path, codes) -> None:
    parsed = read_roster(FIXTURES / "roster-lo.xlsx", codes, today=TODAY)
    with pytest.raises(KnownError, match="无法保存"):
        write_error_report(parsed, parsed.problems, tmp_path / "no-such-folder" / "report.xlsx")


def test_number_cells_and_space_only_rows(tmp_path: Path, codes) -> None:
    """What Excel makes of codes and phones typed into General cells, and rows of spaces."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "民族", "手机号", "社保卡号"])
    sheet.append(["王芳", WANG, 1, 13812345678, None])  # 汉族 typed as its code, leading 0 lost
    sheet.append(["  ", "\u3000", None, None, None])  # spaces only: blank
    sheet.append(["李雷", "32070719900708949x", "汉族", None, 6214830512000000001])
    workbook.save(tmp_path / "numbers.xlsx")
    parsed = read_roster(tmp_path / "numbers.xlsx", codes, today=TODAY)
    assert parsed.data_rows == 2
    assert [(r.row, r.values["ethnicity"], r.values["phone"]) for r in parsed.rows] == [
        (2, "01", "13812345678")
    ]
    assert [(p.row, p.column) for p in parsed.problems] == [(4, "社保卡号")]
    assert "末几位已丢失" in parsed.problems[0].message


def test_repeated_texts_give_each_row_the_same_outcome(tmp_path: Path, codes) -> None:
    """Outcomes of repeated cells are remembered within a file: every row still gets its own."""
    from openpyxl import Workbook

    from jiangxin_desktop.services.demo.seed import id_with_check

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "工作单位", "家庭住址", "民族"])
    bad_employer, long_address = "@某某公司", "新浦路" * 70  # formula-looking; 210 > 200 characters
    for n in range(1, 5):
        number = id_with_check(f"32070619900101{n:03d}")
        sheet.append(
            [
                "王芳",
                number,
                bad_employer if n % 2 else "某某公司",
                long_address if n > 2 else "新浦路1号",
                "汉",
            ]
        )
    workbook.save(tmp_path / "repeats.xlsx")
    parsed = read_roster(tmp_path / "repeats.xlsx", codes, today=TODAY)
    problems = sorted((p.row, p.column) for p in parsed.problems)
    assert problems == sorted([(2, "工作单位"), (4, "工作单位"), (4, "家庭住址"), (5, "家庭住址")])
    assert [(r.row, r.values["name"], r.values["employer"], r.values["ethnicity"]) for r in parsed.rows] == [
        (3, "王芳", "某某公司", "01")
    ]


def test_a_table_that_starts_below_and_right_of_a1(tmp_path: Path, codes) -> None:
    """Rows and columns are counted from A1 even when the first rows and columns are empty."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"] = "姓名"
    sheet["D3"] = "身份证号"
    sheet["C4"], sheet["D4"] = "王芳", WANG
    sheet["C6"], sheet["D6"] = "李雷", "12345"
    workbook.save(tmp_path / "offset.xlsx")
    calamine_sheet = CalamineWorkbook.from_path(str(tmp_path / "offset.xlsx")).get_sheet_by_index(0)
    assert calamine_sheet.start == (2, 2)
    # what the reader relies on: iter_rows has the empty rows above, not the columns left
    assert list(calamine_sheet.iter_rows()) == [
        r[2:] for r in calamine_sheet.to_python(skip_empty_area=False)
    ]
    parsed = read_roster(tmp_path / "offset.xlsx", codes, today=TODAY)
    assert (parsed.header_row, parsed.data_rows) == (3, 2)
    assert [(r.row, r.values["name"], r.raw[2]) for r in parsed.rows] == [(4, "王芳", "王芳")]
    assert [(p.row, p.column) for p in parsed.problems] == [(6, "身份证号")]
    assert parsed.raw_rows[6][:4] == ["", "", "李雷", "12345"]
