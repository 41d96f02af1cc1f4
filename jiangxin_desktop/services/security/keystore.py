"""The database key: random 256 bits, kept in the OS keyring or wrapped by a passphrase.

``key.json`` in the data directory says where the key is; it never holds the key in the
clear. With a keyring (Windows Credential Manager, macOS Keychain, Secret Service) it
names the keyring entry. Where no keyring backend exists (headless Linux raises
``NoKeyringError``) the key is wrapped with AES-256-GCM under a key derived from the
user's passphrase with scrypt; ``JIANGXIN_PASSPHRASE`` supplies it for unattended runs.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from jiangxin_desktop.errors import KnownError, PassphraseRequired, WrongKeyError
from jiangxin_desktop.files import write_private_atomic

KEYRING_SERVICE = "jiangxin-desktop"
PASSPHRASE_ENV = "JIANGXIN_PASSPHRASE"
MIN_PASSPHRASE = 8
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1  # 128 MiB, about 0.4 s here
KEY_BYTES = 32

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
        return self._read().get("scheme")

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
            raise KnownError(f"系统密钥环拒绝保存数据库密钥：{exc}。请解锁密钥环后重试。") from exc
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
                raise KnownError(f"无法从系统密钥环读取数据库密钥：{exc}。请解锁密钥环后重试。") from exc
            if not value:
                raise WrongKeyError(
                    "系统密钥环中找不到本数据库的密钥（可能换了电脑或系统用户）。"
                    "请用原来的系统用户登录，或由管理员从备份恢复。"
                )
            return bytes.fromhex(value)
        if data.get("scheme") == "passphrase":
            try:
                return unwrap_key(data, self._passphrase(False))
            except WrongKeyError:
                raise WrongKeyError("口令不正确，无法解锁数据库。请重新输入。") from None
        raise KnownError(f"密钥说明文件 {self.descriptor} 格式无法识别。")

    def discard(self) -> None:
        """Forget the key of a database that is being thrown away (keyring entry and file)."""
        if not self.exists():
            return
        data = self._read()
        if data.get("scheme") == "keyring":
            import keyring
            import keyring.errors

            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(data["service"], data["account"])
        self.descriptor.unlink(missing_ok=True)

    def _read(self) -> dict:
        try:
            return json.loads(self.descriptor.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise KnownError(f"无法读取密钥说明文件 {self.descriptor}：{exc}") from exc

    def _write(self, data: dict) -> None:
        write_private_atomic(self.descriptor, json.dumps(data, indent=2).encode())


def wrap_key(key: bytes, passphrase: str, *, purpose: bytes = b"jiangxin-db-key") -> dict:
    """The key encrypted under a passphrase: scrypt → AES-256-GCM (``purpose`` is bound in)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KnownError(f"口令太短：至少需要 {MIN_PASSPHRASE} 个字符。")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return {
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "wrapped": _b64(AESGCM(kek).encrypt(nonce, key, purpose)),
    }


def unwrap_key(data: dict, passphrase: str, *, purpose: bytes = b"jiangxin-db-key") -> bytes:
    kdf = data["kdf"]
    kek = _derive(passphrase, _unb64(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
    try:
        return AESGCM(kek).decrypt(_unb64(data["nonce"]), _unb64(data["wrapped"]), purpose)
    except InvalidTag:
        raise WrongKeyError("口令不正确，无法解锁。请重新输入。") from None


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
