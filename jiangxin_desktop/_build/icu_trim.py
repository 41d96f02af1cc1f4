"""Bundle-time trimming of ICU's data library (used by build.spec on Linux; never by the program).

PySide6's QtCore links ICU, and ``libicudata.so.73`` carries all of ICU's data (every locale,
collation, converter, break iterator: 30 MB) as one common-data package behind the exported
symbol ``icudt73_dat``. The program needs only a few of its items (see ``KEPT``). This module reads
the package out of the library (ELF parsed here: no ICU tool needed), keeps the chosen items
(the package format: a data header, then a table of contents of name and data offsets relative
to the table, names sorted for ICU's binary search, items aligned to 16 bytes) and links a
replacement library with the same soname and symbol with gcc (``.incbin`` in an assembler file).

It imports nothing but the standard library, so build.spec can use it before PySide6 is loaded.
``python -m jiangxin_desktop._build.icu_trim LIB`` lists the items a library holds and which stay.
"""

from __future__ import annotations

import fnmatch
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

# What Qt can ask ICU for in this program (docs/build.md says how it was checked): the locale
# bundles of root, Chinese and English (Qt's QLocale has its own CLDR tables; ICU's are read for
# case mapping, collation and time-zone names), pinyin collation (QCollator / localeAwareCompare
# with zh_CN) with the root collation data it tailors, the time-zone data and names, converter
# aliases and the GB18030 converter (QStringDecoder for non-UTF names), normalization data and the
# tables ICU reads when it canonicalizes a locale.
# Patterns are matched against the item name without the package's "icudt73l/" prefix.
LOCALES = ("root", "en", "en_001", "en_US", "en_US_POSIX", "zh", "zh_CN", "zh_Hans", "zh_Hans_CN")
KEPT = (
    "pool.res", "res_index.res",
    *(f"{loc}.res" for loc in LOCALES),
    "coll/pool.res", "coll/res_index.res", "coll/ucadata.icu",
    *(f"coll/{loc}.res" for loc in LOCALES),
    "zone/pool.res", "zone/res_index.res",
    *(f"zone/{loc}.res" for loc in LOCALES),
    "zoneinfo64.res", "metaZones.res", "timezoneTypes.res", "windowsZones.res",
    "supplementalData.res", "likelySubtags.res", "langInfo.res", "metadata.res",
    "keyTypeData.res", "icuver.res", "icustd.res", "plurals.res", "numberingSystems.res",
    "cnvalias.icu", "gb18030.cnv", "*.nrm", "uprops.icu", "ucase.icu", "ubidi.icu",
    "ulayout.icu", "uemoji.icu",
)

ELF_MAGIC = b"\x7fELF"
HEADER_MAGIC = b"\xda\x27"
ALIGN = 16


class NotTrimmable(Exception):
    """The library is not one this module can read (another format, platform or ICU layout)."""


def _elf_symbol(image: bytes, prefix: bytes, suffix: bytes) -> tuple[str, int, int]:
    """(name, file offset, size) of the exported symbol ``prefix…suffix`` of a 64-bit
    little-endian ELF shared library."""
    if image[:4] != ELF_MAGIC or image[4] != 2 or image[5] != 1:
        raise NotTrimmable("not a 64-bit little-endian ELF library")
    shoff, = struct.unpack_from("<Q", image, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", image, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", image, shoff + i * shentsize) for i in range(shnum)]
    for section in sections:
        if section[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[section[6]]
        for off in range(section[4], section[4] + section[5], 24):
            st_name, _info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", image, off)
            name = image[strtab[4] + st_name : image.index(b"\0", strtab[4] + st_name)]
            if name.startswith(prefix) and name.endswith(suffix) and size:
                holder = sections[shndx]
                return name.decode(), holder[4] + value - holder[3], size
    raise NotTrimmable(f"no exported {prefix.decode()}*{suffix.decode()} symbol")


def read_package(library: Path) -> tuple[str, bytes]:
    """The data symbol's name (``icudt73_dat``) and its bytes: ICU's common-data package."""
    image = library.read_bytes()
    name, offset, size = _elf_symbol(image, b"icudt", b"_dat")
    return name, image[offset : offset + size]


def parse(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's data header and its items (name with prefix, bytes), in TOC order."""
    header_size, = struct.unpack_from("<H", package, 0)
    if package[2:4] != HEADER_MAGIC or package[12:16] != b"CmnD" or package[8] != 0:
        raise NotTrimmable("not a little-endian ICU common-data package")
    toc = package[header_size:]
    count, = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < count else len(toc)
        name = toc[name_off : toc.index(b"\0", name_off)].decode("ascii")
        items.append((name, toc[data_off:end]))
    return package[:header_size], items


def build(header: bytes, items: Iterable[tuple[str, bytes]]) -> bytes:
    """A package of these items, laid out as ICU's icupkg lays it out."""
    items = sorted(items, key=lambda item: item[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items)
    data_start = -(-(table_size + len(names)) // ALIGN) * ALIGN
    toc = bytearray(struct.pack("<I", len(items)))
    body = bytearray()
    name_off = table_size
    for name, data in items:
        toc += struct.pack("<II", name_off, data_start + len(body))
        name_off += len(name) + 1
        body += data + b"\xaa" * (-len(data) % ALIGN)
    toc += names
    toc += b"\xaa" * (data_start - len(toc))
    return header + bytes(toc) + bytes(body)


def kept(name: str, patterns: Iterable[str] = KEPT) -> bool:
    """Whether the item (``icudt73l/zh.res``) matches a pattern of ``KEPT`` (prefix ignored)."""
    short = name.split("/", 1)[1] if "/" in name else name
    return any(fnmatch.fnmatchcase(short, p) for p in patterns)


def trim(package: bytes, keep: Callable[[str], bool] = kept) -> bytes:
    header, items = parse(package)
    return build(header, [(n, d) for n, d in items if keep(n)])


ASSEMBLY = """\
    .section .rodata
    .globl {symbol}
    .type {symbol}, @object
    .balign 16
{symbol}:
    .incbin "{data}"
    .size {symbol}, . - {symbol}
    .section .note.GNU-stack,"",@progbits
"""


def soname(library: Path) -> str:
    out = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        if "(SONAME)" in line:
            return line.split("[", 1)[1].rstrip("]")
    return library.name


def trim_library(library: Path, dest: Path, keep: Callable[[str], bool] = kept) -> str:
    """Write a trimmed copy of ``library`` to ``dest``; return what was done, in one line.
    Raises NotTrimmable (with the reason) when it cannot, and the caller keeps the original."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise NotTrimmable("gcc is not installed")
    symbol, package = read_package(library)
    small = trim(package, keep)
    with tempfile.TemporaryDirectory(prefix="icu-trim-") as tmp:
        data, source = Path(tmp) / "icudt.dat", Path(tmp) / "icudt.S"
        data.write_bytes(small)
        source.write_text(ASSEMBLY.format(symbol=symbol, data=data.as_posix()))
        name = soname(library) if shutil.which("readelf") else library.name
        done = subprocess.run(
            [gcc, "-shared", "-nostdlib", f"-Wl,-soname,{name}", "-o", str(dest), str(source)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise NotTrimmable(f"gcc failed: {done.stderr.strip()[-500:]}")
    _, items = parse(small)
    return f"{len(package) / 2**20:.1f} MB → {len(small) / 2**20:.1f} MB ({len(items)} items kept)"


def main(argv: list[str]) -> int:
    _, items = parse(read_package(Path(argv[0]))[1])
    for name, data in items:
        print(f"{'keep' if kept(name) else '    '} {len(data):>9} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
