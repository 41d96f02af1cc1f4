"""protocol/ stands alone: its modules import the standard library and each other, nothing else."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jiangxin_desktop.protocol

PACKAGE = Path(jiangxin_desktop.protocol.__file__).parent
OWN = "jiangxin_desktop.protocol"


def foreign_imports(source: str, module: str) -> list[str]:
    """The modules ``source`` (module ``module`` of protocol/) imports from outside the
    standard library and protocol/ itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = module.rsplit(".", node.level)[0]
                names = [f"{base}.{node.module}" if node.module else base]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if name == OWN or name.startswith(OWN + ".") or top in sys.stdlib_module_names:
                continue
            found.append(name)
    return found


def test_protocol_imports_only_the_standard_library():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 5
    for path in modules:
        module = f"{OWN}.{path.stem}" if path.stem != "__init__" else OWN
        assert foreign_imports(path.read_text(encoding="utf-8"), module) == [], path.name


def test_the_check_catches_what_it_must():
    """A deliberate violation of each kind is found (so the test above can fail)."""
    module = f"{OWN}.convert"
    assert foreign_imports("from sqlalchemy import select", module) == ["sqlalchemy"]
    assert foreign_imports("import PySide6.QtCore", module) == ["PySide6.QtCore"]
    assert foreign_imports("from jiangxin_desktop.store import models", module) == ["jiangxin_desktop.store"]
    assert foreign_imports("from ..domain import money", module) == ["jiangxin_desktop.domain"]
    assert foreign_imports("from .. import errors", module) == ["jiangxin_desktop"]
    assert foreign_imports("def f():\n    import jiangxin_desktop.services", module) == [
        "jiangxin_desktop.services"
    ]
    assert foreign_imports("import json\nfrom . import fields\nfrom .errors import WrongType", module) == []


def test_importing_protocol_loads_nothing_of_the_station():
    """In a fresh interpreter: only jiangxin_desktop (the empty parent) and protocol/ are loaded."""
    code = (
        "import sys, jiangxin_desktop.protocol\n"
        "print('\\n'.join(m for m in sys.modules if m.split('.')[0] in "
        "('jiangxin_desktop', 'sqlalchemy', 'PySide6', 'cryptography')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert {m for m in loaded.split() if not m.startswith(OWN)} == {"jiangxin_desktop"}
