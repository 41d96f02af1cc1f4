"""Only an administrator manages accounts: every account operation for every role, and roles
changed without ever losing the last administrator. Real encrypted database."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text

from jiangxin_desktop.errors import KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.audit.trail import verify_chain
from jiangxin_desktop.services.security.users import (
    ROLE_LABELS,
    AccountLocked,
    AuthError,
    PermissionDenied,
    UserInfo,
    UserService,
    load_security_policy,
)
from tests.conftest import FIXED_NOW

FAST = replace(load_security_policy(), scrypt_n=2**10)  # the shipped rules, cheaper hashing
PASSWORD = "Station#2026"


@pytest.fixture
def users(accountless_context, clock) -> UserService:
    """Accounts on the conftest's fixed ``clock`` (``clock.advance`` moves it)."""
    return UserService(accountless_context.db, policy=FAST, clock=clock.now)


@pytest.fixture
def admin(users) -> UserInfo:
    return users.create_first_admin("admin", "王站长", PASSWORD)


def add(users: UserService, admin: UserInfo, username: str, role: str) -> UserInfo:
    """An account ready to act (no temporary password to change first)."""
    return users.create_user(admin, username, f"{username} 姓名", role, PASSWORD, temporary=False)


@pytest.fixture
def actors(users, admin) -> dict[str, UserInfo]:
    """One acting account per role, plus the accounts acted on: ``target`` (a locked clerk)
    and ``gone`` (a deactivated clerk)."""
    acting = {
        "clerk": add(users, admin, "clerk1", "clerk"),
        "reviewer": add(users, admin, "reviewer1", "reviewer"),
    }
    acting["admin"] = add(users, admin, "admin2", "admin")
    add(users, admin, "target", "clerk")
    for _ in range(FAST.max_failed_logins):
        with pytest.raises(AuthError):
            users.authenticate("target", "Wrong#2026")
    add(users, admin, "gone", "clerk")
    users.deactivate(admin, "gone")
    return acting


def events(users: UserService, action: str | None = None) -> list[dict]:
    sql = "SELECT actor, action, before_json, after_json FROM audit_event ORDER BY seq"
    with users.db.read() as s:
        rows = [dict(r._mapping) for r in s.execute(text(sql))]
    return [r for r in rows if action is None or r["action"] == action]


OPERATIONS = {
    "新建用户": (lambda u, a: u.create_user(a, "x.new", "新人", "clerk", "Newbie#2026"), "user.create"),
    "重置密码": (lambda u, a: u.reset_password(a, "target", "Reset#2026"), "user.password_reset"),
    "解锁账户": (lambda u, a: u.unlock(a, "target"), "user.unlock"),
    "停用账户": (lambda u, a: u.deactivate(a, "target"), "user.deactivate"),
    "恢复账户": (lambda u, a: u.reactivate(a, "gone"), "user.reactivate"),
    "修改角色": (lambda u, a: u.change_role(a, "target", "reviewer"), "user.role_change"),
    "查看用户列表": (lambda u, a: u.list_users(a), None),
}


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
@pytest.mark.parametrize("action", list(OPERATIONS))
def test_other_roles_are_refused_every_account_operation(users, actors, role, action):
    call, _event = OPERATIONS[action]
    before = events(users)
    with pytest.raises(PermissionDenied) as info:
        call(users, actors[role])
    assert info.value.message.startswith(f"“{action}”需要管理员权限")
    assert ROLE_LABELS[role] in info.value.message and info.value.roles == ("admin",)
    assert events(users) == before  # nothing written, not even half


@pytest.mark.parametrize("action", list(OPERATIONS))
def test_an_administrator_may_do_every_account_operation(users, actors, action):
    call, event = OPERATIONS[action]
    result = call(users, actors["admin"])
    if event is None:
        assert {u.username for u in result} >= {"admin", "admin2", "target", "gone"}
    else:
        assert [r["actor"] for r in events(users, event)][-1] == "admin2"
        assert isinstance(result, UserInfo)
    assert verify_chain(users.db).ok


@pytest.mark.parametrize("role", ["clerk", "reviewer", "admin"])
def test_everyone_changes_their_own_password_and_nobody_elses(users, actors, role):
    me = actors[role]
    changed = users.change_password(me, PASSWORD, "Mine#2026x")
    assert changed.username == me.username and users.authenticate(me.username, "Mine#2026x")
    assert events(users, "user.password_change")[-1]["actor"] == me.username
    if role != "admin":
        with pytest.raises(PermissionDenied, match="管理员"):
            users.reset_password(changed, "admin", "Reset#2026")


def test_a_temporary_password_blocks_account_management_until_changed(users, admin):
    users.create_user(admin, "boss2", "新管理员", "admin", "Temp#2026a")
    fresh = users.authenticate("boss2", "Temp#2026a")
    with pytest.raises(PermissionDenied, match="请先修改临时密码"):
        users.list_users(fresh)
    changed = users.change_password(fresh, "Temp#2026a", "Boss#2026b")
    assert [u.username for u in users.list_users(changed)] == ["admin", "boss2"]


# --- roles ---------------------------------------------------------------------------------


def test_role_change_is_audited_and_takes_effect(users, admin):
    add(users, admin, "zhang", "clerk")
    changed = users.change_role(admin, "ZHANG", "reviewer")
    assert (changed.username, changed.role, changed.role_label) == ("zhang", "reviewer", "审核人")
    assert {u.username: u.role for u in users.list_users(admin)}["zhang"] == "reviewer"
    [event] = events(users, "user.role_change")
    assert event["actor"] == "admin"
    assert (json.loads(event["before_json"])["role"], json.loads(event["after_json"])["role"]) == (
        "clerk",
        "reviewer",
    )
    assert "password_hash" not in event["after_json"]
    with pytest.raises(KnownError, match="已经是审核人"):
        users.change_role(admin, "zhang", "reviewer")
    with pytest.raises(ValidationError, match="经办人、审核人、管理员"):
        users.change_role(admin, "zhang", "boss")
    with pytest.raises(NotFoundError, match="找不到用户 nobody"):
        users.change_role(admin, "nobody", "clerk")


def test_the_last_active_administrator_keeps_the_role(users, admin):
    with pytest.raises(KnownError, match="您自己的账户是最后一个在用的管理员") as info:
        users.change_role(admin, "admin", "clerk")
    assert "经办人" in info.value.message and "另一个账户设为管理员" in info.value.message
    assert events(users, "user.role_change") == []
    # A second administrator may be demoted, and then the first is the last one again.
    second = add(users, admin, "admin2", "admin")
    users.change_role(admin, "admin2", "clerk")
    with pytest.raises(PermissionDenied, match="经办人"):
        users.list_users(second)  # the demoted administrator's session is checked afresh
    with pytest.raises(KnownError, match="最后一个在用的管理员"):
        users.change_role(admin, "admin", "reviewer")


def test_an_administrator_may_step_down_when_another_remains(users, admin):
    add(users, admin, "admin2", "admin")
    me = users.change_role(admin, "admin", "reviewer")
    assert me.role == "reviewer" and me.uuid == admin.uuid
    with pytest.raises(PermissionDenied):
        users.list_users(admin)  # the old snapshot still says 管理员; the database does not
    second = users.authenticate("admin2", PASSWORD)
    with pytest.raises(KnownError, match="您自己的账户是最后一个"):
        users.change_role(second, "admin2", "clerk")


def test_a_deactivated_administrator_does_not_count(users, admin):
    add(users, admin, "admin2", "admin")
    users.deactivate(admin, "admin2")
    assert users.change_role(admin, "admin2", "clerk").role == "clerk"  # not an active admin
    users.reactivate(admin, "admin2")
    promoted = users.change_role(admin, "admin2", "admin")
    assert promoted.role == "admin"
    assert users.change_role(promoted, "admin", "clerk").role == "clerk"


# --- what the list shows -------------------------------------------------------------------


def test_list_shows_last_login_and_only_a_lock_that_still_runs(users, admin, clock):
    add(users, admin, "zhang", "clerk")
    listed = {u.username: u for u in users.list_users(admin)}
    assert listed["zhang"].last_login_at is None
    users.authenticate("zhang", PASSWORD)
    assert users.list_users(admin)[1].last_login_at == "2026-12-01T00:25:00.000Z"  # FIXED_NOW, 08:25 in China
    for _ in range(FAST.max_failed_logins - 1):
        with pytest.raises(AuthError):
            users.authenticate("zhang", "Wrong#2026")
    with pytest.raises(AccountLocked) as locked:
        users.authenticate("zhang", "Wrong#2026")
    until = {u.username: u for u in users.list_users(admin)}["zhang"].locked_until
    assert until is not None and until.startswith("2026-12-01T00:40")
    assert locked.value.locked_until == FIXED_NOW + timedelta(minutes=FAST.lock_minutes)
    clock.advance(minutes=FAST.lock_minutes, seconds=1)
    assert {u.username: u for u in users.list_users(admin)}["zhang"].locked_until is None
