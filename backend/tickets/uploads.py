"""Ticket photos as stored files: upload (checked and re-encoded by photos.py), who may
see one, and claiming a person's uploads for a new ticket or a reply."""

from flask import current_app
from sqlalchemy import select

from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common import storage
from backend.common.unit_of_work import unit_of_work
from backend.errors import NotFound, ValidationFailed
from backend.extensions import db
from backend.tickets import photos
from backend.tickets.models import (
    Ticket,
    TicketEvent,
    TicketPhoto,
)

MAX_PHOTOS = 9


@unit_of_work
def upload_photo(user: User, estate_id: int, data: bytes) -> TicketPhoto:
    """Check, re-encode (no EXIF, orientation applied) and store a photo for a ticket or a
    reply; it stays the uploader's own until a ticket or an event uses it.

    :raises PayloadTooLarge: over the size or pixel limit, or a decompression bomb.
    :raises UnsupportedMediaType: not a JPEG, PNG or WebP image.
    """
    estate_id = get_estate_for(user, estate_id).id
    db.session.commit()  # early commit: no transaction stays open through seconds of image work
    cfg = current_app.config
    processed = photos.process(
        data,
        max_bytes=cfg["TICKET_PHOTO_MAX_MB"] * 1024 * 1024,
        max_pixels=cfg["TICKET_PHOTO_MAX_PIXELS"],
    )
    key, sha256 = storage.put(processed.full, ".jpg", "image/jpeg")
    thumb_key, _ = storage.put(processed.thumb, ".jpg", "image/jpeg")
    photo = TicketPhoto(
        estate_id=estate_id,
        uploaded_by_id=user.id,
        storage_key=key,
        thumb_key=thumb_key,
        sha256=sha256,
        width=processed.width,
        height=processed.height,
        size=len(processed.full),
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def photo_for(user: User, photo_id: int) -> TicketPhoto:
    """A photo the user may see: their own upload, or one on a ticket they can see.

    :raises NotFound: otherwise.
    """
    photo = db.session.get(TicketPhoto, photo_id)
    if photo is None:
        raise NotFound("照片不存在或您无权查看")
    if photo.ticket_id is None:
        if photo.uploaded_by_id != user.id:
            raise NotFound("照片不存在或您无权查看")
    else:
        get_estate_for(user, photo.estate_id)
    return photo


def claim_photos(user: User, estate_id: int, photo_ids, minimum: int) -> list[TicketPhoto]:
    """Lock the caller's unattached uploads named in ``photo_ids`` for attaching.

    :raises ValidationFailed: too few or too many, repeated, not the caller's, another
        estate's, or already used.
    """
    ids = list(photo_ids or [])
    if len(ids) < minimum or len(ids) > MAX_PHOTOS:
        need = f"请上传 {minimum}–{MAX_PHOTOS} 张照片" if minimum else f"最多 {MAX_PHOTOS} 张照片"
        raise ValidationFailed(need, fields={"photo_ids": [need]})
    if len(set(ids)) != len(ids):
        raise ValidationFailed(fields={"photo_ids": ["照片重复"]})
    found = db.session.scalars(
        select(TicketPhoto)
        .where(
            TicketPhoto.id.in_(ids),
            TicketPhoto.uploaded_by_id == user.id,
            TicketPhoto.estate_id == estate_id,
            TicketPhoto.ticket_id.is_(None),
        )
        .order_by(TicketPhoto.id)
        .with_for_update()
    ).all()
    if len(found) != len(ids):
        message = "照片不存在、已被使用或不是您在本小区上传的"
        raise ValidationFailed(message, fields={"photo_ids": [message]})
    by_id = {p.id: p for p in found}
    return [by_id[i] for i in ids]


def attach_photos(photos_: list[TicketPhoto], ticket: Ticket, event: TicketEvent) -> None:
    for photo in photos_:
        photo.ticket_id, photo.event_id = ticket.id, event.id
