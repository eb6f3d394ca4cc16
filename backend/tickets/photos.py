"""Ticket photos (随手拍): only real JPEG, PNG or WebP pictures of a sane size are taken, and
only their pixels are kept: turned upright, re-encoded as JPEG with no EXIF (GPS), XMP, ICC or
comment left, plus a thumbnail. Pure: bytes in, bytes out; storing them is the caller's job."""

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from backend.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

# What Pillow detects -> what we call it. "MPO" is a JPEG with more pictures after the first
# (many phones' photos, e.g. Ultra HDR gain maps): a JPEG to whoever took it.
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
FULL_SIDE = 4096  # longest side kept: more than any phone screen shows
THUMB_SIDE = 480  # longest side of the list and map thumbnails
QUALITY = 85
UNSUPPORTED = "仅支持 JPG、PNG、WebP 格式的照片"
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# What damaged or hostile bytes make Pillow raise while reading, converting or encoding.
BROKEN = (OSError, SyntaxError, ValueError, struct.error, IndexError, TypeError, EOFError)


@dataclass(frozen=True)
class ProcessedPhoto:
    full: bytes  # JPEG, longest side at most FULL_SIDE
    thumb: bytes  # JPEG, longest side at most THUMB_SIDE
    width: int  # of ``full``
    height: int
    source_format: str  # "JPEG", "PNG" or "WEBP", as detected from the bytes


def process(
    data: bytes, max_bytes: int = 10 * 1024 * 1024, max_pixels: int = 40_000_000
) -> ProcessedPhoto:
    """An uploaded photo as a clean, upright JPEG and its thumbnail.

    :raises ValidationFailed: no bytes at all.
    :raises PayloadTooLarge: over ``max_bytes``, over ``max_pixels``, or a decompression bomb.
    :raises UnsupportedMediaType: not a JPEG, PNG or WebP by its content, or damaged.
    """
    if not data:
        raise ValidationFailed("照片为空", fields={"file": ["照片为空"]})
    if len(data) > max_bytes:
        _too_large(f"照片不能超过 {max_bytes / 2**20:g} MB")
    too_many_pixels = f"照片像素过多（不超过 {max_pixels / 10_000:g} 万像素），请缩小后再上传"
    try:
        with warnings.catch_warnings():
            # Metadata is thrown away: Pillow's complaints about damaged EXIF are not news.
            warnings.simplefilter("ignore", UserWarning)
            # Pillow only warns between its limit and twice that; here a bomb is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as image:
                source_format = FORMATS.get(image.format)
                if source_format is None:
                    raise OSError(f"unexpected format {image.format}")
                # open() has read the header only: refuse before any pixel is decoded.
                if image.width * image.height > max_pixels:
                    _too_large(too_many_pixels)
                # An animated PNG/WebP or an MPO is decoded at its first frame only: that is
                # the picture people see in a gallery, and the other frames cost time for
                # nothing (a thousand-frame APNG would otherwise be a CPU bomb).
                image.load()
                full = _pixels_only(image)
            full.thumbnail((FULL_SIDE, FULL_SIDE), Image.Resampling.LANCZOS)
            thumb = full.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
            return ProcessedPhoto(_jpeg(full), _jpeg(thumb), *full.size, source_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        _too_large(too_many_pixels, error)
    except BROKEN as error:
        raise UnsupportedMediaType(
            UNSUPPORTED, fields={"file": [UNSUPPORTED]}, code="unsupported_photo"
        ) from error


def _too_large(message: str, cause: Exception | None = None):
    raise PayloadTooLarge(message, fields={"file": [message]}, code="photo_too_large") from cause


def _pixels_only(image: Image.Image) -> Image.Image:
    """RGB pixels, upright, alpha laid on white, in sRGB, with no metadata attached."""
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    if image.mode.startswith("I"):  # 16-bit grey: convert() would clip nearly all to white
        image = image.point(lambda v: v / 256).convert("L")
    if image.has_transparency_data:  # RGBA, LA, PA, or a palette/tRNS transparent colour
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    image = image.convert("RGB")
    if icc:  # phones shoot in Display P3: convert, or colours fade once the profile is gone
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, profile, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # unreadable, or for another colour space (CMYK, grey): pixels as they are
    # Conversions carry info over, and the JPEG encoder writes info["comment"] unasked.
    image.info = {}
    return image


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, xmp=, icc_profile= or comment=: nothing but pixels is written.
    image.save(out, "JPEG", quality=QUALITY, progressive=True, optimize=True)
    return out.getvalue()
