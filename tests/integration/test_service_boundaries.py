"""A service package reaches another only through the names its ``__init__`` exports.

``lint-imports`` checks the direction between the feature packages of ``services``; this test
checks the door: ``services/training/`` may import ``jiangxin_desktop.services.registry``, never
``jiangxin_desktop.services.registry.trainees``. Imports inside functions and under
``TYPE_CHECKING`` count too: a package's modules are its internals whenever they are read.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "jiangxin_desktop" / "services"


def reaches_inside(path: Path, own: str) -> list[str]:
    """The imports in ``path`` (a module of package ``own``) that name a module inside another package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if parts[:2] == ["jiangxin_desktop", "services"] and len(parts) >= 4 and parts[2] != own:
                found.append(f"{path.name}:{node.lineno} imports {module}")
    return found


def packages() -> list[Path]:
    return sorted(p for p in SERVICES.iterdir() if (p / "__init__.py").exists())


def test_no_service_package_imports_the_modules_of_another():
    found = [
        f"{package.name}/{hit}"
        for package in packages()
        for module in sorted(package.rglob("*.py"))
        for hit in reaches_inside(module, package.name)
    ]
    assert not found, "import the package's exported names instead:\n" + "\n".join(found)


def test_the_check_sees_a_reach_inside_even_within_a_function(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "from jiangxin_desktop.services.registry import TraineeRegistry\n"
        "def later():\n"
        "    from jiangxin_desktop.services.registry.trainees import TraineeInput\n"
        "    import jiangxin_desktop.services.security.acting\n",
        encoding="utf-8",
    )
    hits = reaches_inside(module, "training")
    assert hits == [
        "probe.py:3 imports jiangxin_desktop.services.registry.trainees",
        "probe.py:4 imports jiangxin_desktop.services.security.acting",
    ]
    assert reaches_inside(module, "registry") == ["probe.py:4 imports jiangxin_desktop.services.security.acting"]


@pytest.mark.parametrize("package", [p.name for p in packages()])
def test_every_exported_name_exists(package):
    module = importlib.import_module(f"jiangxin_desktop.services.{package}")
    for name in getattr(module, "__all__", []):
        assert hasattr(module, name), f"services.{package} exports {name!r} but has no such name"
        # a module of the same name would replace the export once it is imported
        clash = SERVICES / package / f"{name}.py"
        assert not clash.exists(), f"services.{package} exports {name!r}, which is also a module's name"
