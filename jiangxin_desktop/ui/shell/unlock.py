"""Unlocking the database from the windows: the passphrase asked again after a wrong one.

Used by app.py and startup_open.py (which app.py starts); kept apart so neither imports the other back.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from jiangxin_desktop.errors import WrongKeyError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.security.keystore import PASSPHRASE_ENV, env_passphrase_provider
from jiangxin_desktop.ui.shell.passphrase_dialog import QtPassphrasePrompt

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

MAX_PASSPHRASE_TRIES = 3
EXIT_AFTER_PAINT_ENV = "JIANGXIN_EXIT_AFTER_PAINT"


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


def open_with_retries(paths: DataPaths, prompt: QtPassphrasePrompt) -> AppContext:
    """Unlock the database; a wrong passphrase is asked again, up to MAX_PASSPHRASE_TRIES times."""
    from jiangxin_desktop.context import open_context

    provider = env_passphrase_provider(prompt)
    for attempt in range(1, MAX_PASSPHRASE_TRIES + 1):
        asked_before = prompt.calls
        from_env = attempt == 1 and bool(os.environ.get(PASSPHRASE_ENV))
        try:
            # After a failure the dialog is asked, even when the environment gave a passphrase.
            return open_context(paths, provider if attempt == 1 else prompt)
        except WrongKeyError as exc:
            passphrase_used = prompt.calls > asked_before or from_env
            left = MAX_PASSPHRASE_TRIES - attempt
            if not passphrase_used or left == 0:
                raise
            prompt.problem = _tr("{message}（还可以再试 {n} 次）").format(message=exc.message, n=left)
    raise AssertionError("unreachable")
