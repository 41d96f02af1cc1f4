"""A non-editable install works from any folder: the wheel carries resources/ and forms/.

Builds the wheel from a copy of the source (``pip wheel . --no-deps``), installs it into a fresh
virtual environment that borrows the test environment's dependencies (no downloads besides the
build backend), and from an unrelated folder makes the demo database and prints certificates
with the installed ``jiangxin-desktop`` command. The PDF is read back: one page per certificate,
the embedded fonts, and a QR code that the installed program verifies.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.pdf_tools import pdf_fonts, pdf_pages, qr_codes

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "tests", "*.egg-info", "__pycache__", "*.pyc", ".ci", ".*cache"
)


def build_wheel(out: Path, tmp: Path) -> Path:
    """The wheel pip builds for ``pip install .``, from a copy (the checkout stays untouched)."""
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    (wheel,) = out.glob("jiangxin_desktop-*.whl")
    return wheel


def venv_with_deps(folder: Path) -> Path:
    """A fresh venv whose site-packages also sees this environment's dependencies (a .pth line;
    the .pth files there, such as an editable install of this project, are not processed)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    (Path(purelib) / "borrowed-deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return python


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIANGXIN_", "PYTHON", "QT_"))}
    env.update(
        HOME=str(home),
        JIANGXIN_PASSPHRASE="wheel-test-passphrase",
        JIANGXIN_PASSWORD="Demo-pass-2025",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


@pytest.mark.slow
def test_an_installed_wheel_makes_the_demo_and_prints_certificates_from_any_folder(tmp_path):
    wheel = build_wheel(tmp_path / "wheelhouse", tmp_path)
    python = venv_with_deps(tmp_path / "venv")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    program = python.parent / ("jiangxin-desktop.exe" if os.name == "nt" else "jiangxin-desktop")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(elsewhere)
    data = str(tmp_path / "data")

    def cli(*args: str, user: str = "clerk") -> dict | list:
        done = subprocess.run(
            [str(program), "--user", user, *args, "--data-dir", data, "--json"],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env=env,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        return rows[0] if len(rows) == 1 else rows

    show = "import jiangxin_desktop.paths as p; print(p.__file__); print(p.resources_dir())"
    where = subprocess.run(
        [str(python), "-c", show],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout.split()
    venv = (tmp_path / "venv").resolve()
    assert all(Path(line).resolve().is_relative_to(venv) for line in where)  # not the checkout

    cli("demo", "--trainees", "30")
    finished = cli("class", "list", "--status", "finished")
    code = (finished[0] if isinstance(finished, list) else finished)["code"]
    issued = cli("certificate", "issue", "--class", code)["issued"]
    pdf = elsewhere / "证书.pdf"
    printed = cli("print", "certificates", "--class", code, "--out", str(pdf))
    assert printed["pages"] == printed["certificates"] == len(issued) > 0

    pages = pdf_pages(pdf)
    assert len(pages) == len(issued)
    assert all(c["number"] in "".join(pages) for c in issued)
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and "UMing" in f["name"] for f in fonts)
    (payload,) = qr_codes(pdf, page=1)
    verified = cli("certificate", "verify", payload, user="nobody")
    assert verified["status"] == "valid" and verified["certificate"]["number"] in pages[0]
