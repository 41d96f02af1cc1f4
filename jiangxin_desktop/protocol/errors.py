"""Why a record cannot be put on the wire or read from it.

``str(error)`` is English, for logs and developers; ``user_message`` is the Chinese
sentence a clerk or the city's operator sees (a batch refused, a sync that failed).
"""

from __future__ import annotations


class ProtocolError(ValueError):
    """A record that does not match its wire schema."""

    def __init__(
        self, message: str, user_message: str, *, entity: str | None = None, name: str | None = None
    ) -> None:
        super().__init__(message)
        self.user_message = user_message
        self.entity = entity
        self.name = name  # the field (wire or column name) at fault, if one


class UnknownEntity(ProtocolError):
    def __init__(self, entity: object) -> None:
        super().__init__(
            f"unknown entity {entity!r}: it has no wire schema",
            f"记录类型“{entity}”不在传输格式中，无法发送或接收。",
            entity=str(entity),
        )


class MissingField(ProtocolError):
    def __init__(self, entity: str, name: str) -> None:
        super().__init__(
            f"{entity}: required field {name!r} is missing",
            f"{entity} 记录缺少必填字段“{name}”。",
            entity=entity,
            name=name,
        )


class UnknownField(ProtocolError):
    def __init__(self, entity: str, name: str) -> None:
        super().__init__(
            f"{entity}: field {name!r} is not in this entity's wire schema",
            f"{entity} 记录含有传输格式之外的字段“{name}”。",
            entity=entity,
            name=name,
        )


class WrongType(ProtocolError):
    def __init__(self, entity: str, name: str, expected: str, value: object) -> None:
        # The value itself is never quoted: it may be an ID number or a name.
        super().__init__(
            f"{entity}: field {name!r} must be {expected}, not this {type(value).__name__}",
            f"{entity} 记录的字段“{name}”格式不对（应为 {expected}）。",
            entity=entity,
            name=name,
        )


class NotCanonical(ProtocolError):
    """A value canonical JSON cannot hold (a float, a non-string key, an unsafe integer…)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"cannot encode canonically at {path}: {reason}",
            "数据中含有无法规范编码的值，批次未生成。",
            name=path,
        )
