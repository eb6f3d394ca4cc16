"""Ticket photos: what backend.tickets.photos.process costs per upload, as milliseconds and as a
ratio to merely decoding the same JPEG on the same machine.

1. A 12-megapixel phone photo (4000×3000 JPEG, gradients, detail and grain so it compresses like
   a photo, with EXIF: Orientation 6 and GPS, and an sRGB ICC profile as phones embed one),
   built once.
2. process() over it RUNS times (median and p90), then process() plus storage.put of the full
   photo and the thumbnail into a LocalStorage in a temporary directory (emptied between runs:
   storage is content-addressed, so the same bytes would otherwise be written only once).
3. The worst photo we take: 40 megapixels (7744×5160), a few runs.
It prints; it asserts nothing about time.
"""

import io
import os
import shutil
import statistics
import tempfile
import time

from flask import Flask
from PIL import ExifTags, Image, ImageCms

from backend.common import storage
from backend.tickets import photos

RUNS = int(os.environ.get("LINLI_BENCH_PHOTOS_RUNS", "10"))
WORST_RUNS = 3
SIZE = (4000, 3000)  # 12 MP, a phone's main camera
WORST = (7744, 5160)  # just under 40 MP


def _phone_photo(size: tuple[int, int]) -> bytes:
    """A JPEG that compresses like a photo (smooth sky, sharp detail, sensor grain), with EXIF
    and a colour profile."""
    grain = Image.effect_noise(size, 18)
    sky = Image.linear_gradient("L").resize(size)
    detail = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 80)
    side = Image.linear_gradient("L").rotate(90).resize(size)
    channels = [Image.blend(layer, grain, 0.25) for layer in (detail, sky, side)]
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "BenchPhone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (24.0, 55.0, 12.0)}
    )
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.merge("RGB", channels).save(out, "JPEG", quality=90, exif=exif, icc_profile=icc)
    return out.getvalue()


def _decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def _times_ms(actions: dict, runs: int, after=None) -> dict[str, list[float]]:
    """Milliseconds of each action, taking turns run by run (a busy machine drifts), with
    ``after()`` outside the timing."""
    for action in actions.values():
        action()  # warm up: imports, caches, the allocator
        if after:
            after()
    times = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - started) * 1000)
            if after:
                after()
    return times


def _p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10, method="inclusive")[-1]


def main() -> None:
    data = _phone_photo(SIZE)
    photo = photos.process(data)
    root = tempfile.mkdtemp(prefix="linli-bench-photos-")
    app = Flask(__name__)  # storage.put only needs an app's config; no database here
    app.config.update(STORAGE_BACKEND="local", STORAGE_DIR=root)

    def process_and_put():
        done = photos.process(data)
        storage.put(done.full, ".jpg", "image/jpeg")
        storage.put(done.thumb, ".jpg", "image/jpeg")

    def empty_storage():
        shutil.rmtree(root)
        os.mkdir(root)

    try:
        with app.app_context():
            times = _times_ms(
                {
                    "decode only (Image.open + load)": lambda: _decode(data),
                    "process()": lambda: photos.process(data),
                    "process() + storage.put ×2 (local)": process_and_put,
                },
                RUNS,
                after=empty_storage,
            )
        worst_data = _phone_photo(WORST)
        worst = _times_ms({"worst": lambda: photos.process(worst_data)}, WORST_RUNS)["worst"]
    finally:
        shutil.rmtree(root, ignore_errors=True)

    base = statistics.median(times["decode only (Image.open + load)"])
    print(f"photos: {RUNS} runs each, taking turns (median, p90), one process")
    print(
        f"  input: {SIZE[0]}×{SIZE[1]} JPEG, {len(data) / 2**20:.1f} MB,"
        " EXIF Orientation 6 + GPS, sRGB ICC profile"
    )
    print(
        f"  output: full {photo.width}×{photo.height} {len(photo.full) / 2**20:.1f} MB,"
        f" thumb {len(photo.thumb) / 1024:.0f} KB"
    )
    for label, runs in times.items():
        median = statistics.median(runs)
        print(
            f"  {label:36} {median:7.1f} ms  p90 {_p90(runs):7.1f} ms"
            f"  ({median / base:.1f}x decode)"
        )
    median = statistics.median(worst)
    print(
        f"  worst accepted, {WORST[0]}×{WORST[1]} ({WORST[0] * WORST[1] / 1e6:.0f} MP,"
        f" {len(worst_data) / 2**20:.1f} MB), process(): {median:.0f} ms median of {WORST_RUNS}"
    )
