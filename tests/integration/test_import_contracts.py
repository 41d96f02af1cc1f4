"""The import contracts in pyproject.toml hold, and a wrong-way import breaks them (issue 16, point 8).

``lint-imports`` runs in a subprocess with this interpreter. The second test runs it on a copy of
the package with wrong imports added, so it proves the contracts catch what they are meant to
catch, not only that today's code passes them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import jiangxin_desktop

ROOT = Path(jiangxin_desktop.__file__).parent.parent
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(cwd),  # the package under cwd, not the installed one
        "COLUMNS": "1000",  # rich would wrap a contract's name across lines
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " broken" in result.stdout and "0 broken" in result.stdout


def _add_import(module: Path, line: str) -> None:
    """Appends a module-level import: it counts wherever it stands, and needs nothing of the file."""
    with module.open("a", encoding="utf-8") as handle:
        handle.write("\n" + line + "\n")


def test_a_wrong_way_import_breaks_its_contract(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "jiangxin_desktop",
        tmp_path / "jiangxin_desktop",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    package = tmp_path / "jiangxin_desktop"
    # domain reaching up into services; store importing Qt; security (low) using training (high)
    _add_import(package / "domain" / "masking.py", "import jiangxin_desktop.services.registry.search")
    _add_import(package / "store" / "ids.py", "from PySide6 import QtCore")
    _add_import(
        package / "services" / "security" / "roles.py",
        "import jiangxin_desktop.services.training.enrollment",
    )
    # the wire format reaching into the station's rules
    _add_import(package / "protocol" / "fields.py", "import jiangxin_desktop.domain.money")

    result = lint_imports(tmp_path)

    out = result.stdout
    assert result.returncode != 0, out
    for contract in (
        "Layers: entry points > composition root > services > store > domain > shared utilities BROKEN",
        "Nothing outside ui imports PySide6 BROKEN",
        "domain is pure rules: no database, files, settings or Qt BROKEN",  # through services
        "Feature packages of services import only the packages below them BROKEN",
        "protocol imports nothing of the station BROKEN",
    ):
        assert contract in out, out
    assert "jiangxin_desktop.domain.masking -> jiangxin_desktop.services.registry.search" in out
    assert "jiangxin_desktop.store.ids -> PySide6" in out
    assert "jiangxin_desktop.services.security.roles -> jiangxin_desktop.services.training.enrollment" in out
    assert "jiangxin_desktop.protocol.fields -> jiangxin_desktop.domain.money" in out
