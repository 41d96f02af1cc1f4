"""Limits before reading: a roster over the file size, row or unpacked-size limit is refused
before it is parsed, quickly and without the memory the parser would take, naming the limit."""

from __future__ import annotations

import json
import subprocess
import time
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.domain.import_limits import ImportLimits
from jiangxin_desktop.services.exchange.roster_reader import read_roster

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture(scope="module")
def codes():
    return parse_code_catalog(read_shipped_codes())


def shared_string_bomb(path: Path, unpacked_mb: int, *, zip64: bool = True) -> Path:
    """A real LibreOffice roster whose first shared string is ``unpacked_mb`` MB of one letter:
    a few hundred KB on disk. The archive's directory tells the truth about the size."""
    with zipfile.ZipFile(FIXTURES / "roster-lo.xlsx") as source, zipfile.ZipFile(
        path, "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as bomb:
        for item in source.infolist():
            data = source.read(item)
            if item.filename != "xl/sharedStrings.xml":
                bomb.writestr(item, data)
                continue
            head, tail = data.decode().split("<si><t", 1)
            info = zipfile.ZipInfo(item.filename, item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w", force_zip64=zip64) as part:
                part.write((head + "<si><t>").encode())
                block = b"A" * MB
                for _ in range(unpacked_mb):
                    part.write(block)
                part.write(b"</t></si><si><t" + tail.encode())
    return path


def test_a_shared_string_bomb_is_refused_fast_and_memory_light(tmp_path):
    bomb = shared_string_bomb(tmp_path / "名册.xlsx", 300)
    assert bomb.stat().st_size < 2 * MB
    # In a process of its own, so that its peak memory is its own.
    script = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from jiangxin_desktop.domain.codes import parse_code_catalog\n"
        "from jiangxin_desktop.errors import KnownError\n"
        "from jiangxin_desktop.services.catalog.codes import read_shipped_codes\n"
        "from jiangxin_desktop.services.exchange.roster_reader import read_roster\n"
        "codes = parse_code_catalog(read_shipped_codes())\n"
        "read_roster(Path(sys.argv[2]), codes)  # warm up on a good file: imports, caches\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        "try:\n"
        "    read_roster(Path(sys.argv[1]), codes)\n"
        "    message = None\n"
        "except KnownError as exc:\n"
        "    message = exc.message\n"
        "seconds = time.perf_counter() - started\n"
        "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print(json.dumps({'message': message, 'seconds': seconds, 'grown_kb': grown}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(bomb), str(FIXTURES / "roster-lo.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["message"] is not None, "the bomb was parsed"
    assert "名册.xlsx" in outcome["message"] and "解压后" in outcome["message"]
    assert "import.max_unpacked_mb" in outcome["message"]
    assert outcome["seconds"] < 0.5
    assert outcome["grown_kb"] < 30 * 1024  # the parser would take several times 300 MB


def test_a_part_that_unpacks_a_hundredfold_is_refused_even_under_the_size_limit(codes, tmp_path):
    bomb = shared_string_bomb(tmp_path / "名册.xlsx", 30)
    with pytest.raises(KnownError, match="超过 100 倍") as caught:
        read_roster(bomb, codes, limits=ImportLimits(max_unpacked_mb=1000))
    assert "xl/sharedStrings.xml" in caught.value.message


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(codes, tmp_path):
    path = tmp_path / "大名册.xlsx"
    with zipfile.ZipFile(FIXTURES / "roster-lo.xlsx") as source, zipfile.ZipFile(path, "w") as big:
        for item in source.infolist():
            big.writestr(item, source.read(item))
        big.writestr("docProps/thumbnail.bin", bytes(range(256)) * (5 * 4096))  # 5 MB stored
    with pytest.raises(KnownError) as caught:
        read_roster(path, codes, limits=ImportLimits(max_file_mb=2))
    message = caught.value.message
    assert "大名册.xlsx" in message and "导入文件大小上限 2 MB" in message and "import.max_file_mb" in message
    read_roster(path, codes, limits=ImportLimits(max_file_mb=20))  # under the limit: read


def _rows_xlsx(path: Path, rows: int) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "手机号码"])
    for i in range(rows):
        sheet.append([f"学员{i}", "", ""])
    book.save(path)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_sheet_over_the_row_limit_is_refused_naming_the_limit(codes, tmp_path, fmt):
    if fmt == "xlsx":  # refused from the sheet's <dimension>, before parsing
        path = _rows_xlsx(tmp_path / "名册.xlsx", 400)
    else:  # .ods has no dimension: refused once the sheet is read, before any row is checked
        path = FIXTURES / "roster-lo.ods"
    limit = 300 if fmt == "xlsx" else 10
    with pytest.raises(KnownError) as caught:
        read_roster(path, codes, limits=ImportLimits(max_rows=limit))
    message = caught.value.message
    assert f"超过了导入行数上限 {limit} 行" in message and "import.max_rows" in message
    assert path.name in message


def test_the_shipped_limits_let_real_rosters_through(codes):
    for fmt in ("xlsx", "xls", "ods"):
        assert read_roster(FIXTURES / f"roster-lo.{fmt}", codes).data_rows == 14


def test_the_import_uses_the_administrators_limits(demo_context, tmp_path):
    from tests.services.classes_helpers import login, opened_class
    from tests.services.test_roster_import import people, roster

    klass = opened_class(demo_context)
    path = roster(tmp_path, people(150))
    login(demo_context, "admin")
    demo_context.settings.set(demo_context.user, "import.max_rows", 100)
    login(demo_context, "clerk")

    with pytest.raises(KnownError, match="超过了导入行数上限 100 行"):
        demo_context.roster_importer().run(klass.code, path, dry_run=True)
    login(demo_context, "admin")
    with pytest.raises(KnownError, match="导入行数上限"):
        demo_context.settings.set(demo_context.user, "import.max_rows", 5)  # below 100: refused
    demo_context.settings.set(demo_context.user, "import.max_rows", 200)
    login(demo_context, "clerk")
    assert demo_context.roster_importer().run(klass.code, path, dry_run=True).data_rows == 150


def _lie_about_size(path: Path, part_name: str, claimed: int) -> None:
    """Patch the zip so that its directory and local header claim ``claimed`` unpacked bytes."""
    data = bytearray(path.read_bytes())
    name = part_name.encode()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part_name)
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    data[local + 22 : local + 26] = claimed.to_bytes(4, "little")
    end = data.rindex(b"PK\x05\x06")  # end of central directory: where the directory starts
    central = int.from_bytes(data[end + 16 : end + 20], "little")
    while True:
        assert data[central : central + 4] == b"PK\x01\x02"
        length, extra, comment = (int.from_bytes(data[central + o : central + o + 2], "little") for o in (28, 30, 32))
        if bytes(data[central + 46 : central + 46 + length]) == name:
            data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
            break
        central += 46 + length + extra + comment
    path.write_bytes(bytes(data))


def test_a_bomb_whose_zip_directory_lies_about_its_size_is_refused(codes, tmp_path):
    bomb = shared_string_bomb(tmp_path / "名册.xlsx", 200, zip64=False)  # sizes in the plain fields
    _lie_about_size(bomb, "xl/sharedStrings.xml", 4000)
    with zipfile.ZipFile(bomb) as archive:  # the directory now says 4,000 bytes
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 4000
    started = time.perf_counter()
    with pytest.raises(KnownError, match="远超文件自己声明的大小") as caught:
        read_roster(bomb, codes)
    assert time.perf_counter() - started < 0.5
    assert "xl/sharedStrings.xml" in caught.value.message
