"""Limits a roster file must keep before it is parsed: file size, rows, unpacked size.

An .xlsx or .ods is a zip archive; its central directory says how big each part becomes
once unpacked. A 194 KB workbook whose shared strings unpack to 200 MB made the parser
take 6 GB of memory and minutes; a 1,000,000-row file wrote a 1.36 GB problem report. So
the archive's directory (and, for .xlsx, each sheet's ``<dimension>``, a few hundred bytes
at the start of the sheet) is read first, and the file refused with the limit named,
before anything is handed to calamine. The directory's sizes are the file's own word, so
the first 16 KB of each part the parser reads are also unpacked, to catch a bomb whose
directory lies. These checks read a few kilobytes: under a millisecond for a 10,000-row
roster. The row count is checked again once a sheet is read (an .xls or .ods
has no dimension to read first; by then the other limits have bounded its size).

The limits are administrator settings (``import.*``, services/station/settings.py). Defaults:

- 20 MB file: a 50,000-row roster with 20 columns is about 4 MB as .xlsx, 12 MB as .xls.
- 50,000 data rows: a county's whole year of trainees fits; a class has at most a few
  hundred; the problem report and the preview stay a few megabytes.
- 200 MB unpacked: 50,000 rows × 20 columns as sheet XML is about 60–80 MB.
- Fixed, not settings: a part that unpacks to more than 100 times its packed size (and
  more than 1 MB) is a "zip bomb" (real sheets pack 3–20 times), and at most 10,000 parts.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from jiangxin_desktop.domain.import_limits import (
    LIMIT_LABELS,
    MAX_FILE_MB,
    MAX_ROWS,
    MAX_UNPACKED_MB,
    ImportLimits,
)
from jiangxin_desktop.errors import KnownError

MB = 1024 * 1024
MAX_RATIO = 100  # unpacked / packed size of one part
RATIO_FLOOR = MB  # parts smaller than this unpacked are never called bombs
MAX_PARTS = 10_000
HEADER_ALLOWANCE = 20  # title and header rows above the data, not counted as data rows
SNIFF_BYTES = 16 * 1024  # packed bytes of each part unpacked to see how far they really expand
_READ_PARTS = re.compile(r"^(xl/worksheets/[^/]+\.xml|xl/sharedStrings\.xml|content\.xml)$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _over_limit(path: Path, what: str, key: str) -> KnownError:
    return KnownError(
        f"无法导入文件“{path.name}”：{what}。请把名册拆成几个较小的文件分别导入；"
        f"确需导入时，请管理员在设置中调高“{LIMIT_LABELS[key]}”（{key}）。",
        detail=str(path),
    )


def too_many_rows(path: Path, rows: int, limits: ImportLimits, *, about: bool = False) -> KnownError:
    """The refusal for a sheet of ``rows`` data rows (``about``: counted from its dimension)."""
    shown = f"约 {rows:,} 行" if about else f"{rows:,} 行"
    return _over_limit(path, f"表格有{shown}数据，超过了导入行数上限 {limits.max_rows:,} 行", MAX_ROWS)


def check_rows(path: Path, rows: int, limits: ImportLimits) -> None:
    if rows > limits.max_rows:
        raise too_many_rows(path, rows, limits)


def check_before_parsing(path: Path, limits: ImportLimits, *, is_zip: bool) -> None:
    """Refuse a file over the limits, reading only its size and the archive's directory."""
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        what = f"文件有 {size / MB:.1f} MB，超过了导入文件大小上限 {limits.max_file_mb} MB"
        raise _over_limit(path, what, MAX_FILE_MB)
    if not is_zip:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_parts(path, parts, limits)
            _check_dimensions(path, archive, parts, limits)
        _sniff_parts(path, parts)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return  # not a readable archive: the parser says the file is damaged, in its words


def _check_parts(path: Path, parts: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    if len(parts) > MAX_PARTS:
        raise KnownError(
            f"无法导入文件“{path.name}”：文件内部有 {len(parts):,} 个部件（正常表格不超过几十个），"
            "可能不是正常的表格文件。请用表格软件打开后另存为.xlsx再导入。",
            detail=str(path),
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_mb * MB:
        what = (
            f"表格解压后有 {unpacked / MB:,.0f} MB（文件本身 {path.stat().st_size / MB:.1f} MB），"
            f"超过了解压后大小上限 {limits.max_unpacked_mb} MB"
        )
        raise _over_limit(path, what, MAX_UNPACKED_MB)
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise KnownError(
                f"无法导入文件“{path.name}”：其中的“{part.filename}”由 {part.compress_size / 1024:,.0f} KB "
                f"解压后变成 {part.file_size / MB:,.0f} MB（超过 {MAX_RATIO} 倍），正常表格不会这样，"
                "可能是恶意构造的文件。请不要导入，向提供文件的人核实。",
                detail=str(path),
            )


def _check_dimensions(
    path: Path, archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limits: ImportLimits
) -> None:
    """Each .xlsx sheet's ``<dimension ref="A1:P10001"/>``, near the start of its XML."""
    for part in parts:
        if not _SHEET_PART.match(part.filename):
            continue
        with archive.open(part) as handle:
            head = handle.read(4096)  # unpacks only what it returns (plus a buffer)
        found = _DIMENSION.search(head)
        if found is None:
            continue
        rows = int(found.group(1)) - HEADER_ALLOWANCE
        if rows > limits.max_rows:
            raise too_many_rows(path, rows, limits, about=True)


def _sniff_parts(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    """Unpack the first 16 KB of each part the parser reads, whatever the directory claims.

    The sizes in the zip's directory are the file's own word: a hostile file can claim a
    small size for a part that unpacks to gigabytes. A bomb repeats itself from its first
    bytes on, so a prefix unpacking to over ``MAX_RATIO`` times its packed size gives it
    away; an honest sheet's prefix unpacks 5–20 times. Costs well under 1 ms per part.
    """
    try:
        with path.open("rb") as handle:
            for part in parts:
                if part.compress_type != zipfile.ZIP_DEFLATED or not _READ_PARTS.match(part.filename):
                    continue
                handle.seek(part.header_offset)
                local = handle.read(30)
                if len(local) < 30 or local[:4] != b"PK\x03\x04":
                    continue  # the parser will call the file damaged
                name_length, extra_length = struct.unpack("<HH", local[26:30])
                handle.seek(part.header_offset + 30 + name_length + extra_length)
                packed = handle.read(SNIFF_BYTES)
                inflater = zlib.decompressobj(-15)
                unpacked = len(inflater.decompress(packed, SNIFF_BYTES * MAX_RATIO))
                used = len(packed) - len(inflater.unconsumed_tail)
                if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(used, 1):
                    raise KnownError(
                        f"无法导入文件“{path.name}”：其中的“{part.filename}”解压后的体积是压缩后的 "
                        f"{unpacked // max(used, 1):,} 倍（超过 {MAX_RATIO} 倍，且远超文件自己声明的大小），"
                        "正常表格不会这样，可能是恶意构造的文件。请不要导入，向提供文件的人核实。",
                        detail=str(path),
                    )
    except (OSError, zlib.error, struct.error):
        return  # unreadable: the parser says the file is damaged, in its words
