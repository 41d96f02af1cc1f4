"""The city's folder: its settings, its private keys as PEM files, its TLS certificate.

Layout (``city init --dir C``)::

    C/                      0700
      city.json             0600  name, url, database URL (which may hold a password)
      keys/encryption.pem   0600  RSA 3072 (PKCS8): stations encrypt batches to it
      keys/signing.pem      0600  Ed25519 (PKCS8): signs receipts, acknowledgements, catalogs
      tls/key.pem           0600  the HTTPS server's key
      tls/cert.pem                self-signed, pinned by the stations
      city.sqlite3                the default database (one-machine pilot)

Loading refuses a folder or a private file that other users could read, saying which
``chmod`` fixes it: whoever reads ``keys/`` can read every batch and forge receipts.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from jiangxin_desktop.city import tls
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.envelope import ed25519_jwk, rsa_jwk

CONFIG = "city.json"
ENCRYPTION_KEY = "keys/encryption.pem"
SIGNING_KEY = "keys/signing.pem"
TLS_KEY = "tls/key.pem"
TLS_CERT = "tls/cert.pem"
PRIVATE = (CONFIG, ENCRYPTION_KEY, SIGNING_KEY, TLS_KEY)
DEFAULT_NAME = "连云港市人社局"
DEFAULT_URL = "https://127.0.0.1:8443"
RSA_BITS = 3072
POSIX = os.name == "posix"


@dataclass(frozen=True)
class City:
    """A loaded city folder: what the receiver and the commands need."""

    folder: Path
    name: str
    url: str
    database: str
    encryption_key: RSAPrivateKey
    signing_key: Ed25519PrivateKey
    certificate_pem: str

    @cached_property
    def encryption_jwk(self) -> dict[str, Any]:
        return rsa_jwk(self.encryption_key)

    @cached_property
    def signing_jwk(self) -> dict[str, Any]:
        return ed25519_jwk(self.signing_key)

    @property
    def encryption_kid(self) -> str:
        return str(self.encryption_jwk["kid"])

    @property
    def signing_kid(self) -> str:
        return str(self.signing_jwk["kid"])

    @property
    def tls_hosts(self) -> list[str]:
        return tls.certificate_hosts(self.certificate_pem.encode("ascii"))

    @property
    def tls_fingerprint(self) -> str:
        return tls.fingerprint(self.certificate_pem.encode("ascii"))

    @property
    def tls_key_path(self) -> Path:
        return self.folder / TLS_KEY

    @property
    def tls_cert_path(self) -> Path:
        return self.folder / TLS_CERT


def default_database(folder: Path) -> str:
    return f"sqlite:///{(folder / 'city.sqlite3').resolve()}"


def _write_private(path: Path, data: bytes) -> None:
    """Created 0600 from the start (never readable by others, not even for a moment)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    if POSIX:
        os.chmod(path, 0o600)


def init_city(folder: Path, *, name: str = DEFAULT_NAME, url: str = DEFAULT_URL,
              hosts: list[str] | None = None, database: str | None = None,
              now: datetime | None = None) -> City:
    """Create a city folder with new keys. Refuses a folder that already holds a city."""
    folder = Path(folder).absolute()
    if (folder / CONFIG).exists() or (folder / "keys").exists():
        raise CityError("city_exists", 409, f"{folder} already holds a city",
                        f"文件夹 {folder} 里已经有一个市级接收端（city.json 或 keys/）。"
                        "为免覆盖现有密钥（覆盖后所有服务站都要重新注册），请换一个空文件夹，"
                        "或先把旧文件夹移走。")
    if folder.exists() and any(folder.iterdir()):
        raise CityError("folder_not_empty", 409, f"{folder} is not empty",
                        f"文件夹 {folder} 不是空的。请指定一个新的或空的文件夹存放市级接收端。")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if POSIX:
            os.chmod(folder, 0o700)
        encryption = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        signing = Ed25519PrivateKey.generate()
        pkcs8 = serialization.PrivateFormat.PKCS8
        pem = serialization.Encoding.PEM
        none = serialization.NoEncryption()
        _write_private(folder / ENCRYPTION_KEY, encryption.private_bytes(pem, pkcs8, none))
        _write_private(folder / SIGNING_KEY, signing.private_bytes(pem, pkcs8, none))
        key_pem, cert_pem = tls.self_signed(list(hosts or tls.DEFAULT_HOSTS), name, now or datetime.now(UTC))
        _write_private(folder / TLS_KEY, key_pem)
        (folder / TLS_CERT).write_bytes(cert_pem)
        config = {"format": 1, "name": name, "url": url, "database": database or default_database(folder)}
        _write_private(folder / CONFIG, json.dumps(config, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:
        raise CityError("folder_unwritable", 500, f"cannot write {folder}: {exc}",
                        f"无法在 {folder} 建立市级接收端：{exc.strerror or exc}。请检查磁盘空间和文件夹权限。"
                        ) from None
    return load_city(folder)


def check_permissions(folder: Path) -> None:
    """Refuse a folder or private file others may read (POSIX only: Windows has ACLs instead)."""
    if not POSIX:
        return
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        raise CityError("unsafe_permissions", 500, f"{folder} has mode {mode:o}",
                        f"市级接收端文件夹 {folder} 的权限过宽（{mode:o}），其他用户可以进入读取私钥。"
                        f"请运行：chmod 700 {folder}")
    for relative in PRIVATE:
        path = folder / relative
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise CityError("unsafe_permissions", 500, f"{path} has mode {mode:o}",
                            f"私密文件 {path} 的权限过宽（{mode:o}），其他用户可以读取。"
                            f"请运行：chmod 600 {path}")


def _read(folder: Path, relative: str) -> bytes:
    path = folder / relative
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CityError("not_a_city", 404, f"{path} is missing",
                        f"{folder} 不是市级接收端文件夹（缺少 {relative}）。"
                        "请用 --dir 指定 city init 建立的文件夹。") from None
    except OSError as exc:
        raise CityError("folder_unreadable", 500, f"cannot read {path}: {exc}",
                        f"无法读取 {path}：{exc.strerror or exc}。请检查文件权限（应由本用户所有）。") from None


def load_city(folder: Path | str) -> City:
    folder = Path(folder).absolute()
    config_bytes = _read(folder, CONFIG)
    check_permissions(folder)
    try:
        config = json.loads(config_bytes)
        name, url, database = str(config["name"]), str(config["url"]), str(config["database"])
    except (ValueError, KeyError, TypeError):
        raise CityError("bad_config", 500, f"{folder / CONFIG} is not readable",
                        f"{folder / CONFIG} 内容不对（应有 name、url、database）。请检查或从备份恢复。") from None
    try:
        encryption = serialization.load_pem_private_key(_read(folder, ENCRYPTION_KEY), None)
        signing = serialization.load_pem_private_key(_read(folder, SIGNING_KEY), None)
    except (ValueError, TypeError):
        raise CityError("bad_key", 500, "a key file is unreadable",
                        f"{folder / 'keys'} 里的私钥文件已损坏或不是本程序写的。请从备份恢复 keys/ 文件夹。"
                        ) from None
    if not isinstance(encryption, RSAPrivateKey) or not isinstance(signing, Ed25519PrivateKey):
        raise CityError("bad_key", 500, "key files of the wrong kind",
                        f"{folder / 'keys'} 里的密钥类型不对（应为 RSA 加密密钥和 Ed25519 签名密钥）。")
    certificate = _read(folder, TLS_CERT).decode("ascii", errors="replace")
    return City(folder, name, url, database, encryption, signing, certificate)
