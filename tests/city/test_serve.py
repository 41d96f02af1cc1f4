"""``jiangxin-desktop city serve`` as a county runs it: a process serving HTTPS with the city's certificate."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_city_serve_answers_over_https_until_interrupted(tmp_path, database_url):
    _serve_and_ask(tmp_path, database_url, workers=1)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_city_serve_with_two_worker_processes(tmp_path, database_url):
    _serve_and_ask(tmp_path, database_url, workers=2)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_several_workers_need_postgresql(tmp_path, database_url):
    city = tmp_path / "city"
    subprocess.run([sys.executable, "-m", "jiangxin_desktop", "city", "init", "--dir", str(city),
                    "--database", database_url], capture_output=True, timeout=120, check=True)
    refused = subprocess.run([sys.executable, "-m", "jiangxin_desktop", "city", "serve", "--dir", str(city),
                              "--workers", "2"], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "需要 PostgreSQL" in refused.stderr


def _serve_and_ask(tmp_path, database_url, *, workers: int) -> None:
    city = tmp_path / "city"
    made = subprocess.run([sys.executable, "-m", "jiangxin_desktop", "city", "init", "--dir", str(city),
                           "--database", database_url], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jiangxin_desktop", "city", "serve", "--dir", str(city), "--port", str(port),
         "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        pinned = ssl.create_default_context(cafile=str(city / "tls" / "cert.pem"))
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            try:
                answer = httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=pinned, timeout=5)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, process.stderr.read() if process.poll() is not None else "no answer"
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f"https://127.0.0.1:{port}" in out
