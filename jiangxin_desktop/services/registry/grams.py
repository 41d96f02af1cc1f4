"""Single characters and character pairs of names, for 1-2 character searches.

The trigram index cannot match queries shorter than 3 characters, and Chinese names are
2-3 characters long; this second FTS5 table holds each name's 1- and 2-grams as tokens.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

_SEPARATORS = {"·", " "}
_SPLITS = re.compile(r"[\s·]")  # where a name splits into parts (as str.split does, and ·)


def name_grams(name: str) -> str:
    if _SPLITS.search(name) is None:  # the usual name: one part
        grams = [*name, *map(str.__add__, name, name[1:])]  # characters, then neighbouring pairs
    else:
        grams = []
        for part in "".join(" " if ch in _SEPARATORS else ch for ch in name).split():
            grams.extend(part)
            grams.extend(part[i : i + 2] for i in range(len(part) - 1))
    return " ".join(dict.fromkeys(grams))


def replace_name_grams(session: Session, seq: int, name: str) -> None:
    session.execute(text("DELETE FROM trainee_name_grams WHERE rowid = :seq"), {"seq": seq})
    session.execute(
        text("INSERT INTO trainee_name_grams(rowid, grams) VALUES (:seq, :grams)"),
        {"seq": seq, "grams": name_grams(name)},
    )
