"""The receiver's one error kind: a stable code, an HTTP status, English for logs, Chinese for people."""

from __future__ import annotations

from typing import Any


class CityError(Exception):
    """A refusal or an environment problem at the city.

    ``code`` is stable (the ``error`` of a JSON answer), ``status`` the HTTP status that answer
    carries, ``message`` English for the log, ``user_message`` Chinese for the clerk or the
    city's administrator; ``extra`` holds more fields for the answer (``expected_sequence`` …).
    """

    def __init__(self, code: str, status: int, message: str, user_message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.user_message = user_message
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "user_message": self.user_message, **self.extra}
