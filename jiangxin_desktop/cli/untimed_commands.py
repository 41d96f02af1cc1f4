"""``attendance untimed``: 出勤/迟到/早退 rows without a sign-in time, which count no hours.

Rows written before times were kept (an older database, upgraded) say the person came but
show no presence. They are listed per class (``--class``) or for the whole station, with
how many wait for a reviewer's decision on a 补签 already made; each of the others is put
right with ``attendance makeup`` and the times from the paper sign-in sheet.
"""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.class_lifecycle import RECORDING
from jiangxin_desktop.domain.class_lifecycle import STATUS_LABELS as CLASS_LABELS

STATUS_LABELS = {"present": "出勤", "late": "迟到", "early": "早退"}
CLOSED = "本班{state}，不能再补签（结业时确定的课时是补贴的依据）。"
HOW = (
    "补签：attendance makeup --class {code} --session 第几次课 --id 公民身份号码 --at HH:MM --out HH:MM "
    "--reason 原因（按纸质签到表上的时间填写；审核人批准后才计课时）"
)


def register(attendance: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = attendance.add_parser(
        "untimed",
        parents=[common],
        help="没有签到时间的出勤记录（不计课时，须按纸质签到表补签）；不加 --class 列出全站",
    )
    p.add_argument("--class", dest="class_code", help="班级编号（不填则列出全站）")
    p.set_defaults(handler=cmd_untimed)


def row_json(r) -> dict:
    return {
        "class_code": r.class_code,
        "session": r.session_number,
        "session_day": r.session_day.isoformat(),
        "session_time": f"{r.start_time}–{r.end_time}",
        "attendance_uuid": r.attendance_uuid,
        "enrollment_uuid": r.enrollment_uuid,
        "trainee_name": r.trainee_name,
        "trainee_id_number": r.masked_id,
        "status": r.status,
        "status_label": STATUS_LABELS.get(r.status, r.status),
        "makeup": r.makeup,
        "makeup_pending": r.pending,
        "class_status": r.class_status,
        "open_for_makeup": r.open_for_makeup,
    }


def _row_text(data: dict) -> str:
    state = "补签待审核" if data["makeup_pending"] else "须补签" if data["open_for_makeup"] else "未计课时"
    return (
        f"  第 {data['session']} 次课 {data['session_day']} {data['session_time']}\t{data['trainee_name']}\t"
        f"{data['trainee_id_number']}\t{data['status_label']}\t{state}"
    )


def cmd_untimed(args) -> int:
    from jiangxin_desktop.services.training import untimed_counts

    ctx = open_cli_context(args, reads_only=True)
    try:
        klass = ctx.classes.get(args.class_code) if args.class_code else None
        rows = ctx.attendance.untimed(klass.uuid if klass else None)
    finally:
        ctx.close()
    counts = untimed_counts(rows)
    pending = sum(c.pending for c in counts)
    if args.json:
        emit(
            {
                "class_code": klass.code if klass else None,
                "rows": len(rows),
                "pending": pending,
                "to_fix": len(rows) - pending,
                "classes": [
                    {"class_code": c.class_code, "class_name": c.class_name, "class_status": c.class_status,
                     "rows": c.rows, "pending": c.pending, "to_fix": c.to_fix}
                    for c in counts
                ],
                "items": [row_json(r) for r in rows],
            },
            as_json=True,
        )
        return 0
    if not rows:
        where = f"培训班 {klass.code}" if klass else "全站"
        print(f"{where}没有缺少签到时间的出勤记录。")
        return 0
    if klass is None:
        print(f"全站有 {len(rows)} 条出勤记录没有签到时间，不计课时（{len(counts)} 个培训班）。")
    by_class: dict[str, list] = {}
    for r in rows:
        by_class.setdefault(r.class_uuid, []).append(r)
    for c in counts:
        waiting = f"，其中 {c.pending} 条补签待审核" if c.pending else ""
        print(f"培训班 {c.class_code}（{c.class_name}）有 {c.rows} 条出勤记录没有签到时间，不计课时{waiting}：")
        for r in by_class[c.class_uuid]:
            print(_row_text(row_json(r)))
        if c.to_fix and c.class_status in RECORDING:
            print(HOW.format(code=c.class_code))
        elif c.to_fix:
            print(CLOSED.format(state=CLASS_LABELS.get(c.class_status, c.class_status)))
    return 0
