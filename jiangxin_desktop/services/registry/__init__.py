"""Trainees (学员): registration, editing, deactivation, photos, and find-as-you-type search
(trigram and name-gram indexes). Owns the ``trainee`` rows and their outbox entries.

May import: ``domain``, ``store``, ``services.security``, ``services.audit``, ``services.catalog``.
Must not import: other feature packages (training, exchange, certificates, station, demo) or Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "name_grams": "grams",
    "replace_name_grams": "grams",
    "TraineeInput": "trainees",
    "TraineePhotos": "photos",
    "TraineeRegistry": "trainees",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.registry.grams import name_grams, replace_name_grams
    from jiangxin_desktop.services.registry.photos import TraineePhotos
    from jiangxin_desktop.services.registry.trainees import TraineeInput, TraineeRegistry


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
