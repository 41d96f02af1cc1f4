"""A roster's coded cells (人员类别, 民族, 文化程度 …) → codes, with the clerk's answers.

A cell is a code, a label or an alias of the catalog (in any width, with stray spaces), a
value the clerk mapped (to a code, or to "leave these rows out"), a flag alias
(脱贫家庭劳动力: the group that has the flag 脱贫家庭, with that flag), or unknown. An
unknown value is a question for the clerk, not a row error; a value that fits several
entries (高校毕业生: the group of 毕业年度 and 离校未就业 graduates, or an entry's
``ask_aliases``) is unknown too, with those entries as the suggestions: asked, never guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from jiangxin_desktop.domain.codes import CodeList

SKIP = "\x00skip"  # the clerk's answer "不导入这些行"


def text_key(text: str) -> str:
    """Comparable form of a code cell: NFKC, no spaces at all."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class CodeLookup:
    """Label, alias, code or the clerk's mapped value → code."""

    code_list: CodeList
    keys: Mapping[str, str]  # text → code: what needs no question (SKIP never in here)
    width: int  # digits of the numeric codes, to restore "01" from a number cell 1
    answers: Mapping[str, str] = field(default_factory=dict)  # text key → code or SKIP
    flags: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # text key → (code, flag)
    ask: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # text key → candidate codes

    @classmethod
    def build(cls, code_list: CodeList, answers: Mapping[str, str] | None = None) -> CodeLookup:
        keys: dict[str, str] = {}
        for entry in code_list:
            for text in (entry.label, *entry.extra.get("aliases", ())):
                keys.setdefault(text_key(text), entry.code)
        for entry in code_list:
            keys.setdefault(text_key(entry.code), entry.code)
        flags: dict[str, tuple[str, str]] = {}
        ask: dict[str, list[str]] = {}
        groups: dict[str, list[str]] = {}
        for entry in code_list:
            for text, flag in dict(entry.extra.get("flag_aliases", {})).items():
                if text_key(text) not in keys:
                    flags.setdefault(text_key(text), (entry.code, str(flag)))
            for text in entry.extra.get("ask_aliases", ()):
                ask.setdefault(text_key(text), []).append(entry.code)
            group = entry.extra.get("group")
            if isinstance(group, str):
                groups.setdefault(text_key(group), []).append(entry.code)
        for key, codes in groups.items():
            if len(codes) > 1 and key not in keys:
                ask.setdefault(key, codes)
        answers = dict(answers or {})
        for key, code in answers.items():  # the clerk's word wins over the catalog's
            if code == SKIP:
                keys.pop(key, None)
            else:
                keys[key] = code
        widths = {len(e.code) for e in code_list if e.code.isdigit()}
        return cls(
            code_list,
            keys,
            max(widths) if len(widths) == 1 else 0,
            answers,
            {k: v for k, v in flags.items() if k not in answers},
            {k: tuple(dict.fromkeys(v)) for k, v in ask.items() if k not in keys},
        )

    def resolve(self, text: str) -> str | None:
        """The code of ``text``, :data:`SKIP`, or None (unknown, a flag alias or a question)."""
        code = self.keys.get(text)
        if code is not None:
            return code
        key = text_key(text)
        code = self.keys.get(key) or self.answers.get(key)
        if code is None and key.isdigit() and self.width:
            code = self.keys.get(key.zfill(self.width))
        return code

    def flag(self, text: str) -> tuple[str, str] | None:
        """(code, flag) for a flag alias (脱贫家庭劳动力 → 农村转移劳动力 with 脱贫家庭)."""
        return self.flags.get(text_key(text))

    def candidates(self, text: str) -> tuple[str, ...]:
        """The entries a value may mean (高校毕业生: 21, 22, 23): the clerk chooses."""
        return self.ask.get(text_key(text), ())

    def hint(self) -> str:
        labels = [e.label for e in self.code_list]
        if len(labels) <= 12:
            return "请填写其中之一：" + "、".join(labels)
        return f"请填写{self.code_list.title}的全称，如“{labels[0]}”"
