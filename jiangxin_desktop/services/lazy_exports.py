"""A service package's public names, loaded on first use (PEP 562).

Each feature package lists the names other packages may use and the module that defines each;
``from jiangxin_desktop.services.registry import TraineeRegistry`` then loads only
``registry/trainees.py``, and importing one light module of a package does not load the rest
(the window paints before SQLAlchemy is imported).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: ``exports`` maps a name to its module's name."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # the next lookup finds it without this function
        return value

    return __getattr__
