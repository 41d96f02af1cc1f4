"""Roles, the account a service acts for, and the errors of logging in and of permissions.

Kept apart from the account service so that any service can check a role
(``require_role(user, "clerk", "admin", action=...)``) without the account machinery.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jiangxin_desktop.domain.passwords import SecurityPolicy, parse_security_policy
from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.store.models import AppUser

ROLES = ("clerk", "reviewer", "admin")
ROLE_LABELS = {"clerk": "经办人", "reviewer": "审核人", "admin": "管理员"}
UNKNOWN_ACTOR = "unknown"  # audit actor of a login attempt with a user name that does not exist


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_hhmm(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


# --- policy ----------------------------------------------------------------------------


def shipped_security_path() -> Path:
    return resources_dir() / "catalogs" / "security.json"


def load_security_policy(path: Path | None = None) -> SecurityPolicy:
    """The policy from ``security.json`` (the shipped one unless ``path`` is given)."""
    path = path or shipped_security_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return parse_security_policy(data)
    except FileNotFoundError:
        raise KnownError(f"找不到安全策略文件 {path}。请重新安装程序。") from None
    except (ValueError, UnicodeDecodeError) as exc:  # json.JSONDecodeError is a ValueError
        raise KnownError(
            f"安全策略文件 {path.name} 有误：{describe_error(exc, str(exc))}。请改正或恢复原文件后重试。"
        ) from None


# --- who is acting ---------------------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    """A snapshot of one account (what a session holds; no password hash)."""

    uuid: str
    username: str
    display_name: str
    role: str
    active: bool
    must_change_password: bool
    locked_until: str | None  # ISO 8601 UTC, or None
    last_login_at: str | None = None  # ISO 8601 UTC of the last successful log-in

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @classmethod
    def from_row(cls, row: AppUser) -> UserInfo:
        return cls(
            uuid=row.uuid,
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            active=row.active,
            must_change_password=row.must_change_password,
            locked_until=row.locked_until,
            last_login_at=row.last_login_at,
        )


class AuthError(KnownError):
    """Wrong user name or password (one message for both). ``remaining`` attempts before
    the lock, when the account exists."""

    def __init__(self, message: str, *, remaining: int | None = None) -> None:
        super().__init__(message)
        self.remaining = remaining


class AccountLocked(AuthError):
    """Too many wrong passwords: refused until ``locked_until`` (aware UTC datetime)."""

    def __init__(self, username: str, locked_until: datetime, max_failed: int) -> None:
        super().__init__(
            f"账户 {username} 因连续 {max_failed} 次密码错误已被锁定，"
            f"请于 {local_hhmm(locked_until)} 后再试；如需立即使用，请联系管理员解锁。",
            remaining=0,
        )
        self.locked_until = locked_until


class AccountDisabled(AuthError):
    """The account was deactivated by an administrator (said only after a right password)."""


class PermissionDenied(KnownError):
    def __init__(self, message: str, *, action: str, roles: tuple[str, ...]) -> None:
        super().__init__(message)
        self.action = action
        self.roles = roles


def require_role(user: UserInfo | None, *roles: str, action: str) -> UserInfo:
    """Refuse ``action`` unless ``user`` is logged in, active, has changed a temporary password
    and holds one of ``roles``; returns the user. ``action`` is a Chinese phrase such as "新建用户"."""
    if not roles or any(r not in ROLES for r in roles):
        raise ValueError(f"unknown roles {roles!r}")
    needed = "或".join(ROLE_LABELS[r] for r in roles)
    if user is None:
        raise PermissionDenied(f"请先登录，然后才能{action}。", action=action, roles=roles)
    if not user.active:
        raise PermissionDenied(f"账户 {user.username} 已停用，不能{action}。", action=action, roles=roles)
    if user.must_change_password:
        raise PermissionDenied(f"请先修改临时密码，然后才能{action}。", action=action, roles=roles)
    if user.role not in roles:
        raise PermissionDenied(
            f"“{action}”需要{needed}权限；当前账户 {user.username} 的角色是"
            f"{ROLE_LABELS.get(user.role, user.role)}。请由{needed}操作。",
            action=action,
            roles=roles,
        )
    return user


# --- the service -----------------------------------------------------------------------
