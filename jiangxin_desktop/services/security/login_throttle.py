"""Failed log-ins with a user name that has no account, counted like a real account's.

A refusal must not tell whether a name exists: an unknown name gets the same "再输错 N 次"
count, the same lock-out after ``max_failed_logins`` attempts and the same lock message as an
account with a wrong password, and the lock survives a restart (it is in the database,
``login_throttle``). The name is kept only as a SHA-256 digest: people type passwords into
the user-name field.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from jiangxin_desktop.domain.passwords import SecurityPolicy
from jiangxin_desktop.services.security.roles import (
    UNKNOWN_ACTOR,
    AccountLocked,
    AuthError,
    iso_utc,
    parse_iso,
)
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.models import LoginThrottle


def wrong_password(remaining: int, policy: SecurityPolicy, *, what: str = "用户名或密码不正确") -> AuthError:
    """The refusal for a wrong password, with the attempts left (the same for any name)."""
    return AuthError(
        f"{what}。再输错 {remaining} 次，账户将被锁定 {policy.lock_minutes} 分钟。", remaining=remaining
    )


def _digest(name: str) -> str:
    return hashlib.sha256(("jx-login:" + name).encode("utf-8")).hexdigest()


def unknown_name_failed(session: Session, name: str, policy: SecurityPolicy, now: datetime) -> AuthError:
    """Count one attempt on a name without an account; returns the refusal to raise."""
    row = session.get(LoginThrottle, _digest(name))
    if row is None:
        row = LoginThrottle(name_digest=_digest(name), failed_attempts=0, locked_until=None)
        session.add(row)
    row.updated_at = iso_utc(now)
    limit = policy.max_failed_logins

    def log(action: str, after: dict) -> None:
        audit(
            session,
            actor=UNKNOWN_ACTOR,
            action=action,
            object_type="user",
            object_id=None,
            after={"reason": "unknown_user", **after},
        )

    if row.locked_until is not None:
        until = parse_iso(row.locked_until)
        if until > now:
            log("login.refused", {"locked_until": row.locked_until})
            return AccountLocked(name, until, limit)
        row.locked_until, row.failed_attempts = None, 0
    row.failed_attempts += 1
    remaining = max(limit - row.failed_attempts, 0)
    log("login.failed", {"failed_attempts": row.failed_attempts, "remaining": remaining})
    if remaining > 0:
        return wrong_password(remaining, policy)
    until = now + timedelta(minutes=policy.lock_minutes)
    row.locked_until = iso_utc(until)
    log("login.locked", {"locked_until": row.locked_until, "failed_attempts": row.failed_attempts})
    return AccountLocked(name, until, limit)
