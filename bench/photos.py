"""Ticket photos: what backend.tickets.photos.process costs per upload, in milliseconds and as
a ratio to what Pillow itself takes to decode the same photo and encode it again at the same
JPEG quality (images.QUALITY): the floor for any re-encoding pipeline.

1. A 12-megapixel phone photo (4032×3024 JPEG, a phone's main camera; gradients, detail and
   grain so it compresses like a photo, with EXIF: Orientation 6 and GPS, and an sRGB ICC
   profile as phones embed one), built deterministically once.
2. Taking turns run by run, RUNS times each: Pillow's decode only, Pillow's decode + encode,
   process(), and process() plus storage.put of the full photo and the thumbnail into a
   LocalStorage in a temporary directory (emptied between runs: storage is content-addressed,
   so the same bytes would otherwise be written only once). Each is timed by the wall clock
   (median, p90) and by the process's CPU time, which another job on the machine disturbs
   far less.
3. The worst photo we take: 40 megapixels (7744×5160, scaled down to 4096), a few runs.
It prints; it asserts nothing about time.
"""

import io
import os
import random
import shutil
import statistics
import tempfile
import time

from flask import Flask
from PIL import ExifTags, Image, ImageCms

from backend.common import images, storage
from backend.tickets import photos

RUNS = int(os.environ.get("LINLI_BENCH_PHOTOS_RUNS", "10"))
WORST_RUNS = 3
SIZE = (4032, 3024)  # 12 MP, a phone's main camera
WORST = (7744, 5160)  # just under 40 MP
BASE = "Pillow decode + encode"


def phone_photo(size: tuple[int, int]) -> bytes:
    """A JPEG that compresses like a photo (smooth sky, sharp detail, sensor grain), with EXIF
    and a colour profile; the same bytes every run."""
    # Seeded grain, uniform over 128 ± 31 (Pillow's effect_noise follows no seed).
    noise = random.Random(size[0] * size[1]).randbytes(size[0] * size[1])
    grain = Image.frombytes("L", size, noise).point(lambda v: 97 + v * 62 // 255)
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
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[24:36] = bytes(12)  # the profile's creation time, written by LittleCMS
    Image.merge("RGB", channels).save(out, "JPEG", quality=90, exif=exif, icc_profile=bytes(icc))
    return out.getvalue()


def _decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image


def _decode_encode(data: bytes) -> bytes:
    """What Pillow alone does to re-encode a photo at our quality, nothing more."""
    out = io.BytesIO()
    _decode(data).save(out, "JPEG", quality=images.QUALITY)
    return out.getvalue()


def _times_ms(actions: dict, runs: int, after=None) -> dict[str, tuple[list, list]]:
    """(wall, CPU) milliseconds of each action, taking turns run by run (a busy machine
    drifts), with ``after()`` outside the timing."""
    for action in actions.values():
        action()  # warm up: imports, caches, the allocator
        if after:
            after()
    times = {name: ([], []) for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            times[name][0].append((time.perf_counter() - wall) * 1000)
            times[name][1].append((time.process_time() - cpu) * 1000)
            if after:
                after()
    return times


def _p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10, method="inclusive")[-1]


def _print(times: dict[str, tuple[list, list]]) -> None:
    base_wall, base_cpu = (statistics.median(t) for t in times[BASE])
    for label, (wall, cpu) in times.items():
        median, cpu_median = statistics.median(wall), statistics.median(cpu)
        print(
            f"  {label:34} {median:7.1f} ms  p90 {_p90(wall):7.1f}  CPU {cpu_median:6.1f} ms"
            f"  ratio {median / base_wall:.2f} (CPU {cpu_median / base_cpu:.2f})"
        )


def main() -> None:
    data = phone_photo(SIZE)
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
                    BASE: lambda: _decode_encode(data),
                    "Pillow decode only": lambda: _decode(data),
                    "process()": lambda: photos.process(data),
                    "process() + storage.put ×2 (local)": process_and_put,
                },
                RUNS,
                after=empty_storage,
            )
        worst_data = phone_photo(WORST)
        worst = _times_ms(
            {
                BASE: lambda: _decode_encode(worst_data),
                "process()": lambda: photos.process(worst_data),
            },
            WORST_RUNS,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"photos: {RUNS} runs each, taking turns (median), one process; ratio to {BASE}")
    print(
        f"  input: {SIZE[0]}×{SIZE[1]} JPEG, {len(data) / 2**20:.1f} MB,"
        " EXIF Orientation 6 + GPS, sRGB ICC profile"
    )
    print(
        f"  output: full {photo.width}×{photo.height} {len(photo.full) / 2**20:.1f} MB,"
        f" thumb {len(photo.thumb) / 1024:.0f} KB, JPEG quality {images.QUALITY};"
        f" Pillow's own encode: {len(_decode_encode(data)) / 2**20:.1f} MB"
    )
    _print(times)
    print(
        f"  worst accepted, {WORST[0]}×{WORST[1]} ({WORST[0] * WORST[1] / 1e6:.0f} MP,"
        f" {len(worst_data) / 2**20:.1f} MB), median of {WORST_RUNS}:"
    )
    _print(worst)
