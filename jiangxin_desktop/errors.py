"""Error kinds shared by every layer.

An environment problem (wrong passphrase, disk full, locked database, a database from a
newer version) is a :class:`KnownError`: it carries a message in Chinese for the user and
is shown as a plain dialog or a one-line CLI error. Anything else is a bug and gets the
crash dialog with a saved report.
"""

from __future__ import annotations

from dataclasses import dataclass


class KnownError(Exception):
    """An expected failure with a user-facing Chinese message."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class WrongKeyError(KnownError):
    """The database key or passphrase does not open the database."""


class PassphraseRequired(KnownError):
    """No passphrase was given where one is needed (no keyring on this machine)."""


class DatabaseTooNewError(KnownError):
    """The database was written by a newer version of the program."""


class StorageError(KnownError):
    """Disk full, locked or corrupt database, unreadable data directory."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(KnownError):
    """One or more fields are invalid; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        text = "；".join(f"{e.field}：{e.message}" for e in errors)
        super().__init__(text)
        self.errors = errors


class NotFoundError(KnownError):
    pass


class ConflictError(KnownError):
    """The row changed since it was read (version mismatch)."""
