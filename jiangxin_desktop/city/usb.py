"""A USB folder from stations: registrations and batches in, receipts and the catalog back out.

Layout (written by the station's ``sync export --to DIR``)::

    DIR/jiangxin-sync/<station>/registration.jwe          while the station is not registered
    DIR/jiangxin-sync/<station>/batches/<seq:08d>-<batch_id>.jwe
    DIR/jiangxin-sync/<station>/registered.jws            written here: the signed acknowledgement
    DIR/jiangxin-sync/<station>/receipts/<batch_id>.jws   written here: one signed receipt a batch
    DIR/jiangxin-sync/<station>/decisions.jws             written here: the city's decisions on its claims
    DIR/jiangxin-sync/catalog.jws                         written here: the newest catalog

Each file goes through exactly what the HTTP API does, so importing a folder twice gives the
same receipts again. A station's batches stop at its first refusal (a later batch could only
leave a gap); other stations go on.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiangxin_desktop.city.catalog import newest_catalog
from jiangxin_desktop.city.downlink import decisions_document
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.city.receiver import Receiver
from jiangxin_desktop.city.registration import register
from jiangxin_desktop.envelope import unverified
from jiangxin_desktop.protocol.batch import read_receipt

ROOT = "jiangxin-sync"
_BATCH_FILE = re.compile(r"(\d{8})-([0-9a-f-]{36})\.jwe")


@dataclass
class StationImport:
    station_code: str
    registered: bool = False
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    decisions: bool = False  # decisions.jws written for the station

    def to_json(self) -> dict[str, Any]:
        return {"station_code": self.station_code, "registered": self.registered,
                "accepted": self.accepted, "rejected": self.rejected, "refused": self.refused,
                "decisions": self.decisions}


@dataclass
class ImportResult:
    folder: str
    stations: list[StationImport]
    catalog_version: str | None

    def to_json(self) -> dict[str, Any]:
        return {"folder": self.folder, "stations": [s.to_json() for s in self.stations],
                "catalog_version": self.catalog_version}


def write_atomic(path: Path, text: str) -> None:
    """Temp file, fsync, rename: a stick pulled out mid-write leaves the old file or none."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="ascii") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        raise CityError("folder_unwritable", 500, f"cannot write {path}: {exc}",
                        f"无法把 {path.name} 写回 {path.parent}（{exc.strerror or exc}；U 盘可能写保护、已满或被拔出）。"
                        "市里已收下的数据不会丢失：换好 U 盘后再导入一次，会写出同样的回执。") from None


def _refusal(file: Path, exc: CityError) -> dict[str, Any]:
    return {"file": file.name, **exc.to_json()}


def import_folder(receiver: Receiver, folder: Path) -> ImportResult:
    root = Path(folder) / ROOT
    if not root.is_dir():
        raise CityError("not_a_sync_folder", 404, f"{root} is missing",
                        f"{folder} 里没有 {ROOT} 文件夹。请选择服务站用“sync export”导出到的那个文件夹（U 盘根目录）。")
    results = []
    for station_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        results.append(_import_station(receiver, station_dir))
    newest = newest_catalog(receiver.store)
    if newest is not None:
        write_atomic(root / "catalog.jws", newest[1])
    return ImportResult(str(folder), results, None if newest is None else newest[0])


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CityError("unreadable_file", 400, f"cannot read {path}: {exc}",
                        f"无法读取 {path}（文件损坏或 U 盘被拔出）。") from None


def _import_station(receiver: Receiver, station_dir: Path) -> StationImport:
    result = StationImport(station_dir.name)
    registration = station_dir / "registration.jwe"
    if registration.is_file():
        try:
            acknowledgement = register(receiver, _read(registration), remote="usb")
        except CityError as exc:
            result.refused.append(_refusal(registration, exc))
        else:  # a stick that cannot be written stops the whole import (folder_unwritable)
            write_atomic(station_dir / "registered.jws", acknowledgement)
            result.registered = True
    batches = sorted((p for p in (station_dir / "batches").glob("*.jwe") if _BATCH_FILE.fullmatch(p.name)),
                     key=lambda p: p.name)
    for path in batches:
        batch_id = _BATCH_FILE.fullmatch(path.name).group(2)  # type: ignore[union-attr]
        try:
            receipt = ingest(receiver, batch_id, _read(path), remote="usb")
        except CityError as exc:
            result.refused.append(_refusal(path, exc))
            break
        write_atomic(station_dir / "receipts" / f"{batch_id}.jws", receipt)
        status = read_receipt(unverified(receipt).document).status  # the city's own signature
        (result.accepted if status == "accepted" else result.rejected).append(batch_id)
    if _known(receiver, result.station_code):  # every decision so far; the station skips what it holds
        write_atomic(station_dir / "decisions.jws", decisions_document(receiver, result.station_code, 0))
        result.decisions = True
    return result


def _known(receiver: Receiver, station_code: str) -> bool:
    from sqlalchemy import select

    from jiangxin_desktop.city import schema

    with receiver.store.reading() as connection:
        return connection.execute(select(schema.station.c.code).where(
            schema.station.c.code == station_code)).first() is not None
