"""Migrations are frozen: they import no application code and keep their own copies."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from jiangxin_desktop.domain.audit_chain import GENESIS, ChainedEvent, event_hash
from jiangxin_desktop.store.migrate import MIGRATIONS_DIR

VERSIONS = MIGRATIONS_DIR / "versions"


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any depth (inside functions too); relative ones as '.x'."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def load(name: str):
    (path,) = VERSIONS.glob(f"{name}_*.py")
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_migration_imports_application_code():
    files = sorted(VERSIONS.glob("*.py"))
    assert len(files) >= 12
    ours = {
        path.name: [m for m in imported_modules(path) if m.startswith((".", "jiangxin_desktop"))]
        for path in files
    }
    assert {name: found for name, found in ours.items() if found} == {}


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    sneaky = tmp_path / "0099_sneaky.py"
    sneaky.write_text("def upgrade():\n    from jiangxin_desktop.store import models\n", encoding="utf-8")
    assert imported_modules(sneaky) == ["jiangxin_desktop.store"]


def test_frozen_name_grams_of_0009():
    grams = load("0009").name_grams
    assert grams("王小明") == "王 小 明 王小 小明"
    assert grams("王𠇔") == "王 𠇔 王𠇔"
    assert grams("阿依古丽·买买提") == "阿 依 古 丽 阿依 依古 古丽 买 提 买买 买提"
    assert grams("") == ""


def test_frozen_audit_hash_of_0002_is_the_chain_format():
    frozen = load("0002")
    row = (1, "2026-11-26T08:00:00.000Z", "admin", "trainee.create", "trainee", "u-1", None, '{"a": 1}')
    assert frozen.GENESIS == GENESIS
    assert frozen.event_hash(row, GENESIS) == event_hash(ChainedEvent(*row), GENESIS)
