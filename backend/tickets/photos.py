"""Ticket photos (随手拍): only real JPEG, PNG or WebP pictures of a sane size are taken, and
only their pixels are kept: turned upright, re-encoded as JPEG with no EXIF (GPS), XMP, ICC or
comment left, plus a thumbnail. Pure: bytes in, bytes out; storing them is the caller's job."""

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageCms

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
# EXIF Orientation -> what turns the stored pixels upright (as ImageOps.exif_transpose does).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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
                if source_format is None:  # formats= above should make this impossible
                    _unsupported()
                # open() has read the header only: refuse before any pixel is decoded.
                if image.width * image.height > max_pixels:
                    _too_large(too_many_pixels)
                # A JPEG far over FULL_SIDE (a panorama) is decoded at 1/2, 1/4 or 1/8 scale
                # by libjpeg itself, as long as that still covers what is kept.
                image.draft(image.mode, _fitted(image.size, FULL_SIDE))
                # An animated PNG/WebP or an MPO is decoded at its first frame only: that is
                # the picture people see in a gallery, and the other frames cost time for
                # nothing (a thousand-frame APNG would otherwise be a CPU bomb).
                image.load()
                turn = UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation))
                # Bicubic costs a quarter less than Lanczos (40 MP: 390 vs 510 ms), 52 dB PSNR
                # apart: no one sees it in a photo kept at 4096.
                full = _fit(_pixels_only(image), FULL_SIDE, Image.Resampling.BICUBIC, 2.0)
                if turn is not None:  # turned once scaled down: fewer pixels to move
                    full = full.transpose(turn)
                # 8×8 box averages then Lanczos: half the time of 4×4 first (12 MP: 11 vs 21
                # ms), 49.5 dB PSNR to an exact Lanczos thumbnail (a JPEG at 85 is about 40).
                thumb = _fit(full, THUMB_SIDE, Image.Resampling.LANCZOS, 1.0)
                # Optimized Huffman tables save 13-15% of the full photo's bytes for twice a
                # plain encode's time (12 MP: 40 vs 85 ms of CPU); on a thumbnail they cost
                # nothing and it is the one fetched over and over, in every list and map.
                # Progressive would save 3% more for four times a plain encode (12 MP: 180 ms).
                return ProcessedPhoto(
                    _jpeg(full, optimize=False), _jpeg(thumb), *full.size, source_format
                )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        _too_large(too_many_pixels, error)
    except BROKEN as error:
        _unsupported(error)


def _too_large(message: str, cause: Exception | None = None):
    raise PayloadTooLarge(message, fields={"file": [message]}, code="photo_too_large") from cause


def _unsupported(cause: Exception | None = None):
    fields = {"file": [UNSUPPORTED]}
    raise UnsupportedMediaType(UNSUPPORTED, fields=fields, code="unsupported_photo") from cause


def _pixels_only(image: Image.Image) -> Image.Image:
    """RGB pixels, alpha laid on white, in sRGB, with no metadata attached (the EXIF
    orientation not applied)."""
    icc = image.info.get("icc_profile")
    if image.mode.startswith("I"):  # 16-bit grey: convert() would clip nearly all to white
        image = image.point(lambda v: v / 256).convert("L")
    if image.has_transparency_data:  # RGBA, LA, PA, or a palette/tRNS transparent colour
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    if image.mode != "RGB":
        image = image.convert("RGB")
    if icc:  # iPhones shoot in Display P3: convert, or colours fade once the profile is gone
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # Most Android phones tag sRGB itself: sRGB to sRGB would cost 350 ms at 12 MP.
            if not (profile.profile.profile_description or "").startswith("sRGB"):
                ImageCms.profileToProfile(image, profile, SRGB, outputMode="RGB", inPlace=True)
        except (ImageCms.PyCMSError, OSError):
            pass  # unreadable, or for another colour space (CMYK, grey): pixels as they are
    # Conversions carry info over, and the JPEG encoder writes info["comment"] unasked.
    image.info = {}
    return image


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled down, keeping its aspect, so that its longest side is at most ``side``."""
    scale = side / max(size)
    if scale >= 1:
        return size
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _fit(
    image: Image.Image, side: int, resample: Image.Resampling, reducing_gap: float
) -> Image.Image:
    """``image`` scaled down to ``_fitted`` its size (never enlarged). Pillow first box-averages
    whole blocks of pixels down to ``reducing_gap`` times the size, then filters the rest."""
    size = _fitted(image.size, side)
    if size == image.size:
        return image
    return image.resize(size, resample, reducing_gap=reducing_gap)


def _jpeg(image: Image.Image, optimize: bool = True) -> bytes:
    out = io.BytesIO()
    # No exif=, xmp=, icc_profile= or comment=: nothing but pixels is written.
    image.save(out, "JPEG", quality=QUALITY, optimize=optimize)
    return out.getvalue()
