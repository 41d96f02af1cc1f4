"""Masking of personal data for screens, exports, sign-in sheets and 公示 lists."""

from __future__ import annotations

STAR = "*"


def _mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, never more than half of ``value``."""
    limit = len(value) // 2
    while head + tail > limit:
        if head >= tail and head > 0:
            head -= 1
        else:
            tail -= 1
    return value[:head] + STAR * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id(value: str) -> str:
    """``320703198001010014`` → ``320703********0014``; other lengths keep at most 3 + 2."""
    value = (value or "").strip()
    if len(value) == 18:
        return value[:6] + STAR * 8 + value[-4:]
    return _mask(value, 3, 2)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; other lengths keep at most 3 + 2."""
    value = (value or "").strip()
    if len(value) == 11:
        return value[:3] + STAR * 4 + value[-4:]
    return _mask(value, 3, 2)


def mask_card(value: str) -> str:
    """Card/account number: first 4 + stars + last 4 (at most half the digits shown)."""
    return _mask((value or "").strip(), 4, 4)


def mask_name(value: str) -> str:
    """``张小明`` → ``张*明``, ``张三`` → ``张*``; longer names keep first and last character."""
    value = (value or "").strip()
    if len(value) <= 1:
        return STAR * len(value)
    if len(value) == 2:
        return value[0] + STAR
    return value[0] + STAR * (len(value) - 2) + value[-1]
