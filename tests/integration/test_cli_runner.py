"""The in-process command line (cli_runner.run) gives what a real process gives, and leaves the
test process as it found it."""

from __future__ import annotations

import argparse
import os
import sys

import keyring
import pytest

from jiangxin_desktop import __version__
from tests.integration.cli_runner import run, run_process


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],  # argparse's SystemExit(0), text on stdout
        ["roster", "import", "-h"],  # help in Chinese, SystemExit(0)
        ["clas", "list"],  # a usage error: status 2, stderr only
        ["check-id", "320703198001010010", "3.20703E+17", "--json"],  # status 1, JSON lines
        ["status", "--data-dir", "{tmp}/empty", "--json"],  # a known error: status 2, both streams
    ],
    ids=["version", "help", "typo", "check-id", "no-database"],
)
def test_in_this_process_as_in_a_real_one(tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    inside, outside = run(*args), run_process(*args)
    assert (inside.returncode, inside.stdout, inside.stderr) == (
        outside.returncode,
        outside.stdout,
        outside.stderr,
    )
    assert inside.args == outside.args


def test_version_exits_0_through_systemexit():
    done = run("--version", user=None)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{__version__}\n", "")


def test_what_c_code_writes_to_stderr_is_captured_in_order(tmp_path):
    """SQLCipher and other libraries write to file descriptor 2, not to sys.stderr."""
    from tests.integration import cli_runner

    with cli_runner._as_a_process(cli_runner.cli_env(), None) as (out, err):
        print("first", file=sys.stderr)
        os.write(2, b"from C\n")
        print("last", file=sys.stderr)
        print("result")
    assert (out.text(), err.text()) == ("result\n", "first\nfrom C\nlast\n")


def test_the_test_process_is_left_as_it_was(tmp_path, memory_keyring):
    before = (
        dict(os.environ),
        keyring.get_keyring(),
        (sys.stdin, sys.stdout, sys.stderr),
        sys.argv,
        os.getcwd(),
        (argparse._, argparse.ngettext),  # type: ignore[attr-defined]
    )
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    failed = run("status", "--data-dir", "relative", env_extra={"JIANGXIN_EXTRA": "x"}, cwd=elsewhere)
    assert failed.returncode == 2 and "还没有数据库" in failed.stderr
    assert str(elsewhere / "relative") in failed.stderr  # the command ran in ``cwd``
    after = (
        dict(os.environ),
        keyring.get_keyring(),
        (sys.stdin, sys.stdout, sys.stderr),
        sys.argv,
        os.getcwd(),
        (argparse._, argparse.ngettext),  # type: ignore[attr-defined]
    )
    assert after == before and before[1] is memory_keyring
    assert "JIANGXIN_EXTRA" not in os.environ


def test_check_raises_like_subprocess(tmp_path):
    import subprocess

    with pytest.raises(subprocess.CalledProcessError) as info:
        run("status", "--data-dir", str(tmp_path / "none"), check=True)
    assert info.value.returncode == 2
