"""The poppler tools the printing tests read real PDFs with (CI installs poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: install poppler-utils (.ci/run does)"
    return path


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts as rows: name, type, emb, sub, uni."""
    out = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object-id generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext -layout), in order."""
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_pngs(pdf: Path, folder: Path, dpi: int = 60) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page*.png"))


def pdf_image_count(pdf: Path) -> int:
    out = subprocess.run([_tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True)
    return len(out.stdout.splitlines()) - 2  # two header lines
