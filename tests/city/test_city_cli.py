"""The city's commands end to end: init, enroll-station, USB import, publish-catalog, status."""

from __future__ import annotations

import json

from jiangxin_desktop.cli.main import main
from jiangxin_desktop.protocol.batch import BATCH, CATALOG, RECEIPT, read_enrolment, read_receipt
from tests.city.kit import Station, city_verify, session_record


def _run(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1]) if out else {}


def test_the_usb_path_from_the_command_line(tmp_path, capsys, database_url):
    city = tmp_path / "city"
    code, made = _run(capsys, "city", "init", "--dir", str(city), "--database", database_url,
                      "--host", "localhost", "city.lyg.example", "--host", "127.0.0.1")
    assert code == 0 and made["tls_hosts"] == ["localhost", "city.lyg.example", "127.0.0.1"]
    code, refused = _run(capsys, "city", "init", "--dir", str(city))
    assert code == 2 and "已经有一个市级接收端" in refused["error"]

    enrolment_file = tmp_path / "enrol-320706001.json"
    code, issued = _run(capsys, "city", "enroll-station", "--dir", str(city), "--station", "320706001",
                        "--out", str(enrolment_file))
    assert code == 0 and enrolment_file.stat().st_mode & 0o077 == 0
    station = Station("320706001", read_enrolment(enrolment_file.read_bytes()))
    assert issued["enrolment_id"] == station.enrolment.enrolment_id

    # the station's export: registration and two batches
    usb = tmp_path / "usb"
    folder = usb / "jiangxin-sync" / station.code
    (folder / "batches").mkdir(parents=True)
    (folder / "registration.jwe").write_text(station.registration(), encoding="ascii")
    ids = []
    for _ in range(2):
        batch_id, document, sealed = station.next_batch([session_record(station.code) for _ in range(3)])
        (folder / "batches" / f"{station.sequence + 1:08d}-{batch_id}.jwe").write_text(sealed)
        station.advance(document)
        ids.append(batch_id)

    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"occupations": [{"code": "4-10-01-01", "name": "育婴员"}]}), encoding="utf-8")
    assert _run(capsys, "city", "publish-catalog", "--dir", str(city), str(catalog), "--version", "2")[0] == 0
    code, lower = _run(capsys, "city", "publish-catalog", "--dir", str(city), str(catalog), "--version", "1")
    assert code == 2 and "不高于已发布的版本 2" in lower["error"]

    code, imported = _run(capsys, "city", "import", "--dir", str(city), str(usb))
    assert code == 0, imported
    assert imported["stations"] == [{"station_code": station.code, "registered": True, "accepted": ids,
                                     "rejected": [], "refused": [], "decisions": True}]
    assert imported["catalog_version"] == "2"
    receipts = {p.stem: p.read_text() for p in (folder / "receipts").glob("*.jws")}
    assert sorted(receipts) == sorted(ids)
    assert {read_receipt(city_verify(station.enrolment, r, RECEIPT)).status for r in receipts.values()} == \
        {"accepted"}
    assert json.loads(city_verify(station.enrolment, (folder / "registered.jws").read_text(),
                                  "jiangxin.registered"))["key_id"] == station.kid
    served = json.loads(city_verify(station.enrolment, (usb / "jiangxin-sync" / "catalog.jws").read_text(),
                                    CATALOG))
    assert served["version"] == "2" and json.loads(served["catalog_json"])["occupations"][0]["name"] == "育婴员"

    # the same stick again: the same receipts, nothing stored twice
    assert _run(capsys, "city", "import", "--dir", str(city), str(usb))[0] == 0
    assert {p.stem: p.read_text() for p in (folder / "receipts").glob("*.jws")} == receipts

    # a batch out of order is refused; the refusal is reported, the command says so by its status
    batch_id, document = station.document([session_record(station.code)], sequence=5)
    (folder / "batches" / f"00000005-{batch_id}.jwe").write_text(station.seal(document, BATCH))
    code, partly = _run(capsys, "city", "import", "--dir", str(city), str(usb))
    assert code == 1 and partly["stations"][0]["refused"][0]["error"] == "sequence_gap"

    code, refused = _run(capsys, "city", "init", "--dir", str(tmp_path / "second"), "--database", database_url)
    assert code == 2 and "已有 1 个服务站的数据" in refused["error"] and not (tmp_path / "second").exists()

    code, status = _run(capsys, "city", "status", "--dir", str(city))
    assert code == 0
    assert [(s["station_code"], s["registered"], s["last_sequence"], s["batches"], s["rows"])
            for s in status["stations"]] == [(station.code, True, 2, 2, 6)]
    code, listed = _run(capsys, "city", "batches", "--dir", str(city), "--station", station.code)
    assert [(b["batch_id"], b["sequence"], b["status"], b["records"], b["accepted"]) for b in listed["batches"]] \
        == [(ids[1], 2, "accepted", 3, 3), (ids[0], 1, "accepted", 3, 3)]
    code, log = _run(capsys, "city", "log", "--dir", str(city))
    assert {"enrolment.issued", "station.registered", "catalog.published", "batch.refused"} <= \
        {e["kind"] for e in log["entries"]}


def test_a_folder_that_is_not_a_city(tmp_path, capsys):
    code, refused = _run(capsys, "city", "status", "--dir", str(tmp_path))
    assert code == 2 and "不是市级接收端文件夹" in refused["error"]


def test_a_write_protected_stick_is_said_in_words_and_nothing_is_lost(tmp_path, capsys):
    import os

    city = tmp_path / "city"
    assert _run(capsys, "city", "init", "--dir", str(city))[0] == 0
    enrolment_file = tmp_path / "enrol.json"
    _run(capsys, "city", "enroll-station", "--dir", str(city), "--station", "320706001", "--out", str(enrolment_file))
    station = Station("320706001", read_enrolment(enrolment_file.read_bytes()))
    folder = tmp_path / "usb" / "jiangxin-sync" / station.code
    folder.mkdir(parents=True)
    (folder / "registration.jwe").write_text(station.registration(), encoding="ascii")
    os.chmod(folder, 0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: make the target a file instead
            os.chmod(folder, 0o755)
            (folder / "registered.jws.tmp").mkdir()
        code, refused = _run(capsys, "city", "import", "--dir", str(city), str(tmp_path / "usb"))
    finally:
        os.chmod(folder, 0o755)
    assert code == 2 and "换好 U 盘后再导入一次" in refused["error"]
    if (folder / "registered.jws.tmp").is_dir():
        (folder / "registered.jws.tmp").rmdir()
    code, imported = _run(capsys, "city", "import", "--dir", str(city), str(tmp_path / "usb"))
    assert code == 0 and imported["stations"][0]["registered"] is True  # the same answer, written now
