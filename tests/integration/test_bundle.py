"""Build the PyInstaller one-folder bundle, run its self-test, make the demo and print certificates
with it (slow; runs in CI). The bundle leaves out what the program never loads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pdf_tools import pdf_fonts, qr_codes

ROOT = Path(__file__).resolve().parents[2]
# 274 MB before build.spec left out unused Qt parts and stripped binaries; 195 MB after; 163 MB
# with ICU's data trimmed and Python modules only optional imports reach left out (docs/build.md).
# On Linux build.spec links the trimmed ICU data library (3.4 MB instead of 30.5) with gcc;
# without gcc it keeps the whole one (27 MB more), without binutils' strip the symbols (~50 MB).
ICU_TRIMMED = sys.platform.startswith("linux") and shutil.which("gcc") is not None
MAX_MB = (168 if ICU_TRIMMED else 195) if shutil.which("strip") and os.name != "nt" else 260


def imports_qt_network() -> bool:
    """As build.spec decides: an import of PySide6.QtNetwork, not the word in a comment."""
    pattern = re.compile(r"^\s*(from|import)\s+PySide6(\.QtNetwork\b|\s+import\s.*\bQtNetwork\b)", re.M)
    sources = (ROOT / "jiangxin_desktop").rglob("*.py")
    return any(pattern.search(p.read_text(encoding="utf-8")) for p in sources)


LEFT_OUT_QT = (
    "plugins/wayland-*",
    "plugins/egldeviceintegrations",
    "plugins/generic",
    "plugins/platforms/*wayland*",
    "plugins/platformthemes/*gtk3*",
    "plugins/xcbglintegrations",
    "qml",
)


def left_out_parts(folder: Path) -> list[str]:
    """Files of parts the program never loads that are in the bundle anyway."""
    qt = folder / "_internal" / "PySide6" / "Qt"
    found = [p for p in (qt / "translations").glob("*") if p.name != "qtbase_zh_CN.qm"]
    for pattern in LEFT_OUT_QT:
        found += qt.glob(pattern)
    names = ("libQt6OpenGL", "libQt6WaylandClient", "libgtk-3", "libQt6Network")
    names = names if not imports_qt_network() else names[:-1]
    found += [p for p in folder.rglob("*") if p.name.startswith(names)]
    return [str(p.relative_to(folder)) for p in found]


@pytest.mark.slow
def test_bundle_builds_and_passes_self_test(tmp_path):
    pytest.importorskip("PyInstaller")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "work"),
            str(ROOT / "build.spec"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    folder = tmp_path / "dist" / "jiangxin-desktop"
    exe = folder / ("jiangxin-desktop.exe" if os.name == "nt" else "jiangxin-desktop")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIANGXIN_", "PYTHON"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    run = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SELF-TEST OK" in run.stdout
    assert "中文排序按拼音" in run.stdout  # Qt's zh collation survived the ICU trimming
    assert "icu" not in run.stderr.lower()
    if ICU_TRIMMED:
        (icu_data,) = (folder / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*")
        assert icu_data.stat().st_size < 6 * 2**20
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    size_mb = sum(p.stat().st_size for p in files) / 2**20
    print(f"\nbundle size: {size_mb:.0f} MB")
    assert size_mb <= MAX_MB
    assert left_out_parts(folder) == []
    modules = (tmp_path / "work" / "build" / "PYZ-00.toc").read_text(encoding="utf-8")
    left_out_modules = (
        r"\('(pygments|rich|click|unittest|pdb|reportlab\.platypus|reportlab\.graphics"
        r"|sqlalchemy\.dialects\.(mysql|oracle|mssql))[.']"
    )
    assert not re.findall(left_out_modules, modules)
    assert (folder / "_internal" / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").exists()
    assert (folder / "_internal" / "resources" / "fonts" / "wqy-microhei.ttc").exists()
    assert (folder / "_internal" / "resources" / "fonts" / "uming.ttc").exists()
    assert (folder / "_internal" / "forms" / "roster.toml").exists()

    # The frozen program as a station uses it: demo data, certificates printed, a code that verifies.
    env.update(
        JIANGXIN_PASSPHRASE="bundle-test-passphrase",
        JIANGXIN_PASSWORD="Demo-pass-2025",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    env.pop("QT_QPA_PLATFORM")
    data = str(tmp_path / "data")

    def cli(*args: str, user: str = "clerk"):
        done = subprocess.run(
            [str(exe), "--user", user, *args, "--data-dir", data, "--json"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    cli("demo", "--trainees", "30")
    code = cli("class", "list", "--status", "finished")[0]["code"]
    (issued,) = cli("certificate", "issue", "--class", code)
    pdf = tmp_path / "证书.pdf"
    (printed,) = cli("print", "certificates", "--class", code, "--out", str(pdf))
    assert printed["pages"] == len(issued["issued"]) > 0
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" and re.match(r"[A-Z]{6}\+UMing", f["name"]) for f in fonts)
    (payload,) = qr_codes(pdf, page=1)
    (verified,) = cli("certificate", "verify", payload, user="nobody")
    assert verified["status"] == "valid"
