"""No module of the program is over 400 lines: a longer one is two parts that want their own names.

Migrations are exempt (each is frozen as written, and long only when a table is).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "jiangxin_desktop"
LIMIT = 400


def long_modules(root: Path, limit: int = LIMIT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def test_no_module_is_over_400_lines():
    assert long_modules(PACKAGE) == []


def test_the_count_sees_a_long_module(tmp_path):
    (tmp_path / "long.py").write_text("x = 1\n" * 401, encoding="utf-8")
    (tmp_path / "short.py").write_text("x = 1\n" * 400, encoding="utf-8")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001.py").write_text("x = 1\n" * 900, encoding="utf-8")
    assert long_modules(tmp_path) == ["long.py: 401 lines"]
