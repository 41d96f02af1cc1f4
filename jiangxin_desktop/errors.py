"""Error kinds shared by every layer.

An environment problem (wrong passphrase, disk full, locked database, a database from a
newer version) is a :class:`KnownError`: it carries a message in Chinese for the user and
is shown as a plain dialog or a one-line CLI error. Anything else is a bug and gets the
crash dialog with a saved report.
"""

from __future__ import annotations

from dataclasses import dataclass


class KnownError(Exception):
    """An expected failure with a user-facing Chinese message."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class WrongKeyError(KnownError):
    """The database key or passphrase does not open the database."""


class PassphraseRequired(KnownError):
    """No passphrase was given where one is needed (no keyring on this machine)."""


class DatabaseTooNewError(KnownError):
    """The database was written by a newer version of the program."""


class DatabaseDamagedError(KnownError):
    """The key opens the database but its pages cannot be read (damaged on disk); nobody can
    log in, so a restore from a backup needs no login (the backup passphrase decides)."""


class StorageError(KnownError):
    """Disk full, locked or corrupt database, unreadable data directory."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(KnownError):
    """One or more fields are invalid; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        text = "；".join(f"{e.field}：{e.message}" for e in errors)
        super().__init__(text)
        self.errors = errors


class NotFoundError(KnownError):
    pass


class ConflictError(KnownError):
    """The row changed since it was read (version mismatch)."""


# --- the operating system's and the JSON parser's reasons, in Chinese --------------------

_OS_REASONS = {
    "ENOENT": "文件或文件夹不存在",
    "EACCES": "没有访问权限",
    "EPERM": "操作不被允许（没有权限）",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "磁盘配额已用完",
    "EROFS": "磁盘是只读的（U 盘可能有写保护）",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中有一段不是文件夹",
    "EEXIST": "已存在同名文件",
    "EBUSY": "文件正被其他程序占用",
    "ETXTBSY": "文件正被其他程序占用",
    "EIO": "读写出错（磁盘或 U 盘可能已损坏或被拔出）",
    "ENAMETOOLONG": "文件名或路径太长",
    "EMFILE": "打开的文件太多",
    "ENODEV": "设备不存在（U 盘可能已被拔出）",
    "ENXIO": "设备不存在（U 盘可能已被拔出）",
    "EINVAL": "文件名或参数无效",
    "EFBIG": "文件太大",
    "ELOOP": "路径中的链接形成了循环",
}


def describe_os_error(exc: OSError) -> str:
    """Why a file operation failed, in Chinese (Python's strerror is English)."""
    import errno

    name = errno.errorcode.get(exc.errno or -1)
    if name in _OS_REASONS:
        return _OS_REASONS[name]
    if getattr(exc, "winerror", None) == 32:  # Windows: file used by another process
        return _OS_REASONS["EBUSY"]
    return f"系统错误（代码 {exc.errno}）" if exc.errno else "系统错误"


def describe_json_error(exc: ValueError) -> str:
    """Where a JSON text is broken, in Chinese (json.JSONDecodeError or a decoding error)."""
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本"
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is not None and column is not None:
        return f"第 {line} 行第 {column} 列附近不符合 JSON 格式"
    return "不符合 JSON 格式"


def describe_error(exc: BaseException, fallback: str = "内容格式无法识别") -> str:
    """A reading or writing failure in Chinese: the OS's reason, where a JSON text is broken,
    a KnownError's own message, else ``fallback`` (never a library's English text)."""
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    if isinstance(exc, UnicodeDecodeError) or type(exc).__name__ == "JSONDecodeError":
        return describe_json_error(exc)  # type: ignore[arg-type]
    if isinstance(exc, KnownError):
        return exc.message
    return fallback
