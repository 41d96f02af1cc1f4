"""Build hook only (the project is described in pyproject.toml).

resources/ (fonts, catalogs) and forms/ (print templates, the roster template) live at the top of
the repository, beside the package. A wheel (``pip install .``) carries them inside the package as
``jiangxin_desktop/_data/resources`` and ``jiangxin_desktop/_data/forms``, where
``jiangxin_desktop.paths.resources_dir`` finds them when there is no source checkout around.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("resources", "forms")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "~$*")


class BuildPyWithData(build_py):
    """build_py, then copy resources/ and forms/ into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        target = Path(self.build_lib) / "jiangxin_desktop" / "_data"
        for name in SHIPPED:
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(ROOT / name, destination, ignore=SKIP)


setup(cmdclass={"build_py": BuildPyWithData})
