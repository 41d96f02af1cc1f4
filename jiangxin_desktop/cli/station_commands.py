"""``jiangxin-desktop setup`` (alias ``init``) and ``station show``: the station and its signing key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError

NEW_PASSWORD_ENV = "JIANGXIN_NEW_PASSWORD"
LEGACY_PASSWORD_ENV = "JIANGXIN_PASSWORD"  # what `init` read before `setup` existed
PASSWORD_TRIES = 3


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "setup",
        aliases=["init"],
        parents=[common],
        help="首次设置正式服务站：加密数据库、服务站、第一个管理员和签名密钥",
    )
    p.add_argument("--county", required=True, help="区县代码（GB/T 2260），如 320706 海州区")
    p.add_argument("--station-name", required=True, help="服务站名称")
    p.add_argument("--station-code", required=True, help="服务站代码，6–20 位数字或大写字母，如 320706001")
    p.add_argument(
        "--admin",
        required=True,
        help=f"第一个管理员的用户名（密码在提示时输入两次，或用 {NEW_PASSWORD_ENV}）",
    )
    p.add_argument("--admin-name", default="管理员", help="管理员姓名")
    p.set_defaults(handler=cmd_setup)

    station = sub.add_parser("station", help="服务站").add_subparsers(dest="station_command", required=True)
    p = station.add_parser("show", parents=[common], help="服务站代码、名称、区县和签名公钥（不需要登录）")
    p.set_defaults(handler=cmd_station_show)
    p = station.add_parser("rotate-key", parents=[common], help="更换本站签名密钥（管理员；之后须向市里重新注册）")
    p.add_argument("--reason", required=True, help="更换原因，例如：备份 U 盘丢失")
    p.set_defaults(handler=cmd_rotate_key)


def cmd_setup(args) -> int:
    from jiangxin_desktop.cli.login import cli_passphrase
    from jiangxin_desktop.errors import ValidationError
    from jiangxin_desktop.first_setup import AdminAccount, check_admin, set_up_station, shipped_counties
    from jiangxin_desktop.paths import resolve_data_dir
    from jiangxin_desktop.services.security.roles import load_security_policy
    from jiangxin_desktop.services.station.setup import StationInfo, check_station, normalize_station

    counties = shipped_counties()
    by_label = counties.by_label(args.county)  # 海州区 is accepted for 320706
    county = by_label.code if by_label and counties.get(args.county) is None else args.county.strip()
    station = normalize_station(StationInfo(args.station_code, args.station_name, county))
    policy = load_security_policy()
    # Everything but the password first: nobody types a password twice to learn the county is wrong.
    errors = check_station(station, counties)
    errors += [
        e for e in check_admin(AdminAccount(args.admin, args.admin_name, ""), policy) if e.field != "密码"
    ]
    if errors:
        raise ValidationError(errors)
    from jiangxin_desktop.services.station.unfinished_setup import is_unfinished

    paths = resolve_data_dir(args.data_dir)
    if paths.database.exists() and not is_unfinished(paths):  # a half-made one is removed below
        raise KnownError(f"数据目录 {paths.root} 中已有数据库，不会覆盖。如需重新设置，请换一个数据目录。")
    password = _admin_password(args.admin, policy, legacy=args.command == "init")
    result = set_up_station(
        paths, cli_passphrase(), station, AdminAccount(args.admin, args.admin_name, password)
    )
    s, key = result["station"], result["signing_key"]
    emit(
        result,
        as_json=args.json,
        text=(
            f"已设置服务站：{s['name']}（{s['code']}，{s['county']}）\n"
            f"加密数据库：{result['database']}\n"
            f"管理员：{result['admin']['username']}（{result['admin']['display_name']}）\n"
            f"签名密钥：{key['key_id']}（{key['algorithm']}）"
        ),
    )
    if result["removed_unfinished"] and not args.json:
        print(result["removed_unfinished"], file=sys.stderr)
    return 0


def _admin_password(username: str, policy, *, legacy: bool) -> str:
    """JIANGXIN_NEW_PASSWORD for scripts, else asked twice on the terminal until it meets the rules."""
    from jiangxin_desktop.domain.passwords import check_password, normalize_username

    value = os.environ.get(NEW_PASSWORD_ENV) or (os.environ.get(LEGACY_PASSWORD_ENV) if legacy else None)
    if value:
        return value  # checked with everything else by set_up_station
    if not sys.stdin.isatty():
        raise KnownError(f"需要管理员密码：请在提示时输入，或设置环境变量 {NEW_PASSWORD_ENV}。")
    for _ in range(PASSWORD_TRIES):
        first = getpass.getpass("设置管理员密码：")
        problems = check_password(first, policy, normalize_username(username))
        if problems:
            print("密码不符合要求：" + "；".join(problems), file=sys.stderr)
            continue
        if getpass.getpass("再次输入：") != first:
            print("两次输入的密码不一致，请重新设置。", file=sys.stderr)
            continue
        return first
    raise KnownError("管理员密码没有设置成功，什么也没有创建。请重新运行 setup。")


def cmd_station_show(args) -> int:
    """No personal data here (codes, names, the public key), so no login is needed."""
    from jiangxin_desktop.cli.login import open_cli_context
    from jiangxin_desktop.services.security.signing import active_public_key

    ctx = open_cli_context(args, login=False, reads_only=True)
    try:
        key = active_public_key(ctx.db)  # the context made one if the database had none
        assert key is not None
        county = ctx.codes["county"].label(ctx.station.county_code)
        obj = {
            "code": ctx.station.code,
            "name": ctx.station.name,
            "county_code": ctx.station.county_code,
            "county": county,
            "demo": ctx.demo,
            "signing_key": {
                "key_id": key.key_id,
                "algorithm": key.algorithm,
                "public_key": key.public_key,
                "public_key_pem": key.pem(),
                "created_at": key.created_at,
            },
        }
    finally:
        ctx.close()
    text = (
        f"服务站：{obj['name']}（{obj['code']}）\n区县：{county}（{obj['county_code']}）\n"
        f"签名密钥：{key.key_id}（{key.algorithm}，{key.created_at}）\n{key.pem().rstrip()}"
    )
    emit(obj, as_json=args.json, text=text)
    return 0


def cmd_rotate_key(args) -> int:
    from jiangxin_desktop.cli.login import open_cli_context
    from jiangxin_desktop.services.security.signing import rotate_signing_key
    from jiangxin_desktop.services.security.users import require_role

    ctx = open_cli_context(args)
    try:
        user = require_role(ctx.user, "admin", action="更换本站签名密钥")
        old, new = rotate_signing_key(ctx.db, user.username, args.reason)
    finally:
        ctx.close()
    emit({"old_key_id": old, "key_id": new}, as_json=args.json, text=(
        f"已更换签名密钥：{old} → {new}（旧公钥保留，用它签发的证书二维码仍可核验）。"
        "请向市里索取新的注册文件并导入（sync enroll），市里确认后新批次才能被接收。"
    ))
    return 0
