"""Certificates from the command line: issue for the demo's finished class, verify a QR payload
with the database or with only the station's public key, revoke, reprint."""

from __future__ import annotations

import json

from tests.integration.cli_runner import run
from tests.integration.test_cli_classes import lines, out


def test_certificates_issue_verify_revoke_reprint(tmp_path):
    data = str(tmp_path / "d")

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", data, user=user)

    out(cli("demo", "--trainees", "30", "--json"))
    catalog = out(cli("catalog", "show", "--json", user="nobody"))
    assert catalog["verify_base_url"].startswith("https://")
    assert catalog["evaluation_bodies"][0]["filing_number"]
    (finished,) = lines(cli("class", "list", "--status", "finished", "--json"))
    code = finished["code"]

    missing = cli("certificate", "issue", "--json")
    assert missing.returncode == 2 and "缺少 --class（班级编号）" in json.loads(missing.stdout)["error"]
    refused = cli("certificate", "issue", "--class", code, "--json", user="reviewer")
    assert refused.returncode == 2 and "发放证书" in json.loads(refused.stdout)["error"]

    issued = out(cli("certificate", "issue", "--class", code, "--json"))
    assert issued["issued"] and all(s["reason"] == "考核不合格" for s in issued["skipped"])
    rare = next(c for c in issued["issued"] if c["trainee_name"] == "李玥")
    assert rare["trainee_id_number"] == "320706********0021"  # masked in everything printed
    numbers = [c["number"] for c in issued["issued"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    listed = lines(cli("certificate", "list", "--class", code, "--json"))
    assert [c["number"] for c in listed] == numbers

    shown = out(cli("certificate", "show", rare["number"], "--json"))
    payload = shown["qr_payload"]
    assert payload.startswith("JX1:") and len(payload) < 262

    # no login needed to verify; the station's keys come from the database
    checked = cli("certificate", "verify", payload, "--json", user="nobody")
    result = out(checked)
    assert result["status"] == "valid" and result["certificate"]["number"] == rare["number"]
    assert result["certificate"]["masked_name"] == "李*"
    text = cli("certificate", "verify", payload, user="nobody")
    assert text.returncode == 0 and "持证人：李*（320706********0021）" in text.stdout
    assert "养老护理员（4-10-01-05） 五级/初级工" in text.stdout
    # what a phone camera shows: the verification address carrying the payload; both forms verify
    url = shown["qr_text"]
    assert url.startswith("https://") and url.endswith("?c=" + payload)
    assert out(cli("certificate", "verify", url, "--json", user="nobody"))["status"] == "valid"
    spoken = f"匠心培训证书 {rare['number']} 李*\n{payload}"
    assert out(cli("certificate", "verify", spoken, "--json", user="nobody"))["status"] == "valid"

    # somewhere without the database: only the public key file the station hands out
    pem = out(cli("station", "show", "--json", user="nobody"))["signing_key"]["public_key_pem"]
    key_file = tmp_path / "station.pem"
    key_file.write_text(pem, encoding="ascii")
    elsewhere = str(tmp_path / "nowhere")
    offline = run(
        "certificate", "verify", payload, "--public-key", str(key_file), "--data-dir", elsewhere, "--json"
    )
    assert out(offline)["status"] == "valid"
    no_key = run("certificate", "verify", payload, "--data-dir", elsewhere, "--json")
    assert no_key.returncode == 2 and "--public-key" in json.loads(no_key.stdout)["error"]

    position = len(payload) // 2
    forged = payload[:position] + ("A" if payload[position] != "A" else "B") + payload[position + 1 :]
    tampered = cli("certificate", "verify", forged, "--json", user="nobody")
    assert tampered.returncode == 1 and json.loads(tampered.stdout)["status"] == "tampered"

    # revoke: a reviewer's call; afterwards the old print verifies as revoked and is not reprinted
    number = rare["number"]
    denied = cli("certificate", "revoke", number, "--reason", "替考", "--json")
    assert denied.returncode == 2 and "撤销证书" in json.loads(denied.stdout)["error"]
    assert (
        out(cli("certificate", "revoke", number, "--reason", "替考", "--json", user="reviewer"))["status"]
        == "revoked"
    )
    revoked = cli("certificate", "verify", payload, "--json", user="nobody")
    assert revoked.returncode == 1 and json.loads(revoked.stdout)["status"] == "revoked"
    again = cli("certificate", "reprint", number, "--reason", "遗失", "--json")
    assert again.returncode == 2 and "已撤销，不能补发" in json.loads(again.stdout)["error"]

    other = next(n for n in numbers if n != number)
    reprinted = out(cli("certificate", "reprint", other, "--reason", "原证遗失", "--json"))
    assert reprinted["reissue_count"] == 1 and reprinted["reissued"] is True
    plain = cli("certificate", "list", "--class", code)
    assert plain.returncode == 0
    assert any(other in line and "补发" in line for line in plain.stdout.splitlines())
    assert any(number in line and "已撤销" in line for line in plain.stdout.splitlines())
