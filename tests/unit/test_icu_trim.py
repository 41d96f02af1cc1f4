"""The bundle's trimmed ICU data (jiangxin_desktop/_build/icu_trim.py, used by build.spec on Linux):
the package is read and rewritten exactly, the trimmed library keeps what Qt reads for Chinese
sorting, and loses it when the zh collation is left out (so the check can fail)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jiangxin_desktop._build import icu_trim



def wheel_icu() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found:
        pytest.skip("PySide6 ships its own ICU data library only on Linux")
    return found[0]


def test_package_is_rewritten_byte_for_byte():
    _symbol, package = icu_trim.read_package(wheel_icu())
    header, items = icu_trim.parse(package)
    assert len(items) > 3000
    assert icu_trim.build(header, items) == package


def test_trimmed_package_keeps_chinese_and_english_only():
    _symbol, package = icu_trim.read_package(wheel_icu())
    small = icu_trim.trim(package)
    _header, items = icu_trim.parse(small)
    names = {name.split("/", 1)[1] for name, _ in items}
    assert {"root.res", "zh.res", "coll/zh.res", "coll/ucadata.icu", "pool.res", "cnvalias.icu"} <= names
    assert not names & {"fr.res", "coll/ja.res", "brkitr/cjdict.dict", "translit/root.res"}
    assert len(small) < len(package) / 5


SORT = (
    "from PySide6.QtCore import QCollator, QLocale\n"
    "c = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))\n"
    "print(' '.join(sorted(['周', '张', '阿', '李'], key=c.sortKey)))\n"
)


def sorted_with(library_dir: Path) -> str:
    env = {**os.environ, "LD_LIBRARY_PATH": str(library_dir), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SORT], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "icu" not in done.stderr.lower()
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="the build keeps ICU whole without gcc")
def test_trimmed_library_sorts_chinese_by_pinyin(tmp_path):
    source = wheel_icu()
    (tmp_path / "small").mkdir()
    icu_trim.trim_library(source, tmp_path / "small" / source.name)
    assert (tmp_path / "small" / source.name).stat().st_size < 6 * 2**20
    assert sorted_with(tmp_path / "small") == "阿 李 张 周"
    # Without the zh collation ICU falls back to code-point order: what the self-test catches.
    (tmp_path / "nozh").mkdir()
    without_zh = lambda name: icu_trim.kept(name) and not name.endswith("coll/zh.res")  # noqa: E731
    icu_trim.trim_library(source, tmp_path / "nozh" / source.name, keep=without_zh)
    assert sorted_with(tmp_path / "nozh") == "周 张 李 阿"
