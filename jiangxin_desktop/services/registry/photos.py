"""A trainee's 一寸 photo for the certificate's photo box.

A face photo is sensitive personal information (PIPL): it is stored only when the trainee gave
the separate photo consent (``trainee.photo_consent``), inside the encrypted database, never
travels to the city, and is removed with the person's data by the retention rule. Setting or
removing one is audited (size and type, never the picture). The certificate prints it only
while the consent stands.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from jiangxin_desktop.errors import KnownError, NotFoundError
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Trainee, TraineePhoto

MAX_BYTES = 2 * 1024 * 1024
KINDS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class PhotoInfo:
    trainee_uuid: str
    name: str
    mime: str
    bytes: int
    width: int
    height: int

    def to_json(self) -> dict:
        return {
            "trainee_uuid": self.trainee_uuid,
            "mime": self.mime,
            "bytes": self.bytes,
            "width": self.width,
            "height": self.height,
        }


def read_photo(path: Path) -> tuple[bytes, str, tuple[int, int]]:
    """The file's bytes, type and pixel size; refused in Chinese unless a JPEG/PNG picture."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise KnownError(
                f"照片文件 {path} 有 {size / 1024 / 1024:.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB。"
                "一寸照片请缩小后再存（300 × 420 像素即可）。"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise KnownError(f"找不到照片文件 {path}。请检查文件名。") from None
    except OSError as exc:
        raise KnownError(f"无法读取照片文件 {path}：{exc.strerror or exc}。") from None
    mime = next((kind for magic, kind in KINDS.items() if data.startswith(magic)), None)
    if mime is None:
        raise KnownError(f"照片文件 {path} 不是 JPEG 或 PNG 图片。请用 .jpg 或 .png 格式的照片。")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            pixels = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise KnownError(f"照片文件 {path} 已损坏，无法打开。请换一张照片。") from None
    return data, mime, pixels


class TraineePhotos:
    def __init__(self, db: Database, acting: Acting) -> None:
        self.db = db
        self.acting = acting

    def set(self, id_number: str, path: Path) -> PhotoInfo:
        """Store (or replace) the photo of the trainee with ``id_number`` (clerk or admin)."""
        return self._set(lambda s: self._trainee(s, id_number), path)

    def set_for(self, trainee_uuid: str, path: Path) -> PhotoInfo:
        """The same, for the trainee the window has selected (by uuid)."""
        return self._set(lambda s: self._by_uuid(s, trainee_uuid), path)

    def remove_for(self, trainee_uuid: str) -> bool:
        return self._remove(lambda s: self._by_uuid(s, trainee_uuid))

    def get(self, trainee_uuid: str) -> tuple[str, bytes] | None:
        """(mime, bytes) of the trainee's photo, or None (clerk, reviewer or admin)."""
        self.acting.require("clerk", "reviewer", "admin", action="查看学员照片")
        with self.db.read() as s:
            row = s.get(TraineePhoto, trainee_uuid)
            return None if row is None else (row.mime, bytes(row.data))

    def _set(self, find, path: Path) -> PhotoInfo:
        user = self.acting.require("clerk", "admin", action="保存学员照片")
        data, mime, (width, height) = read_photo(path)
        with self.db.write() as s:
            trainee = find(s)
            if not trainee.photo_consent:
                raise KnownError(
                    f"学员 {trainee.name} 没有同意采集面部照片（照片须单独同意），照片没有保存。"
                    "请先在学员信息中勾选“同意采集面部照片”（须学员本人单独同意），再存照片。"
                )
            row = s.get(TraineePhoto, trainee.uuid)
            if row is None:
                row = TraineePhoto(trainee_uuid=trainee.uuid)
                s.add(row)
            row.mime, row.data, row.updated_at, row.updated_by = mime, data, utc_now(), user.username
            info = PhotoInfo(trainee.uuid, trainee.name, mime, len(data), width, height)
            audit(
                s,
                actor=user.username,
                action="trainee.photo.set",
                object_type="trainee",
                object_id=trainee.uuid,
                after={k: v for k, v in info.to_json().items() if k != "trainee_uuid"},
            )
        return info

    def remove(self, id_number: str) -> bool:
        """Delete the trainee's photo; False when there was none."""
        return self._remove(lambda s: self._trainee(s, id_number))

    def _remove(self, find) -> bool:
        user = self.acting.require("clerk", "admin", action="删除学员照片")
        with self.db.write() as s:
            trainee = find(s)
            gone = s.execute(delete(TraineePhoto).where(TraineePhoto.trainee_uuid == trainee.uuid)).rowcount
            if gone:
                audit(
                    s,
                    actor=user.username,
                    action="trainee.photo.remove",
                    object_type="trainee",
                    object_id=trainee.uuid,
                )
        return bool(gone)

    @staticmethod
    def _trainee(s, id_number: str) -> Trainee:
        key = id_number.strip().upper()
        trainee = s.scalar(select(Trainee).where(Trainee.id_number == key))
        if trainee is None:
            raise NotFoundError(f"找不到身份证号为 {key[:6]}…{key[-4:]} 的学员。请先登记学员。")
        return trainee

    @staticmethod
    def _by_uuid(s, trainee_uuid: str) -> Trainee:
        trainee = s.scalar(select(Trainee).where(Trainee.uuid == trainee_uuid))
        if trainee is None:
            raise NotFoundError("找不到这名学员（可能已被删除）。请刷新列表后再试。")
        return trainee
