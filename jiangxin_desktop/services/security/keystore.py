"""The database key: random 256 bits, kept in the OS keyring or wrapped by a passphrase.

``key.json`` in the data directory says where the key is; it never holds the key in the
clear. With a keyring (Windows Credential Manager, macOS Keychain, Secret Service) it
names the keyring entry. Where no keyring backend exists (headless Linux raises
``NoKeyringError``) the key is wrapped with AES-256-GCM under a key derived from the
user's passphrase with scrypt; ``JIANGXIN_PASSPHRASE`` supplies it for unattended runs.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from jiangxin_desktop.errors import KnownError, PassphraseRequired, WrongKeyError, describe_error
from jiangxin_desktop.files import write_private_atomic
from jiangxin_desktop.services.security.kdf_cost import scrypt_numbers

KEYRING_SERVICE = "jiangxin-desktop"
PASSPHRASE_ENV = "JIANGXIN_PASSPHRASE"
MIN_PASSPHRASE = 8
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1  # 128 MiB, about 0.4 s here
KEY_BYTES = 32
# What a key file (or a backup's wrapped key) may ask scrypt for: more would be a damaged or
# hostile file making the program allocate gigabytes (n=2^20, r=16: 2 GiB at most).
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**20, 16, 4
SALT_BYTES, NONCE_BYTES, WRAPPED_BYTES = 16, 12, KEY_BYTES + 16  # AES-GCM adds a 16-byte tag
RESTORE_ADVICE = (
    "数据库本身不受影响，请不要删除它。恢复办法：找到最近的备份（数据目录下的 backups 文件夹，"
    "或管理员设置的备份位置，如 U 盘），运行 jiangxin-desktop backup restore 备份文件.json，"
    "输入备份口令；备份中带有恢复所需的密钥，恢复时会重新写好密钥说明文件，当前数据库保留在 pre-restore 文件夹。"
)


class UnusableKeyError(KnownError):
    """The key this data directory names cannot open its database (missing, damaged or
    replaced key file); nobody can log in, so a restore from a backup needs no login."""


class KeyFileError(UnusableKeyError):
    """``key.json`` is missing parts, is not JSON, or asks for out-of-bounds scrypt numbers."""


class KeyMismatchError(UnusableKeyError):
    """The key was unlocked (right passphrase or keyring) but the database refuses it."""


class MalformedWrappedKey(KnownError):
    """A wrapped key (in key.json or a backup manifest) is not one this program wrote."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"密钥数据不完整或被改动：{problem}。")
        self.problem = problem

# Called with new=True when a passphrase is being chosen (ask twice), False to unlock.
PassphraseProvider = Callable[[bool], str]


def env_passphrase_provider(fallback: PassphraseProvider | None = None) -> PassphraseProvider:
    """Use JIANGXIN_PASSPHRASE when set, otherwise ask ``fallback``."""

    def provide(new: bool) -> str:
        value = os.environ.get(PASSPHRASE_ENV)
        if value:
            return value
        if fallback is None:
            raise PassphraseRequired(
                "本机没有系统密钥环，数据库密钥需要用口令保护。"
                f"请在提示时输入口令，或设置环境变量 {PASSPHRASE_ENV}。"
            )
        return fallback(new)

    return provide


class KeyStore:
    def __init__(self, descriptor: Path, passphrase: PassphraseProvider) -> None:
        self.descriptor = descriptor
        self._passphrase = passphrase

    def exists(self) -> bool:
        return self.descriptor.exists()

    @property
    def scheme(self) -> str | None:
        if not self.exists():
            return None
        return self._read()["scheme"]

    def create(self, key: bytes | None = None) -> bytes:
        """Store ``key`` (a new random one by default) in the keyring or else under a passphrase."""
        import keyring  # ~150 ms to import: only paid where the keyring is used
        import keyring.errors

        key = key or secrets.token_bytes(KEY_BYTES)
        account = f"database-{secrets.token_hex(8)}"
        try:
            keyring.set_password(KEYRING_SERVICE, account, key.hex())
        except (keyring.errors.NoKeyringError, keyring.errors.InitError):
            self._write({"format": 1, "scheme": "passphrase", **wrap_key(key, self._passphrase(True))})
        except keyring.errors.KeyringError as exc:
            raise KnownError(
                "系统密钥环拒绝保存数据库密钥。请解锁密钥环（或登录系统桌面）后重试。", detail=str(exc)
            ) from exc
        else:
            self._write({"format": 1, "scheme": "keyring", "service": KEYRING_SERVICE, "account": account})
        return key

    def load(self) -> bytes:
        data = self._read()
        if data.get("scheme") == "keyring":
            import keyring
            import keyring.errors

            try:
                value = keyring.get_password(data["service"], data["account"])
            except keyring.errors.KeyringError as exc:
                raise KnownError(
                    "无法从系统密钥环读取数据库密钥。请解锁密钥环（或登录系统桌面）后重试。", detail=str(exc)
                ) from exc
            if not value:
                raise UnusableKeyError(
                    "系统密钥环中找不到本数据库的密钥（可能换了电脑或系统用户）。"
                    "请用原来的系统用户登录本电脑后再打开；如仍不行：" + RESTORE_ADVICE
                )
            try:
                key = bytes.fromhex(value)
            except ValueError:
                key = b""
            if len(key) != KEY_BYTES:
                raise UnusableKeyError("系统密钥环中本数据库的密钥已被改动，无法使用。" + RESTORE_ADVICE)
            return key
        try:
            return unwrap_key(data, self._passphrase(False))
        except WrongKeyError:
            raise WrongKeyError("口令不正确，无法解锁数据库。请重新输入。") from None

    def discard(self) -> None:
        """Forget the key of a database that is being thrown away (keyring entry and file)."""
        if not self.exists():
            return
        try:
            data = self._read()
        except KeyFileError:  # a damaged file names no keyring entry worth deleting
            data = {}
        if data.get("scheme") == "keyring":
            import keyring
            import keyring.errors

            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(data["service"], data["account"])
        self.descriptor.unlink(missing_ok=True)

    def _read(self) -> dict:
        """The key file, checked strictly: a damaged or hostile one is a clear refusal."""
        try:
            raw = self.descriptor.read_bytes()
        except OSError as exc:
            raise KnownError(
                f"无法读取密钥说明文件 {self.descriptor}：{describe_error(exc)}。请检查该文件的权限。"
            ) from exc
        try:
            if len(raw) > 64 * 1024:
                raise MalformedWrappedKey("文件过大")
            try:
                data = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise MalformedWrappedKey("不是有效的 JSON 文本") from None
            if not isinstance(data, dict):
                raise MalformedWrappedKey("内容不是一个对象")
            if data.get("format") != 1:
                raise MalformedWrappedKey("format 应为 1")
            if data.get("scheme") == "keyring":
                for field in ("service", "account"):
                    value = data.get(field)
                    if not isinstance(value, str) or not 0 < len(value) <= 200:
                        raise MalformedWrappedKey(f"缺少 {field} 或其值不是文字")
            elif data.get("scheme") == "passphrase":
                check_wrapped(data)
            else:
                raise MalformedWrappedKey("scheme 应为 keyring 或 passphrase")
        except MalformedWrappedKey as exc:
            raise KeyFileError(
                f"密钥说明文件 {self.descriptor} 已损坏或被改动（{exc.problem}），无法解锁数据库。"
                + RESTORE_ADVICE
            ) from None
        return data

    def _write(self, data: dict) -> None:
        write_private_atomic(self.descriptor, json.dumps(data, indent=2).encode())


def wrap_key(key: bytes, passphrase: str, *, purpose: bytes = b"jiangxin-db-key") -> dict:
    """The key encrypted under a passphrase: scrypt → AES-256-GCM (``purpose`` is bound in)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KnownError(f"口令太短：至少需要 {MIN_PASSPHRASE} 个字符。")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    n, r, p = scrypt_numbers(SCRYPT_N, SCRYPT_R, SCRYPT_P)  # a smaller n in a test run only
    kek = _derive(passphrase, salt, n, r, p)
    return {
        "kdf": {"name": "scrypt", "n": n, "r": r, "p": p, "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "wrapped": _b64(AESGCM(kek).encrypt(nonce, key, purpose)),
    }


def unwrap_key(data: dict, passphrase: str, *, purpose: bytes = b"jiangxin-db-key") -> bytes:
    """The key from ``wrap_key``'s record; MalformedWrappedKey before any work when the record
    is not one this program wrote (wrong types, lengths, or scrypt numbers out of bounds)."""
    salt, nonce, wrapped = check_wrapped(data)
    kdf = data["kdf"]
    kek = _derive(passphrase, salt, kdf["n"], kdf["r"], kdf["p"])
    try:
        return AESGCM(kek).decrypt(nonce, wrapped, purpose)
    except InvalidTag:
        raise WrongKeyError("口令不正确，无法解锁。请重新输入。") from None


def check_wrapped(data: object) -> tuple[bytes, bytes, bytes]:
    """(salt, nonce, wrapped key) of a wrapped-key record, or MalformedWrappedKey saying what is wrong."""
    if not isinstance(data, dict):
        raise MalformedWrappedKey("密钥记录不是一个对象")
    kdf = data.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise MalformedWrappedKey("kdf 应为 scrypt 参数")
    for name, top in (("n", MAX_SCRYPT_N), ("r", MAX_SCRYPT_R), ("p", MAX_SCRYPT_P)):
        value = kdf.get(name)
        if type(value) is not int or not 1 <= value <= top:
            raise MalformedWrappedKey(f"scrypt 参数 {name} 应为 1 至 {top} 的整数")
    if kdf["n"] < 2 or kdf["n"] & (kdf["n"] - 1):
        raise MalformedWrappedKey("scrypt 参数 n 应为 2 的幂")
    if data.get("cipher", "AES-256-GCM") != "AES-256-GCM":
        raise MalformedWrappedKey("cipher 应为 AES-256-GCM")
    return (
        _field(kdf, "salt", SALT_BYTES),
        _field(data, "nonce", NONCE_BYTES),
        _field(data, "wrapped", WRAPPED_BYTES),
    )


def _field(record: dict, name: str, size: int) -> bytes:
    value = record.get(name)
    if not isinstance(value, str) or len(value) > 4 * size:
        raise MalformedWrappedKey(f"缺少 {name} 或其值不是文字")
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedWrappedKey(f"{name} 不是有效的 Base64") from None
    if len(decoded) != size:
        raise MalformedWrappedKey(f"{name} 应为 {size} 字节")
    return decoded


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
