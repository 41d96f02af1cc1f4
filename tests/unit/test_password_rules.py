"""Password, user-name and policy rules (pure)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from jiangxin_desktop.domain.passwords import (
    SecurityPolicy,
    character_classes,
    check_display_name,
    check_password,
    check_username,
    normalize_password,
    normalize_username,
    parse_security_policy,
)

POLICY = SecurityPolicy()
SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "catalogs" / "security.json"


def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_shipped_policy_has_the_agreed_numbers():
    policy = parse_security_policy(shipped())
    assert (policy.min_length, policy.min_character_classes, policy.history) == (8, 3, 3)
    assert (policy.max_failed_logins, policy.lock_minutes, policy.idle_lock_minutes) == (5, 15, 15)
    assert (policy.scrypt_n, policy.scrypt_r, policy.scrypt_p) == (2**15, 8, 1)
    assert replace(policy, version="") == POLICY  # the dataclass defaults agree with the file


@pytest.mark.parametrize(
    "password",
    [
        "Abcdef12",
        "abcdef1!",
        "ABCDEF1!",
        "Zhang#2026",
        "连云港Lyg2026",
        "Ａｂｃｄｅｆ１２",
        "correct horse 9",
    ],
)
def test_acceptable_passwords(password):
    assert check_password(password, POLICY, "zhangsan") == []


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("", "请输入密码"),
        ("Ab1!", "至少 8 个字符（现为 4 个）"),
        ("abcdefgh", "至少 3 类"),
        ("abcdefg1", "至少 3 类"),
        ("12345678", "至少 3 类"),
        ("Zhangsan#1", "不能包含用户名"),
        ("Abc\tdef12", "控制字符"),
        ("Ab1!" * 40, "不能超过 128 个字符"),
    ],
)
def test_rejected_passwords_say_why(password, fragment):
    problems = check_password(password, POLICY, "ZhangSan")
    assert any(fragment in p for p in problems), problems


def test_problems_never_repeat_the_password():
    secret = "zhangsan-secret"
    assert all(secret not in p for p in check_password(secret, POLICY, "zhangsan"))


def test_repeated_characters_are_refused_under_a_lax_policy():
    lax = replace(POLICY, min_character_classes=1)
    assert check_password("aaaaaaaa", lax) == ["不能由一两个字符重复组成"]
    assert check_password("abababab", lax) == ["不能由一两个字符重复组成"]
    assert check_password("abcdefgh", lax) == []


def test_two_classes_suffice_when_configured():
    policy = replace(POLICY, min_character_classes=2)
    assert check_password("abcdef12", policy) == []


def test_character_classes_and_fullwidth_normalisation():
    assert character_classes("aA1!") == 4
    assert character_classes("汉字abc") == 2  # 汉字 count as "other"
    assert normalize_password("Ａｂｃ１２３") == "Abc123"  # full-width input method


@pytest.mark.parametrize(
    ("raw", "normalised", "ok"),
    [
        ("ZhangSan", "zhangsan", True),
        ("  hz.clerk1 ", "hz.clerk1", True),
        ("ｚｈａｎｇ", "zhang", True),
        ("ab", "ab", False),
        ("1abc", "1abc", False),
        ("zhang san", "zhang san", False),
        ("张三", "张三", False),
        ("", "", False),
    ],
)
def test_usernames(raw, normalised, ok):
    assert normalize_username(raw) == normalised
    assert (check_username(normalised) is None) is ok


def test_display_names():
    assert check_display_name("张三") is None
    assert check_display_name("") == "请填写姓名"
    assert "公式" in (check_display_name("=HYPERLINK()") or "")
    assert "30" in (check_display_name("张" * 31) or "")


def test_policy_values_are_bounded():
    data = shipped()
    data["password"]["min_length"] = 6  # below 等保's minimum
    with pytest.raises(ValueError, match=r"password\.min_length = 6 超出允许范围 8–64"):
        parse_security_policy(data)
    data = shipped()
    data["login"]["max_failed_logins"] = "5"
    with pytest.raises(ValueError, match=r"login\.max_failed_logins 应为整数"):
        parse_security_policy(data)
    data = shipped()
    del data["session"]
    with pytest.raises(ValueError, match="缺少“session”"):
        parse_security_policy(data)
    data = shipped()
    data["password"]["max_length"] = 20
    data["password"]["min_length"] = 24
    with pytest.raises(ValueError, match="不能小于"):
        parse_security_policy(data)
    with pytest.raises(ValueError, match="版本号"):
        parse_security_policy({k: v for k, v in shipped().items() if k != "version"})
