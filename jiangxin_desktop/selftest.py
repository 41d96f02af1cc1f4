"""``jiangxin-desktop --self-test``: proves a build works on this machine, then exits.

Opens a temporary SQLCipher database (random key, never stored), migrates it, registers
and finds a trainee, prints a sign-in sheet from the shipped template (PDF with embedded fonts),
then renders Chinese text offscreen with the embedded font. Used by
the PyInstaller smoke test; exit code 0 means every step passed.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path


def _check_database(folder: Path) -> str:
    from jiangxin_desktop.context import build_context
    from jiangxin_desktop.paths import DataPaths
    from jiangxin_desktop.services.demo.seed import id_with_check
    from jiangxin_desktop.services.registry.trainees import TraineeInput
    from jiangxin_desktop.services.station.setup import StationInfo, initialize
    from jiangxin_desktop.store import migrate
    from jiangxin_desktop.store.database import Database

    db = Database(folder / "selftest.db", secrets.token_bytes(32))
    try:
        migrate.upgrade(db)
        initialize(db, StationInfo("000000000", "自检", "320706"), actor="selftest")
        ctx = build_context(DataPaths(folder), db, actor="selftest")
        ctx.act_as(ctx.users.create_first_admin("selftest", "自检", "Zijian-check-2025"))
        record = ctx.registry.register(
            TraineeInput(
                name="王𠇔",
                id_number=id_with_check("32070619900101123"),
                phone="13800000000",
                target_group="31",
                consent=True,
            )
        )
        found = [r.uuid for r in ctx.search.page("𠇔")]
        if found != [record.uuid]:
            raise RuntimeError(f"search found {found}")
        db.checkpoint()
        if (folder / "selftest.db").read_bytes().startswith(b"SQLite format 3"):
            raise RuntimeError("database file is not encrypted")
        return migrate.current_revision(db) or "?"
    finally:
        db.dispose()


def _check_printing(folder: Path) -> str:
    from jiangxin_desktop.services.printing import load_template, render_document, shipped_template
    from jiangxin_desktop.services.printing.fonts import SHIPPED_FONTS, load_font

    template = load_template(shipped_template("signin"))
    rows = [{"no": 1, "name": "李玥", "id_number": "320706********0021", "note": ""}]
    session = {"number": 1, "date": "-", "weekday": "-", "start": "-", "end": "-", "hours": 4}
    context = {
        "class": {"name": "自检", "code": "-", "institution": "-", "site": "-"},
        "session": {**session, "teacher": "-", "topic": "-"},
        "rows": rows,
        "count": 1,
        "printed_at": "-",
        "printed_by": "自检",
    }
    result = render_document(template, [context], folder / "selftest.pdf")
    for key in SHIPPED_FONTS:
        load_font(key)
    if not result.file.read_bytes().startswith(b"%PDF"):
        raise RuntimeError("the sign-in sheet is not a PDF")
    return f"打印：签到表 {result.pages} 页，字体 {'、'.join(SHIPPED_FONTS)} 正常"


def run_self_test() -> int:
    steps: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="jiangxin-selftest-") as tmp:
            revision = _check_database(Path(tmp))
            steps.append(f"数据库：SQLCipher 加密，结构版本 {revision}，登记和查找正常")
            steps.append(_check_printing(Path(tmp)))
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from jiangxin_desktop.ui.shell.selftest_render import (
            qt_chinese_collation,
            qt_chinese_strings,
            render_chinese,
        )

        steps.append(render_chinese("匠心筑梦·技耀港城 王𠇔 学员登记"))
        steps.append(qt_chinese_strings())
        steps.append(qt_chinese_collation())
    except Exception as exc:  # report every failure plainly; this is a diagnostic
        print("\n".join(steps), file=sys.stderr)
        # the exception's own text is for technical support (a build fault, not a user's mistake)
        print(f"自检失败（SELF-TEST FAILED）：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print("\n".join(steps))
    print("自检通过（SELF-TEST OK）")
    return 0
