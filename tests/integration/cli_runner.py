"""Running the command line in the tests: in this process (``run``) or as a real process
(``run_process``), with the same arguments and the same result, a ``CompletedProcess``.

``run`` calls ``jiangxin_desktop.cli.main.main(argv)`` as ``python -m jiangxin_desktop`` would,
with what a process would have of its own for the duration of the call and given back after:
the environment (``os.environ`` replaced as a whole), the keyring backend that environment
names (keyring's fail backend when it names none, as on a headless Linux machine), stdin
(``/dev/null``: never a terminal), stdout and stderr (file descriptors 1 and 2, so that what C
libraries such as SQLCipher print is captured too, in the order it is written), the working
directory, the umask, argparse's words (``install_chinese`` replaces them) and ``sys.argv``. A
``SystemExit`` (``--help``, ``--version``) becomes the exit status as it would in a process.

``run_process`` starts ``python -m jiangxin_desktop``: for what only a process shows (the exit
status through the interpreter, the entry point, a closed pipe, signals, the environment a
fresh process starts with). Tests use ``run`` unless the process itself is under test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.core

PASSPHRASE = "cli-test-passphrase"
PASSWORD = "Demo-pass-2025"
# Headless Linux has no keyring backend: keyring's fail backend makes the CLI take the
# passphrase path exactly as on such a machine.
FAIL_KEYRING = "keyring.backends.fail.Keyring"


def cli_env(env_extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The environment of a command-line run: this process's, the test passphrase and the demo
    password, no Qt platform, the fail keyring; then ``env_extra`` (a value of None removes)."""
    env = {**os.environ, "JIANGXIN_PASSPHRASE": PASSPHRASE, "JIANGXIN_PASSWORD": PASSWORD}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHON_KEYRING_BACKEND"] = FAIL_KEYRING
    for name, value in (env_extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _argv(args: tuple[str, ...], user: str | None) -> list[str]:
    return [*(["--user", user] if user else []), *map(str, args)]


def run(
    *args: str,
    env_extra: Mapping[str, str | None] | None = None,
    check: bool = False,
    user: str | None = "clerk",
    cwd: str | Path | None = None,
) -> subprocess.CompletedProcess:
    """The program as a script runs it, as the demo user ``user`` (password from the environment),
    called in this process. ``user=None`` gives no ``--user``."""
    argv = _argv(args, user)
    with _as_a_process(cli_env(env_extra), cwd) as (out, err):
        code = _main(argv)
    result = subprocess.CompletedProcess(
        [sys.executable, "-m", "jiangxin_desktop", *argv], code, out.text(), err.text()
    )
    if check:
        result.check_returncode()
    return result


def run_process(
    *args: str,
    env_extra: Mapping[str, str | None] | None = None,
    check: bool = False,
    user: str | None = "clerk",
    cwd: str | Path | None = None,
) -> subprocess.CompletedProcess:
    """The same as :func:`run`, in a real ``python -m jiangxin_desktop`` process."""
    return subprocess.run(
        [sys.executable, "-m", "jiangxin_desktop", *_argv(args, user)],
        capture_output=True,
        text=True,
        env=cli_env(env_extra),
        cwd=cwd,
        check=check,
        timeout=120,
        stdin=subprocess.DEVNULL,  # never a terminal: a missing password is an error, not a prompt
    )


def _main(argv: list[str]) -> int:
    from jiangxin_desktop.cli.main import main

    try:
        code = main(argv)
    except SystemExit as done:  # what the interpreter makes of it at the end of a process
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return code


class _Captured:
    """A file that takes over file descriptor ``fd`` while the command runs."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.file = tempfile.TemporaryFile()
        self._saved: int | None = None
        self._stream: io.TextIOWrapper | None = None

    def start(self) -> io.TextIOWrapper:
        self._saved = os.dup(self.fd)
        os.dup2(self.file.fileno(), self.fd)
        # UTF-8 and "\n" as Python writes to a pipe on Linux; line-buffered like stderr.
        self._stream = open(  # noqa: SIM115 (closed in stop)
            self.fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1
        )
        return self._stream

    def stop(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError, ValueError):
                self._stream.close()  # flushes; the descriptor stays open (closefd=False)
            self._stream = None
        if self._saved is not None:
            os.dup2(self._saved, self.fd)
            os.close(self._saved)
            self._saved = None

    def text(self) -> str:
        self.file.seek(0)
        data = self.file.read()
        self.file.close()
        return data.decode("utf-8", errors="replace")


@contextlib.contextmanager
def _as_a_process(env: dict[str, str], cwd: str | Path | None) -> Iterator[tuple[_Captured, _Captured]]:
    saved_env = dict(os.environ)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_argv = sys.argv
    saved_keyring = keyring.get_keyring()
    saved_words = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    saved_cwd = os.getcwd()
    saved_umask = os.umask(0o022)
    os.umask(saved_umask)
    for stream in saved_streams[1:]:
        stream.flush()
    out, err = _Captured(1), _Captured(2)
    stdin = open(os.devnull, encoding="utf-8")
    try:
        os.environ.clear()
        os.environ.update(env)
        keyring.set_keyring(keyring.core.load_keyring(env.get("PYTHON_KEYRING_BACKEND") or FAIL_KEYRING))
        if cwd is not None:
            os.chdir(cwd)
        sys.argv = ["jiangxin-desktop"]
        sys.stdin = stdin
        sys.stdout = out.start()
        sys.stderr = err.start()
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        err.stop()
        out.stop()
        stdin.close()
        sys.argv = saved_argv
        argparse._, argparse.ngettext = saved_words  # type: ignore[attr-defined]
        keyring.set_keyring(saved_keyring)
        os.chdir(saved_cwd)
        os.umask(saved_umask)
        os.environ.clear()
        os.environ.update(saved_env)
