"""Roster reading benchmark: raw python-calamine parse vs. read_roster on the same file.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/roster_bench.py [--rows 10000] [--runs 7]

Generates a realistic roster (.xlsx written by openpyxl, IDs as text; cached in the temp
directory) and prints medians over several runs, never a single run. Target for the whole
import: ≤ 1.0 s for 10,000 rows and ≤ 5× the raw parse, so read_roster itself should stay
well below that (≤ 3× the raw parse).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import python_calamine

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.services.exchange.roster_reader import read_roster

FORMAT_VERSION = 1  # bump when the generated file changes, to refresh the cache
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国玉兰志红"
HEADER = [
    "序号", "姓名", "公民身份号码", "性别", "民族", "户口性质", "文化程度", "人员类别", "证明材料类型",
    "证明材料编号", "就业状态", "联系电话", "社保卡号", "联系地址", "工作单位", "备注",
]  # fmt: skip
GROUPS = [
    ("农村转移劳动力", "户口簿"),
    ("失业人员", "就业创业证"),
    ("企业职工", "劳动合同"),
    ("离校未就业", "毕业证"),
]
# What stations write instead of the catalog's group: an alias (农民工), a flag alias
# (脱贫家庭劳动力), or a value the clerk maps once (STATION_MAP, as roster import --map).
STATION_WORDS = {
    "农村转移劳动力": ("农民工", "脱贫家庭劳动力"),
    "失业人员": ("下岗失业人员",),
    "企业职工": ("在职职工",),
    "离校未就业": ("高校毕业生",),
}
STATION_MAP = ("人员类别:下岗失业人员=31", "人员类别:在职职工=41", "人员类别:高校毕业生=22")


def make_id(rng: random.Random) -> tuple[str, str]:
    area = rng.choice(["320703", "320706", "320707", "320722", "320723", "320724"])
    birth = date(1960, 1, 1).toordinal() + rng.randrange(365 * 45)
    body = f"{area}{date.fromordinal(birth):%Y%m%d}{rng.randrange(1000):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    return body + check, "男" if int(body[16]) % 2 else "女"


def make_file(
    path: Path, rows: int, *, seed: int = 20250506, evidence_rate: float = 0.3, station_words: float = 0.0
) -> None:
    """``station_words``: the share of rows whose 人员类别 is in a station's words (STATION_WORDS)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["连云港市2025年职业技能培训学员花名册"])
    sheet.append(HEADER)
    seen: set[str] = set()
    for n in range(1, rows + 1):
        number, sex = make_id(rng)
        while number in seen:
            number, sex = make_id(rng)
        seen.add(number)
        group, evidence = rng.choice(GROUPS)
        if station_words and rng.random() < station_words:
            group = rng.choice(STATION_WORDS[group])
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        card = f"62148305{rng.randrange(10**11):011d}" if rng.random() < 0.5 else ""
        sheet.append(
            [
                n, name, number, sex, rng.choice(["汉族", "汉族", "汉族", "回族", "汉"]),
                rng.choice(["农业户口", "非农业", "居民户口"]), rng.choice(["初中", "高中", "大专", "本科"]),
                group, evidence, f"ZM{rng.randrange(10**8):08d}" if rng.random() < evidence_rate else "",
                rng.choice(["未就业", "已就业", "灵活就业"]), phone, card,
                f"连云港市海州区新浦路{rng.randrange(1, 300)}号",
                "连云港某某有限公司" if group == "企业职工" else "", "",
            ]
        )  # fmt: skip
    workbook.save(path)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    path = Path(tempfile.gettempdir()) / f"jiangxin-roster-bench-v{FORMAT_VERSION}-{args.rows}.xlsx"
    if not path.exists():
        make_file(path, args.rows)
    codes = parse_code_catalog(read_shipped_codes())

    def raw() -> None:
        python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()

    def full() -> None:
        read_roster(path, codes)

    raw(), full()  # warm up (imports, file cache)
    parsed = read_roster(path, codes)
    # Interleaved, so that a busy machine slows both sides alike.
    raw_times, full_times = [], []
    for _ in range(args.runs):
        raw_times.append(timed(raw))
        full_times.append(timed(full))
    raw_s, full_s = statistics.median(raw_times), statistics.median(full_times)
    print(f"file: {path} ({path.stat().st_size // 1024} KiB, {args.rows} rows)")
    print(
        f"rows valid: {len(parsed.rows)}, problems: {len(parsed.problems)}, "
        f"duplicates: {len(parsed.duplicates)}"
    )
    print(f"raw calamine parse: median {raw_s * 1000:.0f} ms over {args.runs} runs")
    print(f"read_roster:        median {full_s * 1000:.0f} ms over {args.runs} runs")
    print(
        f"ratio read_roster / raw: {full_s / raw_s:.2f} (fastest runs: {min(raw_times) * 1000:.0f} ms, "
        f"{min(full_times) * 1000:.0f} ms, ratio {min(full_times) / min(raw_times):.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
