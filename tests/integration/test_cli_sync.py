"""Station ⇄ the real city receiver, from the command line only, as issue 17 describes it:
``city init``, ``city enroll-station``, ``sync enroll``, then over a USB folder (``sync export``,
``city import``, ``sync import-receipts``) and over HTTPS (``city serve``, ``sync now``), ending
with ``sync status --json`` showing nothing pending."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx

from jiangxin_desktop.services.demo.seed import id_with_check
from tests.integration.cli_runner import PASSWORD, cli_env, run
from tests.services.sync_city import city_keys  # noqa: F401  (fixture)

ADMIN = "boss"


def out(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def station(data: str, *args: str, user: str | None = ADMIN):
    return run(*args, "--data-dir", data, "--json", user=user, env_extra={"JIANGXIN_NEW_PASSWORD": PASSWORD})


def city_cli(*args: str):
    return run("city", *args, "--json", user=None)


def add_trainee(data: str, seq: int) -> None:
    out(station(data, "trainee", "add", "--name", "钱小满", "--id", id_with_check(f"32070619900101{seq:03d}"),
                "--phone", "13800000000", "--target-group", "31", "--evidence-type", "失业登记证",
                "--evidence-number", f"SY{seq}", "--consent"))


def set_up(tmp_path, url: str) -> tuple[str, str]:
    data, city = str(tmp_path / "station"), str(tmp_path / "city")
    out(station(data, "setup", "--county", "320706", "--station-name", "海州区新南街道服务站",
                "--station-code", "320706001", "--admin", ADMIN, user=None))
    out(city_cli("init", "--dir", city, "--name", "连云港市", "--url", url))
    enrolment = tmp_path / "注册文件.json"
    out(city_cli("enroll-station", "--dir", city, "--station", "320706001", "--out", str(enrolment)))
    refused = station(data, "sync", "enroll", str(enrolment), user=None)
    assert refused.returncode != 0 and "--user" in json.loads(refused.stdout)["error"]
    assert out(station(data, "sync", "enroll", str(enrolment)))["city_name"] == "连云港市"
    return data, city


def test_station_and_city_over_a_usb_folder(tmp_path):
    data, city = set_up(tmp_path, "https://127.0.0.1:8443")
    add_trainee(data, 101)
    add_trainee(data, 102)
    before = out(station(data, "sync", "status"))
    assert before["pending"] == 2 and not before["registered"]
    usb = tmp_path / "usb"
    usb.mkdir()
    exported = out(station(data, "sync", "export", "--to", str(usb)))
    assert exported["registration"] and exported["batches"] == 1
    assert out(station(data, "sync", "status"))["batches"]["sent"] == 1
    imported = out(city_cli("import", "--dir", city, str(usb)))
    assert imported["stations"][0]["registered"] and len(imported["stations"][0]["accepted"]) == 1
    answers = out(station(data, "sync", "import-receipts", str(usb)))
    assert answers["registered"] and answers["confirmed"] == 1 and answers["failed"] is None
    after = out(station(data, "sync", "status"))
    assert after["pending"] == 0 and after["registered"] and after["batches"]["confirmed"] == 1
    assert after["warnings"] == [] and after["last_success_at"]
    log = out(station(data, "sync", "log"))
    assert log[0]["summary"].startswith("第 1 批已确认：新收 2 条")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_station_and_city_over_https(tmp_path):
    port = _free_port()
    data, city = set_up(tmp_path, f"https://127.0.0.1:{port}")
    add_trainee(data, 101)
    down = station(data, "sync", "now")
    assert down.returncode == 1 and json.loads(down.stdout)["failed"].startswith("网络不通")
    server = subprocess.Popen(
        [sys.executable, "-m", "jiangxin_desktop", "city", "serve", "--dir", city, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**cli_env(), "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=False, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        add_trainee(data, 102)
        result = out(station(data, "sync", "now", "--force"))  # the batch that waited, and a new one
        assert result["registered"] and result["confirmed"] == 2 and result["failed"] is None
        add_trainee(data, 103)
        assert out(station(data, "sync", "now"))["confirmed"] == 1
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    status = out(station(data, "sync", "status"))
    assert status["pending"] == 0 and status["batches"]["confirmed"] == 3
    shown = out(city_cli("status", "--dir", city))
    assert "320706001" in json.dumps(shown)
    assert os.path.isdir(tmp_path / "station" / "sync" / "outgoing")


def test_review_retry_and_a_signed_catalog_from_the_command_line(tmp_path, city_keys):
    from tests.services.sync_city import CityState, answer_folder, enrolment_document
    from tests.services.test_sync_catalog import city_catalog

    city = CityState(city_keys)
    data = str(tmp_path / "station")
    out(station(data, "setup", "--county", "320706", "--station-name", "海州区新南街道服务站",
                "--station-code", "320706001", "--admin", ADMIN, user=None))
    out(station(data, "settings", "set", "sync.require_review", "true"))
    enrolment = tmp_path / "注册文件.json"
    enrolment.write_bytes(enrolment_document(city.keys, url="https://127.0.0.1:9", station="320706001"))
    out(station(data, "sync", "enroll", str(enrolment)))
    add_trainee(data, 101)
    usb = tmp_path / "usb"
    usb.mkdir()
    held = out(station(data, "sync", "export", "--to", str(usb)))
    assert held["batches"] == 0 and out(station(data, "sync", "status"))["batches"]["review"] == 1
    approved = out(station(data, "sync", "approve", "1"))
    assert approved["status_label"] == "待发送" and approved["approved_by"] == ADMIN
    assert out(station(data, "sync", "export", "--to", str(usb)))["batches"] == 1
    city.publish(city_catalog("2027.1"), 1)
    answer_folder(city, usb, "320706001")
    assert out(station(data, "sync", "import-receipts", str(usb)))["catalog_version"] == "1"
    assert out(station(data, "sync", "retry-failed")) == {"records": 0}
    stale = tmp_path / "old.jws"
    stale.write_text(city.catalogs[0][1])
    refused = station(data, "sync", "import-catalog", str(stale))
    assert refused.returncode != 0 and "不比本站已采用的 1 新" in json.loads(refused.stdout)["error"]
    newer = tmp_path / "catalog.jws"
    newer.write_text(city.publish(city_catalog("2027.2"), 2))
    assert out(station(data, "sync", "import-catalog", str(newer)))["version"] == "2"
    shown = run("catalog", "show", "--data-dir", data, "--json", user=None)
    assert json.loads(shown.stdout)["version"] == "2027.2"


def test_the_city_publishes_the_shipped_training_catalog_and_a_station_takes_it(tmp_path):
    """A real catalog holds decimals (出勤率 0.8): it is published as signed JSON text and the
    station installs it with every figure as it was (before: publish-catalog refused it)."""
    import json as _json

    from jiangxin_desktop.paths import resources_dir
    from jiangxin_desktop.protocol.batch import CATALOG
    from jiangxin_desktop.city.keys import load_city
    from jiangxin_desktop.envelope import verify

    city = tmp_path / "C"
    assert run("city", "init", "--dir", str(city), "--json").returncode == 0
    shipped = resources_dir() / "catalogs" / "training.json"
    published = run("city", "publish-catalog", "--dir", str(city), str(shipped), "--version", "2026.5", "--json")
    assert published.returncode == 0, published.stdout + published.stderr
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "jiangxin-sync").mkdir()
    imported = run("city", "import", "--dir", str(city), str(usb), "--json")
    assert _json.loads(imported.stdout)["catalog_version"] == "2026.5"
    loaded = load_city(city)
    token = (usb / "jiangxin-sync" / "catalog.jws").read_text()
    opened = verify(token, key_for_kid=lambda kid: loaded.signing_key.public_key(), typ=CATALOG)
    document = _json.loads(opened.document)
    catalog = _json.loads(document["catalog_json"])
    original = _json.loads(shipped.read_text(encoding="utf-8"))
    assert catalog == {**original, "version": "2026.5"}


def test_a_new_station_key_is_registered_again_and_old_batches_still_count(tmp_path):
    """Issue 17, point 1: re-enrolment after a key change, audited on both sides. A batch sealed
    with the old key before the change still goes through; new batches carry the new key."""
    data, city = set_up(tmp_path, "https://127.0.0.1:8443")
    usb = tmp_path / "usb"
    usb.mkdir()
    add_trainee(data, 101)
    out(station(data, "sync", "export", "--to", str(usb)))  # batch 1, old key, on the stick
    out(city_cli("import", "--dir", city, str(usb)))
    out(station(data, "sync", "import-receipts", str(usb)))
    add_trainee(data, 102)
    shutil.rmtree(usb / "jiangxin-sync")
    assert out(station(data, "sync", "export", "--to", str(usb)))["batches"] == 1  # batch 2, sealed with the old key
    old_key = out(station(data, "station", "show", user=None))["signing_key"]["key_id"]
    refused = station(data, "station", "rotate-key", "--reason", " ")
    assert refused.returncode != 0 and "原因" in json.loads(refused.stdout)["error"]
    rotated = out(station(data, "station", "rotate-key", "--reason", "备份 U 盘丢失"))
    assert rotated["old_key_id"] == old_key and rotated["key_id"] != old_key
    status = out(station(data, "sync", "status"))
    assert any("签名密钥已更换" in w for w in status["warnings"])
    add_trainee(data, 103)
    enrolment = tmp_path / "新注册文件.json"
    out(city_cli("enroll-station", "--dir", city, "--station", "320706001", "--out", str(enrolment)))
    out(station(data, "sync", "enroll", str(enrolment)))
    shutil.rmtree(usb / "jiangxin-sync")
    exported = out(station(data, "sync", "export", "--to", str(usb)))
    assert exported["registration"] and exported["batches"] == 2  # batch 2 (old key) and 3 (new key)
    imported = out(city_cli("import", "--dir", city, str(usb)))
    assert imported["stations"][0]["registered"] and len(imported["stations"][0]["accepted"]) == 2
    answers = out(station(data, "sync", "import-receipts", str(usb)))
    assert answers["registered"] and answers["confirmed"] == 2
    after = out(station(data, "sync", "status"))
    assert after["pending"] == 0 and after["warnings"] == []
    (record,) = out(city_cli("status", "--dir", city))["stations"]
    assert record["keys"] == 2 and record["last_sequence"] == 3 and record["rows"] == 3
    log = out(station(data, "audit", "list", "--action", "signing_key.rotate"))
    assert log and "备份 U 盘丢失" in json.dumps(log, ensure_ascii=False)
