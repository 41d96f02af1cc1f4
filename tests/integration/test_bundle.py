"""Build the PyInstaller one-folder bundle and run its self-test (slow; runs in CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
    size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
    print(f"\nbundle size: {size_mb:.0f} MB")
    assert (folder / "_internal" / "resources" / "fonts" / "wqy-microhei.ttc").exists()
    assert (folder / "_internal" / "resources" / "fonts" / "uming.ttc").exists()
    assert (folder / "_internal" / "forms" / "roster.toml").exists()
