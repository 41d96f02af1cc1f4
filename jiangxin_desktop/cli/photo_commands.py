"""``jiangxin-desktop trainee photo set|remove``: the 一寸 photo printed on certificates.

Only with the trainee's separate consent to a face photo; audited without the picture.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.masking import mask_id


def register_photo(trainee: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    photo = trainee.add_parser("photo", help="学员照片（一寸，印在证书上；须学员单独同意）")
    sub = photo.add_subparsers(dest="photo_command", required=True)
    p = sub.add_parser("set", parents=[common], help="保存或更换学员照片（JPEG 或 PNG，最大 2 MB）")
    p.add_argument("id_number", metavar="身份证号", help="学员的公民身份号码")
    p.add_argument("file", metavar="照片文件", help="一寸照片文件（.jpg 或 .png）")
    p.set_defaults(handler=cmd_photo_set)
    p = sub.add_parser("remove", parents=[common], help="删除学员照片")
    p.add_argument("id_number", metavar="身份证号", help="学员的公民身份号码")
    p.set_defaults(handler=cmd_photo_remove)


def cmd_photo_set(args) -> int:
    from jiangxin_desktop.services.registry.photos import TraineePhotos

    ctx = open_cli_context(args)
    try:
        info = TraineePhotos(ctx.db, ctx.acting).set(args.id_number, Path(args.file))
    finally:
        ctx.close()
    text = (
        f"已保存 {info.name}（{mask_id(args.id_number.strip().upper())}）的照片："
        f"{info.width} × {info.height} 像素，{info.bytes // 1024} KB。打印证书时印在照片框中。"
    )
    emit({**info.to_json(), "saved": True}, as_json=args.json, text=text)
    return 0


def cmd_photo_remove(args) -> int:
    from jiangxin_desktop.services.registry.photos import TraineePhotos

    ctx = open_cli_context(args)
    try:
        removed = TraineePhotos(ctx.db, ctx.acting).remove(args.id_number)
    finally:
        ctx.close()
    who = mask_id(args.id_number.strip().upper())
    text = f"已删除学员 {who} 的照片。" if removed else f"学员 {who} 没有存照片，无需删除。"
    emit({"removed": removed}, as_json=args.json, text=text)
    return 0
