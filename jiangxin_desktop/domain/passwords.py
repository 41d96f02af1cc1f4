"""Account rules: the security policy's numbers, password strength, user names.

The numbers are data (``resources/catalogs/security.json``); this module parses and
validates an already-loaded mapping and checks candidate passwords. Pure code: no I/O,
and no hashing (that is ``services/security/passwords.py``). Messages never repeat the
password itself.

Password rule (等保 2.0 "口令复杂度"): at least ``min_length`` characters, from at least
``min_character_classes`` of four classes: upper-case letters, lower-case letters,
digits, and other characters (symbols, spaces, 汉字 …). Passwords are NFKC-normalised
first, so a password typed with the input method in full-width mode (ＡＢＣ１２３) is the
same password as the half-width one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Bounds a policy file must respect; the lower ones keep 等保 2.0 minimums.
_BOUNDS: dict[str, tuple[int, int]] = {
    "min_length": (8, 64),
    "max_length": (16, 1024),
    "min_character_classes": (1, 4),
    "history": (0, 24),
    "max_failed_logins": (1, 20),
    "lock_minutes": (1, 24 * 60),
    "idle_lock_minutes": (1, 8 * 60),
    "scrypt_log2_n": (14, 20),
    "scrypt_r": (1, 32),
    "scrypt_p": (1, 16),
}

# security.json: section → settings (scrypt ones become scrypt_<name>).
_SECTIONS: dict[str, tuple[str, ...]] = {
    "password": ("min_length", "max_length", "min_character_classes", "history"),
    "login": ("max_failed_logins", "lock_minutes"),
    "session": ("idle_lock_minutes",),
    "scrypt": ("log2_n", "r", "p"),
}

CLASS_LABELS = ("大写字母", "小写字母", "数字", "其他字符（符号、空格、汉字等）")

USERNAME_MIN, USERNAME_MAX = 3, 32
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]*$")
DISPLAY_NAME_MAX = 30
_FORMULA_START = "=+-@"


@dataclass(frozen=True)
class SecurityPolicy:
    """Password, lock-out and session numbers (see security.json for their meaning)."""

    min_length: int = 8
    max_length: int = 128
    min_character_classes: int = 3
    history: int = 3  # the new password may not be any of the last N (the current one included)
    max_failed_logins: int = 5
    lock_minutes: int = 15
    idle_lock_minutes: int = 15
    scrypt_n: int = 2**15
    scrypt_r: int = 8
    scrypt_p: int = 1
    version: str = ""


def parse_security_policy(data: Mapping[str, Any]) -> SecurityPolicy:
    """Validate and parse the policy mapping (layout of ``security.json``).

    Raises ValueError with a Chinese message naming the bad setting.
    """
    if not isinstance(data, Mapping):
        raise ValueError("安全策略格式错误：应为对象")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ValueError("安全策略缺少版本号（version）")
    values: dict[str, int] = {}
    for section, keys in _SECTIONS.items():
        body = data.get(section)
        if not isinstance(body, Mapping):
            raise ValueError(f"安全策略缺少“{section}”部分")
        for key in keys:
            name = f"scrypt_{key}" if section == "scrypt" else key
            value = body.get(key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"安全策略 {section}.{key} 应为整数")
            lo, hi = _BOUNDS[name]
            if not lo <= value <= hi:
                raise ValueError(f"安全策略 {section}.{key} = {value} 超出允许范围 {lo}–{hi}")
            values[name] = value
    if values["max_length"] < values["min_length"]:
        raise ValueError("安全策略 password.max_length 不能小于 password.min_length")
    log2_n = values.pop("scrypt_log2_n")
    return SecurityPolicy(**values, scrypt_n=2**log2_n, version=version.strip())


def normalize_password(password: str) -> str:
    """NFKC: full-width letters and digits become ASCII; composed and decomposed forms agree."""
    return unicodedata.normalize("NFKC", password)


def character_classes(password: str) -> int:
    """How many of the four classes (upper, lower, digit, other) the password uses."""
    upper = lower = digit = other = False
    for ch in password:
        if "A" <= ch <= "Z":
            upper = True
        elif "a" <= ch <= "z":
            lower = True
        elif "0" <= ch <= "9":
            digit = True
        else:
            other = True
    return upper + lower + digit + other


def check_password(password: str, policy: SecurityPolicy, username: str = "") -> list[str]:
    """Problems with a candidate password, in Chinese; an empty list means acceptable."""
    pw = normalize_password(password)
    if not pw:
        return ["请输入密码"]
    problems = []
    if len(pw) < policy.min_length:
        problems.append(f"至少 {policy.min_length} 个字符（现为 {len(pw)} 个）")
    if len(pw) > policy.max_length:
        problems.append(f"不能超过 {policy.max_length} 个字符")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in pw):
        problems.append("不能包含控制字符或不可见字符")
    if character_classes(pw) < policy.min_character_classes:
        problems.append(
            f"须包含以下四类中的至少 {policy.min_character_classes} 类：{'、'.join(CLASS_LABELS)}"
        )
    name = (username or "").strip().lower()
    if len(name) >= USERNAME_MIN and name in pw.lower():
        problems.append("不能包含用户名")
    if len(set(pw)) <= 2:
        problems.append("不能由一两个字符重复组成")
    return problems


def normalize_username(raw: str) -> str:
    """User names are case-insensitive: trimmed, full-width folded, lower-case."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def check_username(raw: str) -> str | None:
    """The problem with a user name, or None. Expects the normalised form."""
    if not raw:
        return "请填写用户名"
    if not USERNAME_MIN <= len(raw) <= USERNAME_MAX:
        return f"应为 {USERNAME_MIN}–{USERNAME_MAX} 个字符"
    if not _USERNAME.match(raw):
        return "只能使用英文字母、数字和 . _ -，并以字母开头（例如 zhangsan 或 hz.clerk1）"
    return None


def normalize_display_name(raw: str) -> str:
    return " ".join((raw or "").split())


def check_display_name(value: str) -> str | None:
    """The problem with a display name (姓名, shown in the window and in audit reports), or None."""
    if not value:
        return "请填写姓名"
    if len(value) > DISPLAY_NAME_MAX:
        return f"不能超过 {DISPLAY_NAME_MAX} 个字"
    if value[0] in _FORMULA_START:
        return "不能以 = + - @ 开头（会被电子表格当作公式）"
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return "不能包含控制字符或不可见字符"
    return None
