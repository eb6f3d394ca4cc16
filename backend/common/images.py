"""Uploaded pictures reduced to their pixels: opened only if they really are a JPEG, PNG or
WebP of a sane size, turned upright, and re-encoded with no EXIF (GPS), XMP, ICC profile,
comment or PNG text left. Pure: bytes in, bytes out. Ticket photos (tickets.photos) and every
other uploaded picture (uploads.keep) go through here; each caller words its own refusals."""

import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import ExifTags, Image, ImageCms

# What Pillow detects -> what we call it. "MPO" is a JPEG with more pictures after the first
# (many phones' photos, e.g. Ultra HDR gain maps): a JPEG to whoever took it.
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
QUALITY = 85
MAX_PIXELS = 40_000_000  # DESIGN.md: photos of at most 40 megapixels
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


class NotAPicture(Exception):
    """Not a JPEG, PNG or WebP by its content, or damaged."""


class TooManyPixels(Exception):
    """Over the pixel limit, or a decompression bomb."""


@contextmanager
def opened(
    data: bytes, max_pixels: int = MAX_PIXELS, side: int | None = None
) -> Iterator[tuple[Image.Image, str]]:
    """The picture in ``data``, decoded (its first frame only), and its format: "JPEG", "PNG"
    or "WEBP". Pillow's errors on damaged bytes inside the ``with`` block (converting,
    encoding) are NotAPicture too.

    :param side: a JPEG far larger than this is decoded at 1/2, 1/4 or 1/8 scale, as long as
        that still covers ``side`` (for a caller that keeps no more).
    :raises TooManyPixels: over ``max_pixels`` (refused before any pixel is decoded), or a
        decompression bomb.
    :raises NotAPicture: anything else, or damaged.
    """
    try:
        with warnings.catch_warnings():
            # Metadata is thrown away: Pillow's complaints about damaged EXIF are not news.
            warnings.simplefilter("ignore", UserWarning)
            # Pillow only warns between its limit and twice that; here a bomb is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as image:
                kind = FORMATS.get(image.format)
                if kind is None:  # formats= above should make this impossible
                    raise NotAPicture(image.format)
                # open() has read the header only: refuse before any pixel is decoded.
                if image.width * image.height > max_pixels:
                    raise TooManyPixels(image.size)
                if side is not None:
                    image.draft(image.mode, fitted(image.size, side))
                # An animated PNG/WebP or an MPO is decoded at its first frame only: that is
                # the picture people see in a gallery, and the other frames cost time for
                # nothing (a thousand-frame APNG would otherwise be a CPU bomb).
                image.load()
                yield image, kind
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels(str(error)) from error
    except BROKEN as error:
        raise NotAPicture(str(error)) from error


def turn_upright(image: Image.Image) -> Image.Transpose | None:
    """What its EXIF Orientation asks for to show ``image`` upright, or None."""
    return UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation))


def pixels_only(image: Image.Image) -> Image.Image:
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
    _to_srgb(image, icc)
    # Conversions carry info over, and the JPEG encoder writes info["comment"] unasked.
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc: bytes | None) -> None:
    """Turn an RGB or RGBA ``image`` tagged with ``icc`` into sRGB, in place."""
    if not icc or image.mode not in ("RGB", "RGBA"):
        return
    try:  # iPhones shoot and Macs screenshot in Display P3: colours fade once it is gone
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        # Most Android phones tag sRGB itself: sRGB to sRGB would cost 350 ms at 12 MP.
        if not (profile.profile.profile_description or "").startswith("sRGB"):
            ImageCms.profileToProfile(image, profile, SRGB, inPlace=True)
    except (ImageCms.PyCMSError, OSError):
        pass  # unreadable, or for another colour space (CMYK, grey): pixels as they are


def fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled down, keeping its aspect, so that its longest side is at most ``side``."""
    scale = side / max(size)
    if scale >= 1:
        return size
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def jpeg(image: Image.Image, optimize: bool = True) -> bytes:
    out = io.BytesIO()
    # No exif=, xmp=, icc_profile= or comment=: nothing but pixels is written.
    image.save(out, "JPEG", quality=QUALITY, optimize=optimize)
    return out.getvalue()


def reencoded(data: bytes, max_pixels: int = MAX_PIXELS) -> bytes:
    """``data`` as the same kind of picture at its full size, upright, with nothing but its
    pixels: a JPEG as a JPEG at QUALITY, a PNG as a lossless PNG in its own colour mode (a
    screenshot of a document stays sharp, its transparency stays), a WebP as a WebP.

    :raises TooManyPixels, NotAPicture: as ``opened``.
    """
    with opened(data, max_pixels) as (image, kind):
        turn = turn_upright(image)
        if kind == "JPEG":
            image, transparency = pixels_only(image), None
        else:
            # Part of the pixels, not metadata: which palette entry or colour is see-through.
            transparency = image.info.get("transparency")
            _to_srgb(image, image.info.get("icc_profile"))
            image.info = {}  # text chunks, eXIf, iCCP, XMP: the encoder writes none of it
        if turn is not None:
            image = image.transpose(turn)
        if kind == "JPEG":
            return jpeg(image)
        out = io.BytesIO()
        options = {} if transparency is None else {"transparency": transparency}
        if kind == "WEBP":
            options["quality"] = QUALITY
        image.save(out, kind, **options)
        return out.getvalue()
