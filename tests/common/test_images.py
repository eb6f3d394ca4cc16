"""backend.common.images.reencoded: a picture kept as the same kind of picture, its pixels
only; what a PNG's pixels need (transparency, colours) survives, and the pixel limit holds."""

import io

import pytest
from PIL import ExifTags, Image

from backend.common import images
from tests.tickets.test_photos import SRGB_BLUE, SRGB_GREEN, SRGB_RED, blank_png, icc_rgb


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_palette_png_keeps_its_palette_and_its_transparent_colour():
    source = Image.new("P", (30, 20))
    source.putpalette([255, 0, 0, 0, 0, 255] * 128)
    source.paste(1, (0, 0, 10, 20))

    kept = opened(images.reencoded(encode(source, "PNG", transparency=0)))

    assert (kept.mode, kept.size, kept.info) == ("P", (30, 20), {"transparency": 0})
    assert kept.convert("RGBA").getpixel((5, 5)) == (0, 0, 255, 255)
    assert kept.convert("RGBA").getpixel((25, 5))[3] == 0


def test_a_png_in_another_colour_space_is_turned_into_srgb_keeping_its_alpha():
    swapped = icc_rgb(SRGB_GREEN, SRGB_RED, SRGB_BLUE)  # shows stored red as green
    source = Image.new("RGBA", (8, 8), (255, 0, 0, 128))

    kept = opened(images.reencoded(encode(source, "PNG", icc_profile=swapped)))

    assert kept.mode == "RGBA" and "icc_profile" not in kept.info
    assert kept.getpixel((4, 4)) == (0, 255, 0, 128)


def test_a_webp_stays_a_webp_upright_without_exif():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    source = encode(Image.new("RGBA", (60, 40), (0, 0, 255, 128)), "WEBP", exif=exif)

    kept = opened(images.reencoded(source))

    assert (kept.format, kept.mode, kept.size) == ("WEBP", "RGBA", (40, 60))
    assert len(kept.getexif()) == 0 and b"Exif" not in images.reencoded(source)


def test_over_the_pixel_limit_or_damaged_is_refused():
    with pytest.raises(images.TooManyPixels):
        images.reencoded(blank_png(8000, 5001))  # 40 008 000 pixels
    assert opened(images.reencoded(blank_png(8000, 5000))).size == (8000, 5000)
    whole = encode(Image.new("RGB", (64, 64), "red"), "JPEG")
    with pytest.raises(images.NotAPicture):
        images.reencoded(whole[: len(whole) // 2] + b"\x00" * 10)
