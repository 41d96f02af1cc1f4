"""What only an administrator does to existing accounts: list them, unlock, deactivate,
reactivate and change their role.

Mixed into :class:`~jiangxin_desktop.services.security.users.UserService`, which creates
accounts and handles log-in and passwords. Every method re-reads the acting account from
the database (a session's snapshot may be stale) and leaves an audit event. There is no
hard delete, and the installation never loses its last active administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.passwords import normalize_username
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security.roles import (
    ROLE_LABELS,
    ROLES,
    PermissionDenied,
    UserInfo,
    iso_utc,
    parse_iso,
    require_role,
)
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.models import AppUser


class AccountAdministration:
    db: Database
    _clock: Callable[[], datetime]

    def list_users(self, acting: UserInfo) -> list[UserInfo]:
        """Every account, by user name (administrators only). ``locked_until`` is given only
        for a lock that still runs; one that ran out reads as None."""
        with self.db.read() as session:
            self._acting(session, acting, "查看用户列表")
            now = self._clock()
            rows = session.scalars(select(AppUser).order_by(AppUser.username))
            listed = []
            for row in rows:
                info = UserInfo.from_row(row)
                if info.locked_until is not None and parse_iso(info.locked_until) <= now:
                    info = replace(info, locked_until=None)
                listed.append(info)
            return listed

    def unlock(self, acting: UserInfo, username: str) -> UserInfo:
        """Lift a lock-out (or clear the failed-attempt count) before it runs out."""
        require_role(acting, "admin", action="解锁账户")
        with self.db.write() as session:
            self._acting(session, acting, "解锁账户")
            row = self._row(session, normalize_username(username))
            if row.locked_until is None and row.failed_attempts == 0:
                raise KnownError(f"账户 {row.username} 没有被锁定，不需要解锁。")
            return self._change(session, acting, row, "user.unlock", failed_attempts=0, locked_until=None)

    def deactivate(self, acting: UserInfo, username: str) -> UserInfo:
        """No hard delete: the account can no longer log in. The last active administrator
        and one's own account cannot be deactivated."""
        require_role(acting, "admin", action="停用账户")
        with self.db.write() as session:
            self._acting(session, acting, "停用账户")
            row = self._row(session, normalize_username(username))
            if not row.active:
                raise KnownError(f"账户 {row.username} 已经停用。")
            if row.role == "admin" and self._active_admins(session) <= 1:
                raise KnownError(
                    f"{row.username} 是最后一个在用的管理员账户，不能停用。请先新建另一个管理员账户。"
                )
            if row.uuid == acting.uuid:
                raise KnownError("不能停用自己正在使用的账户，请由另一位管理员操作。")
            return self._change(session, acting, row, "user.deactivate", active=False)

    def reactivate(self, acting: UserInfo, username: str) -> UserInfo:
        require_role(acting, "admin", action="恢复账户")
        with self.db.write() as session:
            self._acting(session, acting, "恢复账户")
            row = self._row(session, normalize_username(username))
            if row.active:
                raise KnownError(f"账户 {row.username} 没有停用，不需要恢复。")
            return self._change(
                session, acting, row, "user.reactivate", active=True, failed_attempts=0, locked_until=None
            )

    def change_role(self, acting: UserInfo, username: str, role: str) -> UserInfo:
        """Give an account another role (经办人, 审核人 or 管理员). The last active administrator
        keeps the role, whether someone else or the administrator themself asks. Returns the
        account as it is now; when it is the acting one, its holder should act as that."""
        require_role(acting, "admin", action="修改角色")
        if role not in ROLES:
            raise ValidationError([FieldError("角色", f"应为{'、'.join(ROLE_LABELS.values())}之一")])
        with self.db.write() as session:
            self._acting(session, acting, "修改角色")
            row = self._row(session, normalize_username(username))
            if row.role == role:
                raise KnownError(f"账户 {row.username} 已经是{ROLE_LABELS[role]}，不需要修改。")
            if row.role == "admin" and row.active and self._active_admins(session) <= 1:
                whose = "您自己的账户" if row.uuid == acting.uuid else f"{row.username}"
                raise KnownError(
                    f"{whose}是最后一个在用的管理员账户，不能改为{ROLE_LABELS[role]}。"
                    "请先把另一个账户设为管理员。"
                )
            return self._change(session, acting, row, "user.role_change", role=role)

    # --- shared by the account service ---------------------------------------------------
    def _change(self, session: Session, acting: UserInfo, row: AppUser, action: str, **values) -> UserInfo:
        before = public_fields(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.version += 1
        row.updated_at = iso_utc(self._clock())
        audit_user(session, acting.username, action, row, before=before)
        return UserInfo.from_row(row)

    @staticmethod
    def _active_admins(session: Session) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(AppUser)
                .where(AppUser.role == "admin", AppUser.active.is_(True))
            )
            or 0
        )

    @staticmethod
    def _row(session: Session, username: str) -> AppUser:
        row = session.scalar(select(AppUser).where(AppUser.username == username))
        if row is None:
            raise NotFoundError(f"找不到用户 {username}。请刷新用户列表后重试。")
        return row

    @staticmethod
    def _acting(session: Session, acting: UserInfo, action: str) -> UserInfo:
        """The acting account as stored now (a session's snapshot may be stale): still an
        active administrator?"""
        row = session.scalar(select(AppUser).where(AppUser.uuid == acting.uuid))
        if row is None:
            raise PermissionDenied(
                f"找不到当前账户 {acting.username}，不能{action}。", action=action, roles=("admin",)
            )
        current = UserInfo.from_row(row)
        require_role(current, "admin", action=action)
        return current


_UNSET: dict = {}


def audit_user(
    session: Session,
    actor: str,
    action: str,
    row: AppUser,
    before: dict | None = None,
    after: dict | None = _UNSET,
) -> None:
    """An account event; ``after`` defaults to the account as it is now (never the hash)."""
    audit(
        session,
        actor=actor,
        action=action,
        object_type="user",
        object_id=row.uuid,
        before=before,
        after=public_fields(row) if after is _UNSET else after,
    )


def public_fields(row: AppUser) -> dict:
    """What an audit event may say about an account: never the password hash."""
    return {
        "username": row.username,
        "display_name": row.display_name,
        "role": row.role,
        "active": row.active,
        "must_change_password": row.must_change_password,
        "password_changed_at": row.password_changed_at,
        "failed_attempts": row.failed_attempts,
        "locked_until": row.locked_until,
        "version": row.version,
    }
