"""Realistic demo data for a demonstration or a benchmark; it never travels to the city.

Lianyungang area codes (current and historic), plausible names including characters
outside GB2312 and minority names with "·", every target group. 200,000 trainees are
written in one transaction with executemany; the FTS triggers index them as they go.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.contact import luhn_ok
from jiangxin_desktop.domain.idnumber import sex_of
from jiangxin_desktop.services.registry import name_grams
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.fts import deferred_trainee_index
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import audit, utc_now

AREA_CODES = ("320703", "320706", "320707", "320722", "320723", "320724", "320705", "320721")
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力永健世广志义兴良"
    "海山仁波宁贵福生龙元全国胜学祥才发成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮"
    "会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌"
    "梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
# Characters outside GB2312 that real names use (堃 喆 昇 玥 䶮 𠇔 are all real).
RARE = ("堃", "喆", "昇", "玥", "䶮", "𠇔", "赟", "珺", "琇", "镕")
MINORITY = ("阿依古丽·买买提", "努尔艾力·阿不都", "古丽娜尔·吐尔逊", "扎西·次仁", "巴特尔·额尔敦")
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_MAP = "10X98765432"


@dataclass(frozen=True)
class DemoResult:
    trainees: int
    seconds: float


def id_with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, CHECK_WEIGHTS, strict=True))
    return first17 + CHECK_MAP[total % 11]


def _name(rng: random.Random, i: int) -> str:
    if i % 997 == 0:
        return MINORITY[(i // 997) % len(MINORITY)]
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    if i % 211 == 0:
        given = given[:-1] + RARE[(i // 211) % len(RARE)]
    return rng.choice(SURNAMES) + given


def demo_trainees(count: int, codes: CodeCatalog, *, seed: int = 2025, today: date | None = None):
    """Yield dicts of trainee columns (without uuid/timestamps), deterministic per seed."""
    rng = random.Random(seed)
    today = today or date.today()
    groups = [
        (
            c.code,
            json.dumps(list(c.extra.get("flags", ()))[:1], ensure_ascii=False),
            (list(c.extra.get("evidence", ())) or [None])[0],
        )
        for c in codes["target_group"].codes
    ]
    lists = {n: [c.code for c in codes[n].codes] for n in ("hukou", "education", "employment_status")}
    ethnic = [c.code for c in codes["ethnicity"].codes]
    seen: set[str] = set()
    earliest, span = date(1962, 1, 1), (today - timedelta(days=16 * 366) - date(1962, 1, 1)).days
    for i in range(count):
        while True:
            birth = earliest + timedelta(days=rng.randrange(span))
            first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            number = id_with_check(first17)
            if number not in seen:
                seen.add(number)
                break
        group, flags, evidence = groups[i % len(groups)]
        name = _name(rng, i)
        yield {
            "name": name,
            "id_number": number,
            "birth_date": birth.isoformat(),
            "sex": sex_of(number),
            "phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "hukou": rng.choice(lists["hukou"]),
            "ethnicity": rng.choice(ethnic[1:]) if "·" in name else ethnic[0],
            "education": rng.choice(lists["education"]),
            "target_group": group,
            "target_flags": flags if rng.random() < 0.3 else "[]",
            "evidence_type": evidence,
            "employment_status": rng.choice(lists["employment_status"]),
            "bank_card": demo_card(number),
        }


def demo_card(id_number: str) -> str:
    """A made-up social-security card account for a demo trainee (19 digits, Luhn-valid, from
    the ID number, so the random sequence of the demo stays as it was): the subsidy claim pays it."""
    base = f"621700{id_number[6:17]}0"
    return next(base + d for d in "0123456789" if luhn_ok(base + d))


_INSERT = (
    "INSERT INTO trainee (seq, uuid, station_code, version, created_at, updated_at, name, id_number, "
    "birth_date, sex, phone, hukou, ethnicity, education, target_group, target_flags, evidence_type, "
    "employment_status, bank_card, consent_at, consent_version, photo_consent, active, created_by) VALUES "
    "(:seq, :uuid, :station, 1, :now, :now, :name, :id_number, :birth_date, :sex, :phone, :hukou, "
    ":ethnicity, :education, :target_group, :target_flags, :evidence_type, :employment_status, :bank_card, "
    ":now, :consent, 0, 1, :actor)"
)


def seed_trainees(
    db: Database,
    codes: CodeCatalog,
    *,
    count: int,
    station_code: str,
    consent_version: str,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
    chunk: int | None = None,
) -> int:
    """Insert ``count`` demo trainees in one transaction; returns how many were written."""
    now = utc_now()
    chunk = chunk or max(500, min(10_000, count // 20))  # about 20 progress reports
    with db.write() as session, deferred_trainee_index(session):
        start = session.execute(text("SELECT coalesce(max(seq), 0) FROM trainee")).scalar_one()
        existing = set(session.execute(text("SELECT id_number FROM trainee")).scalars())
        batch: list[dict] = []
        written = 0
        for row in demo_trainees(count + len(existing), codes):
            if row["id_number"] in existing:
                continue
            row.update(uuid=uuid7(), station=station_code, now=now, consent=consent_version, actor=actor)
            batch.append(row)
            if len(batch) == chunk or written + len(batch) == count:
                _flush(session, batch, start + written)
                written += len(batch)
                batch = []
                if progress:
                    progress(written, count)
                if written == count:
                    break
        audit(
            session,
            actor=actor,
            action="demo.seed",
            object_type="trainee",
            object_id=None,
            after={"trainees": written},
        )
    return written


def _flush(session, batch: list[dict], first_seq: int) -> None:
    """executemany on the DBAPI cursor: the ORM's per-row overhead would double the time."""
    for i, row in enumerate(batch, start=first_seq + 1):
        row["seq"] = i
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.executemany(_INSERT, batch)
        cursor.executemany(
            "INSERT INTO trainee_name_grams(rowid, grams) VALUES (?, ?)",
            [(r["seq"], name_grams(r["name"])) for r in batch],
        )
    finally:
        cursor.close()
