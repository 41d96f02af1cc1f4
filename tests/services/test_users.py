"""User accounts on a real encrypted database: hashing, log-in, lock-out, roles, history, audit."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text

from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.services.audit.trail import verify_chain
from jiangxin_desktop.services.security.passwords import (
    hash_password,
    needs_rehash,
    parse_hash,
    verify_password,
)
from jiangxin_desktop.services.security.users import (
    ROLE_LABELS,
    AccountDisabled,
    AccountLocked,
    AuthError,
    PermissionDenied,
    UserInfo,
    UserService,
    load_security_policy,
    require_role,
)
from jiangxin_desktop.store import migrate

SHIPPED = load_security_policy()
FAST = replace(SHIPPED, scrypt_n=2**10)  # the same rules, cheaper hashing for the tests
ADMIN_PW = "Station#2026"
CLERK_PW = "Clerk#2026"


@pytest.fixture
def users(accountless_context, clock) -> UserService:
    """Accounts on the conftest's fixed ``clock`` (``clock.advance`` moves it)."""
    return UserService(accountless_context.db, policy=FAST, clock=clock.now)


@pytest.fixture
def admin(users) -> UserInfo:
    return users.create_first_admin("Admin", "王站长", ADMIN_PW)


def make_user(users: UserService, admin: UserInfo, username: str, role: str) -> UserInfo:
    """A user who has logged in once and replaced the temporary password with CLERK_PW."""
    users.create_user(admin, username, f"{username} 姓名", role, "Temp#2026a")
    first = users.authenticate(username, "Temp#2026a")
    assert first.must_change_password
    return users.change_password(first, "Temp#2026a", CLERK_PW)


def audit_rows(ctx, action: str | None = None) -> list[dict]:
    sql = "SELECT actor, action, object_id, before_json, after_json FROM audit_event"
    with ctx.db.read() as s:
        rows = [dict(r._mapping) for r in s.execute(text(sql + " ORDER BY seq"))]
    return [r for r in rows if action is None or r["action"] == action]


def stored_hash(ctx, username: str) -> str:
    with ctx.db.read() as s:
        return s.execute(
            text("SELECT password_hash FROM app_user WHERE username = :u"), {"u": username}
        ).scalar_one()


# --- schema ------------------------------------------------------------------------------


def test_migration_head_is_current(demo_context):
    # (tests/store/test_migrations.py checks HEAD against Alembic's own head)
    assert migrate.current_revision(demo_context.db) == migrate.HEAD


# --- hashing -----------------------------------------------------------------------------


def test_hash_is_self_describing_scrypt_with_the_shipped_parameters(production_kdf):
    encoded = hash_password("Zhang#2026", SHIPPED)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "32768", "8", "1")
    parsed = parse_hash(encoded)
    assert parsed is not None and len(parsed.salt) == 16 and len(parsed.digest) == 32
    assert verify_password("Zhang#2026", encoded)
    assert not verify_password("zhang#2026", encoded)
    assert not verify_password("", encoded)
    assert hash_password("Zhang#2026", SHIPPED) != encoded  # a fresh salt each time
    assert not needs_rehash(encoded, SHIPPED) and needs_rehash(encoded, FAST)


def test_fullwidth_typing_is_the_same_password():
    assert verify_password("Ｚｈａｎｇ＃２０２６", hash_password("Zhang#2026", FAST))


@pytest.mark.parametrize(
    "bad",
    ["", "bcrypt$x", "scrypt$3$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!$AAAA", "scrypt$1073741824$8$1$AAAA$AAAA"],
)
def test_malformed_stored_hashes_never_match(bad):
    assert parse_hash(bad) is None
    assert not verify_password("anything", bad)


# --- first administrator, creating users -------------------------------------------------


def test_first_admin_only_once_and_username_is_case_insensitive(users, accountless_context):
    assert not users.has_users()
    admin = users.create_first_admin("  WangZhang ", "王站长", ADMIN_PW)
    assert (admin.username, admin.role, admin.role_label, admin.must_change_password) == (
        "wangzhang",
        "admin",
        "管理员",
        False,
    )
    assert users.has_users()
    assert users.authenticate("WANGZHANG", ADMIN_PW).uuid == admin.uuid
    with pytest.raises(KnownError, match="不能再创建首个管理员"):
        users.create_first_admin("other", "李四", ADMIN_PW)
    with pytest.raises(ValidationError, match="已被使用"):
        users.create_user(admin, "WangZhang", "另一个", "clerk", CLERK_PW)


def test_new_account_input_is_validated_before_writing(users, admin, accountless_context):
    before = len(audit_rows(accountless_context))
    with pytest.raises(ValidationError) as info:
        users.create_user(admin, "1x", "", "boss", "short")
    fields = {e.field for e in info.value.errors}
    assert fields == {"用户名", "姓名", "角色", "密码"}
    assert "short" not in info.value.message
    assert len(audit_rows(accountless_context)) == before
    assert [u.username for u in users.list_users(admin)] == ["admin"]


def test_created_user_must_change_the_temporary_password(users, admin):
    clerk = users.create_user(admin, "Clerk1", "张经办", "clerk", "Temp#2026a")
    assert clerk.must_change_password and clerk.username == "clerk1"
    session = users.authenticate("clerk1", "Temp#2026a")
    with pytest.raises(PermissionDenied, match="请先修改临时密码"):
        require_role(session, "clerk", action="登记学员")
    changed = users.change_password(session, "Temp#2026a", CLERK_PW)
    assert not changed.must_change_password
    require_role(changed, "clerk", action="登记学员")
    assert users.authenticate("clerk1", CLERK_PW).must_change_password is False


# --- log-in and lock-out -----------------------------------------------------------------


def test_wrong_password_and_unknown_user_get_the_same_message(users, admin):
    with pytest.raises(AuthError) as wrong:
        users.authenticate("admin", "Wrong#2026")
    with pytest.raises(AuthError) as unknown:
        users.authenticate("nobody", "Wrong#2026")
    assert wrong.value.message.startswith("用户名或密码不正确")
    assert unknown.value.message.startswith("用户名或密码不正确")
    assert wrong.value.remaining == 4 and "再输错 4 次" in wrong.value.message
    assert (unknown.value.message, unknown.value.remaining) == (wrong.value.message, 4)
    assert "Wrong#2026" not in wrong.value.message + unknown.value.message


def test_lock_out_does_not_tell_whether_a_name_exists(users, admin, clock, accountless_context):
    """The same attempts on an account and on a name without one give the same refusals,
    the same lock and the same words (the name aside), also after a restart."""

    def attempts(service: UserService, name: str) -> list[tuple[str, str, int | None]]:
        seen = []
        for _ in range(FAST.max_failed_logins + 2):
            with pytest.raises(AuthError) as info:
                service.authenticate(name, "Wrong#2026")
            refusal = info.value
            seen.append((type(refusal).__name__, refusal.message.replace(name, "NAME"), refusal.remaining))
        return seen

    make_user(users, admin, "clerk1", "clerk")
    real, ghost = attempts(users, "clerk1"), attempts(users, "ghost1")
    assert real == ghost
    assert real[-1][0] == "AccountLocked" and "锁定" in real[-1][1]
    restarted = UserService(accountless_context.db, policy=FAST, clock=clock.now)
    with pytest.raises(AccountLocked):
        restarted.authenticate("GHOST1", "Wrong#2026")  # names are case-insensitive here too
    clock.advance(minutes=FAST.lock_minutes, seconds=1)
    with pytest.raises(AuthError) as after:
        restarted.authenticate("ghost1", "Wrong#2026")
    assert after.value.remaining == FAST.max_failed_logins - 1
    with accountless_context.db.read() as s:
        stored = " ".join(str(v) for row in s.execute(text("SELECT * FROM login_throttle")) for v in row)
    assert "ghost1" not in stored  # only a digest of the name


def test_every_refusal_costs_one_password_check(users, admin, monkeypatch):
    """Unknown name, wrong password and a locked account take the same scrypt work (timing)."""
    from jiangxin_desktop.services.security import passwords

    make_user(users, admin, "clerk1", "clerk")
    fresh = UserService(users.db, policy=FAST, clock=users._clock)
    calls: list[int] = []
    real_kdf = passwords._kdf
    monkeypatch.setattr(passwords, "_kdf", lambda *a: calls.append(1) or real_kdf(*a))

    def cost(name: str) -> int:
        calls.clear()
        with pytest.raises(AuthError):
            fresh.authenticate(name, "Wrong#2026")
        return len(calls)

    assert cost("nobody") == 1  # the first unknown name in a fresh program, too
    assert cost("clerk1") == 1
    for _ in range(FAST.max_failed_logins):
        cost("clerk1")
    assert cost("clerk1") == 1  # locked: still checks the password


def test_five_failures_lock_then_the_lock_runs_out(users, admin, clock, accountless_context):
    clerk = make_user(users, admin, "clerk1", "clerk")
    for remaining in (4, 3, 2, 1):
        with pytest.raises(AuthError) as info:
            users.authenticate("clerk1", "Wrong#2026")
        assert not isinstance(info.value, AccountLocked) and info.value.remaining == remaining
    with pytest.raises(AccountLocked) as fifth:
        users.authenticate("clerk1", "Wrong#2026")
    until = clock.now() + timedelta(minutes=15)
    assert fifth.value.locked_until == until
    assert until.astimezone().strftime("%H:%M") in fifth.value.message
    assert "管理员" in fifth.value.message
    # The sixth attempt, with the RIGHT password, is refused while the lock lasts ...
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):
        users.authenticate("clerk1", CLERK_PW)
    # ... the lock and the count survive a restart of the program (they are in the database) ...
    restarted = UserService(accountless_context.db, policy=FAST, clock=clock.now)
    with pytest.raises(AccountLocked):
        restarted.authenticate("clerk1", CLERK_PW)
    # ... and after 15 minutes it works and the count starts again.
    clock.advance(seconds=1)
    assert restarted.authenticate("clerk1", CLERK_PW).uuid == clerk.uuid
    with pytest.raises(AuthError) as again:
        restarted.authenticate("clerk1", "Wrong#2026")
    assert again.value.remaining == 4


def test_success_resets_the_failure_count(users, admin):
    for _ in range(4):
        with pytest.raises(AuthError):
            users.authenticate("admin", "Wrong#2026")
    users.authenticate("admin", ADMIN_PW)
    with pytest.raises(AuthError) as info:
        users.authenticate("admin", "Wrong#2026")
    assert info.value.remaining == 4


def test_administrator_unlocks_early(users, admin):
    make_user(users, admin, "clerk1", "clerk")
    for _ in range(5):
        with pytest.raises(AuthError):
            users.authenticate("clerk1", "Wrong#2026")
    with pytest.raises(AccountLocked):
        users.authenticate("clerk1", CLERK_PW)
    users.unlock(admin, "CLERK1")
    assert users.authenticate("clerk1", CLERK_PW).username == "clerk1"
    with pytest.raises(KnownError, match="没有被锁定"):
        users.unlock(admin, "clerk1")


def test_deactivated_user_is_refused_and_told_only_with_the_right_password(users, admin):
    make_user(users, admin, "clerk1", "clerk")
    users.deactivate(admin, "clerk1")
    with pytest.raises(AuthError) as wrong:
        users.authenticate("clerk1", "Wrong#2026")
    assert not isinstance(wrong.value, AccountDisabled)
    with pytest.raises(AccountDisabled, match="已停用"):
        users.authenticate("clerk1", CLERK_PW)
    users.reactivate(admin, "clerk1")
    assert users.authenticate("clerk1", CLERK_PW).active


def test_a_changed_policy_rehashes_at_the_next_login(production_kdf, users, admin, accountless_context):
    assert stored_hash(accountless_context, "admin").startswith("scrypt$1024$")
    stronger = UserService(accountless_context.db, policy=replace(FAST, scrypt_n=2**11))
    stronger.authenticate("admin", ADMIN_PW)
    assert stored_hash(accountless_context, "admin").startswith("scrypt$2048$")
    assert users.authenticate("admin", ADMIN_PW).username == "admin"


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_admin_operations_are_refused_for_other_roles(users, admin, role):
    other = make_user(users, admin, "someone", role)
    operations = [
        ("新建用户", lambda: users.create_user(other, "x.new", "新人", "clerk", CLERK_PW)),
        ("重置密码", lambda: users.reset_password(other, "admin", "Reset#2026")),
        ("解锁账户", lambda: users.unlock(other, "admin")),
        ("停用账户", lambda: users.deactivate(other, "admin")),
        ("恢复账户", lambda: users.reactivate(other, "admin")),
        ("查看用户列表", lambda: users.list_users(other)),
    ]
    for action, call in operations:
        with pytest.raises(PermissionDenied) as info:
            call()
        assert action in info.value.message and "管理员" in info.value.message
        assert ROLE_LABELS[role] in info.value.message
        assert info.value.roles == ("admin",)


def test_forged_snapshot_is_checked_against_the_database(users, admin):
    clerk = make_user(users, admin, "clerk1", "clerk")
    forged = replace(clerk, role="admin")
    with pytest.raises(PermissionDenied, match="经办人"):
        users.create_user(forged, "x.new", "新人", "clerk", CLERK_PW)


def test_require_role_names_the_action_and_the_roles_needed():
    user = UserInfo("u", "zhang", "张三", "clerk", True, False, None)
    require_role(user, "clerk", "admin", action="登记学员")
    with pytest.raises(PermissionDenied) as info:
        require_role(user, "reviewer", "admin", action="审核补贴")
    assert info.value.message.startswith("“审核补贴”需要审核人或管理员权限")
    with pytest.raises(PermissionDenied, match="已停用"):
        require_role(replace(user, active=False), "clerk", action="登记学员")
    with pytest.raises(ValueError):
        require_role(user, "boss", action="x")


def test_cannot_deactivate_the_last_admin_or_oneself(users, admin):
    with pytest.raises(KnownError, match="最后一个在用的管理员"):
        users.deactivate(admin, "admin")
    second = make_user(users, admin, "admin2", "admin")
    with pytest.raises(KnownError, match="不能停用自己"):
        users.deactivate(admin, "admin")
    users.deactivate(second, "admin")
    with pytest.raises(PermissionDenied, match="已停用"):
        users.list_users(admin)  # the first admin's session snapshot is stale now
    with pytest.raises(KnownError, match="最后一个在用的管理员"):
        users.deactivate(second, "admin2")
    assert {u.username: u.active for u in users.list_users(second)} == {"admin": False, "admin2": True}


# --- passwords ---------------------------------------------------------------------------


def test_password_history_refuses_the_last_three(users, admin):
    session = users.change_password(admin, ADMIN_PW, "Second#2026")
    session = users.change_password(session, "Second#2026", "Third#2026")
    with pytest.raises(ValidationError, match="不能与原密码相同"):
        users.change_password(session, "Third#2026", "Third#2026")  # the current one
    for reused in (ADMIN_PW, "Second#2026"):  # and the two before it
        with pytest.raises(ValidationError, match="不能与最近 3 次使用过的密码相同"):
            users.change_password(session, "Third#2026", reused)
    session = users.change_password(session, "Third#2026", "Fourth#2026")
    users.change_password(session, "Fourth#2026", ADMIN_PW)  # three changes ago: allowed again
    assert users.authenticate("admin", ADMIN_PW).uuid == admin.uuid
    with users.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM password_history")).scalar() == 3  # only 3 kept


def test_new_password_must_follow_the_rules_and_differ(users, admin):
    with pytest.raises(ValidationError, match="不能与原密码相同"):
        users.change_password(admin, ADMIN_PW, ADMIN_PW)
    with pytest.raises(ValidationError, match="至少 8 个字符"):
        users.change_password(admin, ADMIN_PW, "Ab1!")
    with pytest.raises(ValidationError, match="不能包含用户名"):
        users.change_password(admin, ADMIN_PW, "Admin#2027")


def test_wrong_old_password_counts_towards_the_lock(users, admin):
    for _ in range(4):
        with pytest.raises(AuthError, match="原密码不正确"):
            users.change_password(admin, "Wrong#2026", "Fresh#2026")
    with pytest.raises(AccountLocked):
        users.change_password(admin, "Wrong#2026", "Fresh#2026")
    with pytest.raises(AccountLocked):
        users.authenticate("admin", ADMIN_PW)


def test_reset_sets_a_temporary_password_and_lifts_the_lock(users, admin):
    make_user(users, admin, "clerk1", "clerk")
    for _ in range(5):
        with pytest.raises(AuthError):
            users.authenticate("clerk1", "Wrong#2026")
    users.reset_password(admin, "clerk1", "Reset#2026")
    session = users.authenticate("clerk1", "Reset#2026")
    assert session.must_change_password
    with pytest.raises(ValidationError, match="最近 3 次"):
        users.change_password(session, "Reset#2026", CLERK_PW)  # the password before the reset
    with pytest.raises(KnownError, match="修改密码"):
        users.reset_password(admin, "admin", "Reset#2026")
    with pytest.raises(ValidationError, match="临时密码"):
        users.reset_password(admin, "clerk1", "weak")


# --- audit -------------------------------------------------------------------------------


def test_audit_events_without_passwords_or_hashes(users, admin, accountless_context):
    make_user(users, admin, "clerk1", "clerk")
    with pytest.raises(AuthError):
        users.authenticate("nobody", "Typo#2026")
    for _ in range(5):
        with pytest.raises(AuthError):
            users.authenticate("clerk1", "Wrong#2026")
    with pytest.raises(AccountLocked):
        users.authenticate("clerk1", CLERK_PW)
    users.unlock(admin, "clerk1")
    users.reset_password(admin, "clerk1", "Reset#2026")
    users.deactivate(admin, "clerk1")

    created = audit_rows(accountless_context, "user.create")
    assert [(r["actor"], json.loads(r["after_json"])["username"]) for r in created] == [
        ("admin", "admin"),
        ("admin", "clerk1"),
    ]
    failed = audit_rows(accountless_context, "login.failed")
    assert failed[0]["actor"] == "unknown" and json.loads(failed[0]["after_json"]) == {
        "reason": "unknown_user",
        "failed_attempts": 1,
        "remaining": 4,
    }
    assert [json.loads(r["after_json"])["remaining"] for r in failed[1:]] == [4, 3, 2, 1, 0]
    locked = audit_rows(accountless_context, "login.locked")
    assert len(locked) == 1 and locked[0]["actor"] == "clerk1"
    assert json.loads(audit_rows(accountless_context, "login.refused")[0]["after_json"])["reason"] == "locked"
    for action in (
        "login.ok",
        "user.password_change",
        "user.unlock",
        "user.password_reset",
        "user.deactivate",
    ):
        assert audit_rows(accountless_context, action), action

    with accountless_context.db.read() as s:
        hashes = [h for (h,) in s.execute(text("SELECT password_hash FROM app_user"))]
        hashes += [h for (h,) in s.execute(text("SELECT password_hash FROM password_history"))]
    secrets = {*hashes, ADMIN_PW, CLERK_PW, "Temp#2026a", "Wrong#2026", "Typo#2026", "Reset#2026"}
    secrets |= {h.split("$")[-1] for h in hashes} | {h.split("$")[-2] for h in hashes}  # digests, salts
    dump = json.dumps(audit_rows(accountless_context), ensure_ascii=False)
    assert "password_hash" not in dump
    assert [s for s in secrets if s in dump] == []
    assert verify_chain(accountless_context.db).ok
