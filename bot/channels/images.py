"""The picture an "image" message points at, read from storage and made to fit WeCom: JPG
or PNG of at most 2 MB (robot webhooks and app chats alike)."""

import base64
import hashlib

from PIL import Image

from backend.common import images, storage

from .base import DeliveryError, DeliveryRejected

MAX_BYTES = 2 * 1024 * 1024
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Each try keeps this share of the longest side; a 40-megapixel photo fits in a few tries.
SHRINK = 0.75


def stored_picture(storage_key: str) -> bytes:
    """The stored picture, within MAX_BYTES.

    :raises DeliveryError: storage is unreachable (another try may pass).
    :raises DeliveryRejected: the file is gone or is no picture.
    """
    try:
        with storage.open_file(storage_key) as stored:
            data = stored.read()
    except FileNotFoundError as exc:
        raise DeliveryRejected("图片文件已不存在") from exc
    except Exception as exc:  # the object store is down or slow: the next try may pass
        raise DeliveryError(f"读取图片失败：{type(exc).__name__}") from exc
    try:
        return fitted(data)
    except (images.NotAPicture, images.TooManyPixels) as exc:
        raise DeliveryRejected("图片无法识别") from exc


def fitted(data: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """``data`` as it is when it is a JPG or PNG within ``max_bytes``, else re-encoded as a
    JPEG, smaller each try, until it fits.

    :raises images.NotAPicture, images.TooManyPixels: as backend.common.images.opened.
    """
    if len(data) <= max_bytes and data.startswith((JPEG_MAGIC, PNG_MAGIC)):
        return data
    with images.opened(data) as (image, _kind):
        turn = images.turn_upright(image)
        picture = images.pixels_only(image)
        if turn is not None:
            picture = picture.transpose(turn)
        side = max(picture.size)
        while True:
            out = images.jpeg(picture.resize(images.fitted(picture.size, side), Image.LANCZOS))
            if len(out) <= max_bytes or side <= 64:
                return out
            side = int(side * SHRINK)


def robot_image(data: bytes) -> dict:
    """The robot webhook's image section: the bytes in base64 and their MD5."""
    return {"base64": base64.b64encode(data).decode(), "md5": hashlib.md5(data).hexdigest()}
