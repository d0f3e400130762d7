"""Photos of the shares: checked by their first bytes, stored under random names in the upload
folder (AMAP_UPLOAD_DIR), served at /uploads/{name} only to people of the announcement's group."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from litestar import Controller, Request, get
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import File

from amap.contracts.access import can_manage_offer
from amap.distributions.tables import Announcement
from amap.lib.access import current, ensure, requires_login
from amap.lib.i18n import _

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(jpg|png|webp)$")


class PhotoError(ValueError):
    """A refused upload, with the message shown next to the field."""


def photo_kind(data: bytes) -> str | None:
    """The image type from the file's magic bytes (never from its name or the browser's word)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


async def read_photo(upload: UploadFile) -> tuple[bytes, str]:
    """The upload's bytes and type; PhotoError when too big or not a JPEG, PNG or WebP image."""
    data = await upload.read(MAX_PHOTO_BYTES + 1)
    await upload.close()
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(_("The photo is too big: at most 5 MB."))
    kind = photo_kind(data)
    if kind is None:
        raise PhotoError(_("The photo must be a JPEG, PNG or WebP image."))
    return data, kind


def store_photo(folder: Path, data: bytes, kind: str) -> str:
    """Write the photo under a new random name and return that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(18)}.{kind}"
    draft = folder / f".{name}.part"
    draft.write_bytes(data)
    os.replace(draft, folder / name)  # whole or not at all: a reader never sees half a photo
    return name


def remove_photo(folder: Path, name: str) -> None:
    if name and NAME_RE.match(name):
        (folder / name).unlink(missing_ok=True)


class UploadController(Controller):
    path = "/uploads"
    guards = [requires_login]

    @get("/{name:str}", name="upload")
    async def photo(self, request: Request, name: FromPath[str]) -> File:
        """A published photo for the group's people; a draft's only for those who manage the offer."""
        principal = current(request)
        ensure(bool(NAME_RE.match(name)))
        row = await Announcement.select(
            Announcement.published_at, Announcement.delivery.offer.as_alias("offer"),
            Announcement.delivery.offer.farm.as_alias("farm"), Announcement.delivery.offer.group.as_alias("group"),
        ).where(Announcement.photo == name).first()
        ensure(row is not None)
        offer = {"id": row["offer"], "farm": row["farm"], "group": row["group"]}
        ensure((row["published_at"] is not None and principal.belongs_to(row["group"]))
               or await can_manage_offer(principal, offer))
        path = request.app.state.settings.upload_dir / name
        ensure(path.is_file())
        return File(path, media_type=MEDIA_TYPES[name.rsplit(".", 1)[1]], content_disposition_type="inline",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})
