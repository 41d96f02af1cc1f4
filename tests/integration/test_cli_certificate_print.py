"""print certificates as a script runs it, on the demo data: embedded fonts, the rare-character
name, and a QR code that a scanner reads off the rendered page and the program verifies."""

from __future__ import annotations

import json

from tests.integration.cli_runner import run
from tests.integration.test_cli_classes import lines, out
from tests.pdf_tools import pdf_fonts, pdf_pages, qr_codes


def scan(pdf, page: int) -> str:
    """Render ``page`` at 200 dpi (pypdfium2) and read its one QR code (zxing-cpp)."""
    (payload,) = qr_codes(pdf, page=page, dpi=200)
    return payload


def test_printed_certificates_carry_the_name_and_a_qr_code_that_verifies(tmp_path):
    data = str(tmp_path / "d")

    def cli(*args, user="clerk"):
        return run(*args, "--data-dir", data, user=user)

    out(cli("demo", "--trainees", "30", "--json"))
    (finished,) = lines(cli("class", "list", "--status", "finished", "--json"))
    code = finished["code"]
    pdf = tmp_path / "证书.pdf"

    none_yet = cli("print", "certificates", "--class", code, "--out", str(pdf), "--json")
    assert none_yet.returncode == 2 and "请先发证" in json.loads(none_yet.stdout)["error"]
    assert not pdf.exists()

    issued = out(cli("certificate", "issue", "--class", code, "--json"))["issued"]
    result = out(cli("print", "certificates", "--class", code, "--out", str(pdf), "--json"))
    assert result == {
        "file": str(pdf),
        "pages": len(issued),
        "certificates": len(issued),
        "class": code,
        "reissued": 0,
    }
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and "UMing" in f["name"] for f in fonts)
    pages = pdf_pages(pdf)
    index = next(i for i, p in enumerate(pages) if "李玥" in p)
    rare = next(c for c in issued if c["trainee_name"] == "李玥")
    assert rare["number"] in pages[index]

    payload = scan(pdf, index + 1)
    assert "JX1:" in payload  # the bare payload, or the catalog's verification address carrying it
    verified = out(cli("certificate", "verify", payload, "--json", user="nobody"))
    assert verified["status"] == "valid" and verified["certificate"]["number"] == rare["number"]
    assert verified["certificate"]["masked_name"] == "李*"

    # one certificate, reissued: the text output says so, the page says 补发, the code still verifies
    number = issued[0]["number"]
    out(cli("certificate", "reprint", number, "--reason", "原证遗失", "--json"))
    one = tmp_path / "补发.pdf"
    text = cli("print", "certificates", "--class", code, "--number", number, "--out", str(one))
    assert text.returncode == 0, text.stderr
    assert text.stdout.strip() == f"已打印培训班 {code} 的证书 1 份（其中补发 1 份），共 1 页：{one}"
    assert "补发" in pdf_pages(one)[0]
    again = out(cli("certificate", "verify", scan(one, 1), "--json", user="nobody"))
    assert again["status"] == "valid" and again["certificate"]["reissue"] == 1

    nowhere = tmp_path / "u.pdf"
    unknown = cli("print", "certificates", "--class", code, "--number", "X-1", "--out", str(nowhere))
    assert unknown.returncode != 0 and "没有证书 X-1" in unknown.stderr
    assert not nowhere.exists()
