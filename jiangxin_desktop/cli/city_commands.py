"""``jiangxin-desktop city …``: the city's receiver (init, serve, enroll-station, import, publish-catalog,
status, batches, log; claims and decide-claim in city_claim_commands.py). Needs the extra ``[city]``; uses no station database and no login."""

from __future__ import annotations

import argparse
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

from jiangxin_desktop.cli.city_common import open_city as _receiver
from jiangxin_desktop.cli.city_common import who as _who
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError, describe_error


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    city = sub.add_parser("city", help="市级接收端（在市里运行：接收服务站的同步数据）").add_subparsers(
        dest="city_command", required=True)

    p = city.add_parser("init", parents=[common], help="建立市级接收端文件夹：密钥、TLS 证书、设置")
    _dir(p)
    p.add_argument("--name", default="连云港市人社局", help="市里的名称（写进注册文件）")
    p.add_argument("--url", default="https://127.0.0.1:8443", help="服务站连接的地址（写进注册文件）")
    p.add_argument("--host", action="extend", nargs="+", default=[], metavar="主机",
                   help="证书适用的主机名或 IP（可写多个；默认 localhost 和 127.0.0.1）")
    p.add_argument("--database", help="数据库地址，例如 postgresql+psycopg://jiangxin:密码@localhost/jiangxin_city"
                   "（默认：文件夹里的 SQLite，仅供单机试点）")
    p.set_defaults(handler=cmd_init)

    p = city.add_parser("serve", parents=[common], help="启动 HTTPS 接收服务（Ctrl+C 停止）")
    _dir(p)
    p.add_argument("--host", default="127.0.0.1", help="监听的地址（默认 127.0.0.1；对外服务用 0.0.0.0）")
    p.add_argument("--port", type=int, default=8443, help="端口（默认 8443）")
    p.add_argument("--workers", type=int, default=1,
                   help="工作进程数（默认 1；服务器有多个 CPU 核时可设为核数，需用 PostgreSQL）")
    p.set_defaults(handler=cmd_serve)

    p = city.add_parser("enroll-station", parents=[common], help="为服务站生成注册文件（一次性口令）")
    _dir(p)
    p.add_argument("--station", required=True, metavar="编码", help="服务站编码")
    p.add_argument("--out", required=True, metavar="文件", help="注册文件写到哪里（交给服务站导入）")
    p.add_argument("--days", type=int, default=30, help="有效天数（默认 30）")
    p.set_defaults(handler=cmd_enroll)

    p = city.add_parser("import", parents=[common], help="导入 U 盘里服务站导出的数据，并把回执写回 U 盘")
    _dir(p)
    p.add_argument("folder", metavar="文件夹", help="服务站 sync export 导出到的文件夹")
    p.set_defaults(handler=cmd_import)

    p = city.add_parser("publish-catalog", parents=[common], help="签名发布目录（JSON 文件），服务站同步时取回")
    _dir(p)
    p.add_argument("file", metavar="文件", help="目录的 JSON 文件")
    p.add_argument("--version", required=True, help="目录版本号，例如 7 或 2026.2（必须大于已发布的）")
    p.set_defaults(handler=cmd_publish)

    p = city.add_parser("status", parents=[common], help="各服务站的同步情况")
    _dir(p)
    p.set_defaults(handler=cmd_status)

    p = city.add_parser("batches", parents=[common], help="各服务站发来的批次（最新的在前）")
    _dir(p)
    p.add_argument("--station", metavar="编码", help="只列这个服务站的")
    p.add_argument("--limit", type=int, default=50, help="最多列出多少批（默认 50）")
    p.set_defaults(handler=cmd_batches)

    p = city.add_parser("log", parents=[common], help="市级接收端的日志（注册、拒收、发布）")
    _dir(p)
    p.add_argument("--limit", type=int, default=50, help="最多列出多少条（默认 50）")
    p.set_defaults(handler=cmd_log)

    from jiangxin_desktop.cli import city_claim_commands

    city_claim_commands.register(city, common, directory=_dir, errors=_city_errors)


def _dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", required=True, metavar="文件夹", help="市级接收端文件夹（city init 建立的）")


def _city_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The receiver's refusals and missing extras as the command line's known errors."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from jiangxin_desktop.city import CityError

        try:
            return handler(args)
        except CityError as exc:
            raise KnownError(exc.user_message, detail=exc.message) from None
        except ModuleNotFoundError as exc:
            if exc.name in {"starlette", "uvicorn", "psycopg"}:
                raise KnownError(f"缺少市级接收端需要的组件 {exc.name}。请运行：pip install 'jiangxin-desktop[city]'"
                                 ) from None
            raise

    return run


@_city_errors
def cmd_init(args) -> int:
    from jiangxin_desktop.city import Store, init_city

    if args.database:  # a wrong address said before any key is made; another city's data refused
        store = Store(args.database)
        try:
            stations = len(store.station_summaries())
        finally:
            store.close()
        if stations:
            raise KnownError(f"数据库 {_shown_database(args.database)} 里已有 {stations} 个服务站的数据，"
                             "属于另一个市级接收端。新的接收端请用一个新的空数据库（createdb …）。")
    city = init_city(Path(args.dir), name=args.name, url=args.url, hosts=args.host or None,
                     database=args.database)
    Store(city.database).close()  # the tables
    obj = {"dir": str(city.folder), "name": city.name, "url": city.url,
           "database": _shown_database(city.database), "encryption_kid": city.encryption_kid,
           "signing_kid": city.signing_kid, "tls_hosts": city.tls_hosts, "tls_fingerprint": city.tls_fingerprint}
    emit(obj, as_json=args.json, text=(
        f"市级接收端已建立：{city.folder}\n名称：{city.name}\n地址：{city.url}\n数据库：{obj['database']}\n"
        f"证书适用于：{'、'.join(obj['tls_hosts'])}\n证书指纹（SHA-256）：{obj['tls_fingerprint']}\n"
        f"请备份 {city.folder / 'keys'}：丢失后所有服务站都要重新注册。"))
    return 0


def _shown_database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@_city_errors
def cmd_serve(args) -> int:
    from jiangxin_desktop.city import serve

    if not 1 <= args.workers <= 64:
        raise KnownError("--workers 应在 1 到 64 之间。")
    receiver = _receiver(args)
    if args.workers > 1 and not receiver.store.postgres:
        receiver.close()
        raise KnownError("多个工作进程（--workers）需要 PostgreSQL 数据库；SQLite 试点请用 1 个。")
    if not args.json:
        print(f"市级接收端 {receiver.city.name} 在 https://{args.host}:{args.port} 接收数据（Ctrl+C 停止）")
    try:
        serve(receiver, args.host, args.port, args.workers)
    finally:
        receiver.close()
    return 0


@_city_errors
def cmd_enroll(args) -> int:
    from jiangxin_desktop.city import issue_enrolment

    receiver = _receiver(args)
    try:
        enrolment = issue_enrolment(receiver, args.station, days=args.days, issued_by=_who())
    finally:
        receiver.close()
    out = Path(args.out)
    _write_secret(out, enrolment.document())
    obj = {"station_code": enrolment.station_code, "enrolment_id": enrolment.enrolment_id,
           "expires_at": enrolment.expires_at, "file": str(out)}
    emit(obj, as_json=args.json, text=(
        f"服务站 {enrolment.station_code} 的注册文件已写到 {out}（{enrolment.expires_at[:10]} 前有效，只能用一次）。\n"
        "文件里有一次性口令：请当面或用 U 盘交给服务站，不要用聊天软件发送。"))
    return 0


def _write_secret(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        raise KnownError(f"无法写入注册文件 {path}：{describe_error(exc)}。") from None


@_city_errors
def cmd_import(args) -> int:
    from jiangxin_desktop.city import import_folder

    receiver = _receiver(args)
    try:
        result = import_folder(receiver, Path(args.folder))
    finally:
        receiver.close()
    lines = []
    for station in result.stations:
        line = f"服务站 {station.station_code}：收下 {len(station.accepted)} 批"
        if station.rejected:
            line += f"，拒收 {len(station.rejected)} 批（回执已写回）"
        if station.registered:
            line += "，已注册"
        if station.decisions:
            line += "，补贴决定已写回"
        lines.append(line)
        lines += [f"  {r['file']}：{r['user_message']}" for r in station.refused]
    if not result.stations:
        lines.append("文件夹里没有服务站导出的数据。")
    if result.catalog_version is not None:
        lines.append(f"目录第 {result.catalog_version} 版已写到 U 盘。")
    emit(result.to_json(), as_json=args.json, text="\n".join(lines))
    return 1 if any(s.refused for s in result.stations) else 0


@_city_errors
def cmd_publish(args) -> int:
    from jiangxin_desktop.city import publish_catalog

    try:
        content = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnownError(f"无法读取目录文件 {args.file}：{describe_error(exc)}。") from None
    receiver = _receiver(args)
    try:
        publish_catalog(receiver, content, args.version, published_by=_who())
    finally:
        receiver.close()
    emit({"version": args.version, "file": args.file}, as_json=args.json,
         text=f"目录第 {args.version} 版已签名发布；服务站下次同步（或导入 U 盘）时取回。")
    return 0


@_city_errors
def cmd_status(args) -> int:
    receiver = _receiver(args)
    try:
        stations = receiver.store.station_summaries()
    finally:
        receiver.close()
    lines = [f"{s['station_code']}\t{'已注册' if s['registered'] else '未注册'}\t第 {s['last_sequence']} 批\t"
             f"{s['batches']} 批（拒收 {s['rejected_batches']}）\t{s['rows']} 条记录\t"
             f"最近收到 {s['last_received_at'] or '—'}" for s in stations]
    emit({"city": receiver.city.name, "stations": stations}, as_json=args.json,
         text="\n".join(lines) or "还没有服务站。用 city enroll-station 生成注册文件。")
    return 0


@_city_errors
def cmd_log(args) -> int:
    if not 1 <= args.limit <= 1000:
        raise KnownError("--limit 应在 1 到 1000 之间。")
    receiver = _receiver(args)
    try:
        entries = receiver.store.audit_log(args.limit)
    finally:
        receiver.close()
    emit({"entries": entries}, as_json=args.json, text="\n".join(
        f"{e['at']}\t{e['kind']}\t{e['station_code'] or ''}\t{e['detail']}" for e in entries) or "日志是空的。")
    return 0


_STATUS_WORDS = {"accepted": "已收下", "rejected": "已拒收"}


@_city_errors
def cmd_batches(args) -> int:
    if not 1 <= args.limit <= 1000:
        raise KnownError("--limit 应在 1 到 1000 之间。")
    receiver = _receiver(args)
    try:
        batches = receiver.store.batches(args.station, args.limit)
    finally:
        receiver.close()
    emit({"batches": batches}, as_json=args.json, text="\n".join(
        f"{b['received_at']}\t{b['station_code']}\t第 {b['sequence']} 批\t{_STATUS_WORDS.get(b['status'], b['status'])}"
        f"\t{b['records']} 条（新 {b['accepted']}，重复 {b['duplicates']}）"
        + (f"\t{b['error_code']}" if b["error_code"] else "") + f"\t{b['batch_id']}" for b in batches)
        or "还没有收到批次。")
    return 0
