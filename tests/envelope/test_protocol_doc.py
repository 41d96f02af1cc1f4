"""docs/sync-protocol.md is what outsiders build on: its examples run, its tables match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC, flags=re.S)


def test_the_doc_has_its_two_worked_examples():
    assert len(_examples()) == 2


@pytest.mark.parametrize("index", [0, 1])
def test_each_worked_example_opens_the_test_vectors(index, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    exec(compile(_examples()[index], f"docs/sync-protocol.md example {index + 1}", "exec"), {})  # noqa: S102
    printed = capsys.readouterr().out
    assert ("320706001 2" in printed) if index == 0 else ("6 records" in printed)


def _status_rows() -> set[tuple[int, str]]:
    rows = set()
    for status, codes in re.findall(r"^\| (\d{3}) \| (.+?) \|", DOC, flags=re.M):
        for code in re.findall(r"`(\w+)`", codes):
            rows.add((int(status), code))
    return rows


def test_every_error_the_receiver_answers_is_in_the_table_with_its_status():
    """Read from the receiver's source: CityError(code, status, …), bad_request(code, …) and the envelope's codes."""
    modules = ("app", "receiver", "ingest", "registration", "catalog", "store", "downlink")  # what HTTP requests run
    source = "\n".join((ROOT / "jiangxin_desktop" / "city" / f"{m}.py").read_text(encoding="utf-8") for m in modules)
    answered = {(int(status), code) for code, status in re.findall(r'CityError\(\s*"(\w+)",\s*(\d{3})', source)}
    answered |= {(400, code) for code in re.findall(r'bad_request\(\s*"(\w+)"', source)}
    envelope = re.search(r"ENVELOPE_STATUS = \{(.*?)\}", source, flags=re.S)
    assert envelope is not None
    answered |= {(int(status), code) for code, status in re.findall(r'"(\w+)": (\d{3})', envelope.group(1))}
    # the city's commands (enroll-station, publish-catalog, serve's start), not HTTP answers
    answered -= {(400, "bad_station_code"), (400, "bad_days"), (400, "bad_catalog"), (409, "version_not_newer"),
                 (500, "bad_database_url")}
    assert answered and answered <= _status_rows(), sorted(answered - _status_rows())
