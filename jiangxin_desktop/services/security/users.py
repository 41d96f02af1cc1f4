"""Local user accounts and roles: log in (offline), lock-out, password rules and history.

Roles: 经办人 ``clerk`` (registers and edits records), 审核人 ``reviewer`` (reviews them),
管理员 ``admin`` (manages accounts). There is no hierarchy: a service states every role
an action allows (``require_role(user, "clerk", "admin", action=...)``).

Users stay on this installation (no outbox). Every change, and every login attempt,
leaves an audit event; the events never hold a password or a password hash.

Lock-out: ``max_failed_logins`` wrong passwords in a row lock the account for
``lock_minutes``; the counter is in the database, so restarting the program does not
reset it. A successful login, the lock running out, an administrator's unlock or a
password reset set it back to zero. A user name without an account is counted and locked
the same way (``login_throttle.py``), with the same words and the same scrypt work, so that
no refusal tells whether a name exists.

What an administrator does to existing accounts (list, unlock, deactivate, reactivate,
change role) is in ``administration.py``, mixed into :class:`UserService`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.passwords import (
    SecurityPolicy,
    check_display_name,
    check_password,
    check_username,
    normalize_display_name,
    normalize_password,
    normalize_username,
)
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security.administration import AccountAdministration, audit_user, public_fields
from jiangxin_desktop.services.security.login_throttle import unknown_name_failed, wrong_password
from jiangxin_desktop.services.security.passwords import (
    hash_password,
    needs_rehash,
    unusable_hash,
    verify_password,
)
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.models import AppUser, PasswordHistory

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "AccountDisabled",
    "AccountLocked",
    "AuthError",
    "PermissionDenied",
    "SecurityPolicy",
    "UserInfo",
    "UserService",
    "load_security_policy",
    "now_utc",
    "require_role",
]

from jiangxin_desktop.services.security.roles import (  # noqa: F401 - re-exported
    ROLE_LABELS,
    ROLES,
    UNKNOWN_ACTOR,
    AccountDisabled,
    AccountLocked,
    AuthError,
    PermissionDenied,
    UserInfo,
    iso_utc,
    load_security_policy,
    local_hhmm,
    now_utc,
    parse_iso,
    require_role,
)


class UserService(AccountAdministration):
    def __init__(
        self, db: Database, *, policy: SecurityPolicy, clock: Callable[[], datetime] = now_utc
    ) -> None:
        self.db = db
        self.policy = policy
        self._clock = clock
        self._dummy_hash: str | None = None

    # --- queries ----------------------------------------------------------------------
    def has_users(self) -> bool:
        with self.db.read() as session:
            return session.scalar(select(AppUser.seq).limit(1)) is not None

    # --- accounts ---------------------------------------------------------------------
    def create_first_admin(self, username: str, display_name: str, password: str) -> UserInfo:
        """The first account of a new installation: an administrator; refused once any exists."""
        name, shown, password_hash = self._checked_new_account(username, display_name, "admin", password)
        with self.db.write() as session:
            if session.scalar(select(AppUser.seq).limit(1)) is not None:
                raise KnownError("本机已有用户账户，不能再创建首个管理员。请由管理员登录后新建用户。")
            row = self._insert(session, name, shown, "admin", password_hash, must_change=False)
            info = UserInfo.from_row(row)
            audit_user(session, name, "user.create", row, after={**public_fields(row), "first_admin": True})
        return info

    def create_user(
        self,
        acting: UserInfo,
        username: str,
        display_name: str,
        role: str,
        password: str,
        *,
        temporary: bool = True,
    ) -> UserInfo:
        """A new account (administrators only); by default the password is temporary and must be
        changed at first login (demo accounts are created with ``temporary=False``)."""
        require_role(acting, "admin", action="新建用户")
        name, shown, password_hash = self._checked_new_account(username, display_name, role, password)
        with self.db.write() as session:
            self._acting(session, acting, "新建用户")
            if session.scalar(select(AppUser.seq).where(AppUser.username == name)) is not None:
                raise ValidationError([FieldError("用户名", f"“{name}”已被使用，请换一个")])
            row = self._insert(session, name, shown, role, password_hash, must_change=temporary)
            audit_user(session, acting.username, "user.create", row)
            return UserInfo.from_row(row)

    def _checked_new_account(
        self, username: str, display_name: str, role: str, password: str
    ) -> tuple[str, str, str]:
        name, shown = normalize_username(username), normalize_display_name(display_name)
        errors = []
        if problem := check_username(name):
            errors.append(FieldError("用户名", problem))
        if problem := check_display_name(shown):
            errors.append(FieldError("姓名", problem))
        if role not in ROLES:
            errors.append(FieldError("角色", f"应为{'、'.join(ROLE_LABELS.values())}之一"))
        errors += [FieldError("密码", p) for p in check_password(password, self.policy, name)]
        if errors:
            raise ValidationError(errors)
        return name, shown, hash_password(password, self.policy)

    def _insert(
        self, session: Session, name: str, shown: str, role: str, password_hash: str, *, must_change: bool
    ) -> AppUser:
        now = iso_utc(self._clock())
        row = AppUser(
            uuid=uuid7(),
            username=name,
            display_name=shown,
            role=role,
            password_hash=password_hash,
            password_changed_at=now,
            must_change_password=must_change,
            failed_attempts=0,
            locked_until=None,
            active=True,
            created_at=now,
            updated_at=now,
            version=1,
        )
        session.add(row)
        session.flush()
        self._remember(session, row, password_hash, now)
        return row

    # --- logging in -------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> UserInfo:
        """Check a user name and password (offline). Raises AuthError, AccountLocked or
        AccountDisabled; every attempt is audited (login.ok / login.failed / login.locked /
        login.refused)."""
        name = normalize_username(username)
        failure: AuthError | None = None
        info: UserInfo | None = None
        with self.db.write() as session:
            row = session.scalar(select(AppUser).where(AppUser.username == name)) if name else None
            if row is None:
                # The same work, the same count and the same words as for a real account.
                verify_password(password, self._dummy())
                failure = unknown_name_failed(session, name, self.policy, self._clock())
            else:
                failure = self._login(session, row, password)
                info = UserInfo.from_row(row)
        if failure is not None:
            raise failure
        assert info is not None
        return info

    def _login(self, session: Session, row: AppUser, password: str) -> AuthError | None:
        """One attempt on an existing account; the outcome is written (and committed) either way."""
        now = self._clock()
        if (locked := self._locked_until(row, now)) is not None:
            verify_password(password, row.password_hash)  # as long as any other refusal takes
            self._audit_login(
                session, row, "login.refused", {"reason": "locked", "locked_until": row.locked_until}
            )
            return AccountLocked(row.username, locked, self.policy.max_failed_logins)
        if not verify_password(password, row.password_hash):
            return self._failed(session, row, now)
        if not row.active:
            self._audit_login(session, row, "login.refused", {"reason": "inactive"})
            return AccountDisabled(f"账户 {row.username} 已停用。如需继续使用，请联系管理员。")
        rehashed = needs_rehash(row.password_hash, self.policy)
        if rehashed:  # the policy's scrypt numbers changed: upgrade the hash now we know the password
            row.password_hash = hash_password(password, self.policy)
            self._remember(session, row, row.password_hash, iso_utc(now), replace_current=True)
        row.failed_attempts, row.locked_until, row.last_login_at = 0, None, iso_utc(now)
        self._audit_login(session, row, "login.ok", {"rehashed": True} if rehashed else None)
        return None

    def _locked_until(self, row: AppUser, now: datetime) -> datetime | None:
        """When the lock ends, if the account is locked now; an expired lock is cleared."""
        if row.locked_until is None:
            return None
        until = parse_iso(row.locked_until)
        if until > now:
            return until
        row.locked_until, row.failed_attempts = None, 0
        return None

    def _failed(self, session: Session, row: AppUser, now: datetime, *, context: str = "login") -> AuthError:
        """Count a wrong password; lock the account when the count reaches the limit."""
        limit = self.policy.max_failed_logins
        row.failed_attempts += 1
        remaining = max(limit - row.failed_attempts, 0)
        after: dict = {"failed_attempts": row.failed_attempts, "remaining": remaining}
        if context != "login":
            after["context"] = context
        self._audit_login(session, row, "login.failed", after)
        if remaining == 0:
            until = now + timedelta(minutes=self.policy.lock_minutes)
            row.locked_until = iso_utc(until)
            self._audit_login(
                session,
                row,
                "login.locked",
                {"locked_until": row.locked_until, "failed_attempts": row.failed_attempts},
            )
            return AccountLocked(row.username, until, limit)
        what = "用户名或密码不正确" if context == "login" else "原密码不正确"
        return wrong_password(remaining, self.policy, what=what)

    @staticmethod
    def _audit_login(session: Session, row: AppUser, action: str, after: dict | None) -> None:
        audit_user(session, row.username, action, row, after=after)

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = unusable_hash(self.policy)
        return self._dummy_hash

    # --- passwords --------------------------------------------------------------------
    def change_password(self, user: UserInfo, old: str, new: str) -> UserInfo:
        """The user changes their own password (rules and history apply). Returns the
        refreshed account (``must_change_password`` now False). A wrong old password counts
        towards the lock-out like a failed login."""
        problems = check_password(new, self.policy, user.username)
        if normalize_password(new) == normalize_password(old):
            problems.append("不能与原密码相同")
        if problems:
            raise ValidationError([FieldError("新密码", p) for p in problems])
        new_hash = hash_password(new, self.policy)
        failure: AuthError | None = None
        info: UserInfo | None = None
        with self.db.write() as session:
            row = session.scalar(select(AppUser).where(AppUser.uuid == user.uuid))
            if row is None:
                raise NotFoundError(f"找不到用户 {user.username}。")
            now = self._clock()
            if not row.active:
                raise AccountDisabled(f"账户 {row.username} 已停用。如需继续使用，请联系管理员。")
            if (locked := self._locked_until(row, now)) is not None:
                raise AccountLocked(row.username, locked, self.policy.max_failed_logins)
            if not verify_password(old, row.password_hash):
                failure = self._failed(session, row, now, context="change_password")
            else:
                if self._used_recently(session, row, new):
                    raise ValidationError(
                        [FieldError("新密码", f"不能与最近 {self.policy.history} 次使用过的密码相同")]
                    )
                before = public_fields(row)
                self._set_password(session, row, new_hash, now, must_change=False)
                audit_user(session, row.username, "user.password_change", row, before=before)
                info = UserInfo.from_row(row)
        if failure is not None:
            raise failure
        assert info is not None
        return info

    def reset_password(self, acting: UserInfo, username: str, new_temporary: str) -> UserInfo:
        """An administrator sets a temporary password for someone else; that user must change
        it at the next login. Also lifts a lock. Returns the account as it is now."""
        require_role(acting, "admin", action="重置密码")
        name = normalize_username(username)
        if name == acting.username:
            raise KnownError("不能重置自己的密码，请用“修改密码”。")
        problems = check_password(new_temporary, self.policy, name)
        if problems:
            raise ValidationError([FieldError("临时密码", p) for p in problems])
        new_hash = hash_password(new_temporary, self.policy)
        with self.db.write() as session:
            self._acting(session, acting, "重置密码")
            row = self._row(session, name)
            before = public_fields(row)
            self._set_password(session, row, new_hash, self._clock(), must_change=True)
            row.failed_attempts, row.locked_until = 0, None
            audit_user(session, acting.username, "user.password_reset", row, before=before)
            return UserInfo.from_row(row)

    def _used_recently(self, session: Session, row: AppUser, password: str) -> bool:
        if self.policy.history <= 0:
            return False
        recent = session.scalars(
            select(PasswordHistory.password_hash)
            .where(PasswordHistory.user_seq == row.seq)
            .order_by(PasswordHistory.seq.desc())
            .limit(self.policy.history)
        ).all()
        return any(verify_password(password, h) for h in recent)

    def _set_password(
        self, session: Session, row: AppUser, new_hash: str, now: datetime, *, must_change: bool
    ) -> None:
        stamp = iso_utc(now)
        row.password_hash = new_hash
        row.password_changed_at = stamp
        row.must_change_password = must_change
        row.version += 1
        row.updated_at = stamp
        self._remember(session, row, new_hash, stamp)

    def _remember(
        self, session: Session, row: AppUser, password_hash: str, stamp: str, *, replace_current: bool = False
    ) -> None:
        """Keep the newest ``history`` hashes of this user (the current one included)."""
        if replace_current:  # a rehash of the same password: one history entry, not two
            latest = session.scalar(
                select(PasswordHistory)
                .where(PasswordHistory.user_seq == row.seq)
                .order_by(PasswordHistory.seq.desc())
                .limit(1)
            )
            if latest is not None:
                latest.password_hash = password_hash
                return
        keep = self.policy.history
        if keep > 0:
            session.add(PasswordHistory(user_seq=row.seq, password_hash=password_hash, changed_at=stamp))
            session.flush()
        kept = (
            select(PasswordHistory.seq)
            .where(PasswordHistory.user_seq == row.seq)
            .order_by(PasswordHistory.seq.desc())
            .limit(keep)
        )
        session.execute(
            delete(PasswordHistory).where(
                PasswordHistory.user_seq == row.seq, PasswordHistory.seq.not_in(kept)
            )
        )
