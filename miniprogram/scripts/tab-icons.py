"""Draws the tab bar's icons (81x81 PNG, normal and selected) for app.json's tabBar.

Run with the project's Python (Pillow is a backend dependency):
    /path/to/.venv/bin/python miniprogram/scripts/tab-icons.py
The colours are the tabBar's color and selectedColor in app.json.
"""

import json
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "images" / "tabbar"
SIZE = 81
SCALE = 8  # drawn large, then shrunk, for smooth edges
STROKE = 6


def _hex(colour: str) -> tuple[int, int, int, int]:
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16), 255)


def _estate(draw: ImageDraw.ImageDraw, ink, s) -> None:
    """A house: a roof and a body with a door."""
    w = STROKE * s
    draw.line(
        [(10 * s, 40 * s), (40.5 * s, 12 * s), (71 * s, 40 * s)], fill=ink, width=w, joint="curve"
    )
    draw.rounded_rectangle([(19 * s, 36 * s), (62 * s, 70 * s)], radius=4 * s, outline=ink, width=w)
    draw.rounded_rectangle([(34 * s, 50 * s), (47 * s, 70 * s)], radius=2 * s, fill=ink)


def _my(draw: ImageDraw.ImageDraw, ink, s) -> None:
    """A person: a head and shoulders."""
    w = STROKE * s
    draw.ellipse([(27 * s, 9 * s), (54 * s, 36 * s)], outline=ink, width=w)
    draw.arc([(13 * s, 42 * s), (68 * s, 97 * s)], start=180, end=360, fill=ink, width=w)
    draw.line([(13 * s + w // 2, 69.5 * s), (68 * s - w // 2, 69.5 * s)], fill=ink, width=w)


ICONS = {"estates": _estate, "my": _my}


def draw(shape, colour: str) -> Image.Image:
    big = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
    shape(ImageDraw.Draw(big), _hex(colour), SCALE)
    return big.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    tab_bar = json.loads((ROOT / "app.json").read_text())["tabBar"]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, shape in ICONS.items():
        draw(shape, tab_bar["color"]).save(OUT / f"{name}.png", optimize=True)
        draw(shape, tab_bar["selectedColor"]).save(OUT / f"{name}-active.png", optimize=True)


if __name__ == "__main__":
    main()
