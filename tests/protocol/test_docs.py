"""docs/wire-format.md lists exactly the fields the schemas define.

Regenerate the tables after a schema change with ``.venv/bin/python -m tests.protocol.test_docs``.
"""

from __future__ import annotations

from pathlib import Path

from jiangxin_desktop.protocol import PROTOCOL_VERSION, SCHEMAS, Anonymise

DOC = Path(__file__).resolve().parents[2] / "docs" / "wire-format.md"
_ANONYMISED = {Anonymise.CLEAR: "cleared on anonymisation", Anonymise.REPLACE: "replaced on anonymisation"}
BEGIN, END = "<!-- fields: generated -->", "<!-- end of generated fields -->"


def tables() -> str:
    """One table per entity, parents before children."""
    out = []
    for s in SCHEMAS.values():
        out += [f"### `{s.entity}` (version {s.version})", "", "| field | type | may be null | privacy |"]
        out.append("|---|---|---|---|")
        for f in s:
            marks = [m for m, on in (("personal", f.personal), ("sensitive", f.sensitive)) if on]
            if f.identifying:
                marks.append("identifying")
            if f.on_anonymise is not Anonymise.KEEP:
                marks.append(_ANONYMISED[f.on_anonymise])
            name = f"`{f.wire}`" + (f" (column `{f.column}`)" if f.wire != f.column else "")
            out.append(f"| {name} | {f.kind.value} | {'yes' if f.optional else ''} | {', '.join(marks)} |")
        out.append("")
    return "\n".join(out)


def test_the_documented_fields_are_the_schemas():
    text = DOC.read_text(encoding="utf-8")
    assert f"`PROTOCOL_VERSION` is {PROTOCOL_VERSION}" in text
    generated = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert generated.strip() == tables().strip()


if __name__ == "__main__":
    print(tables())
