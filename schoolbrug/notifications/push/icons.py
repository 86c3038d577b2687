"""The app icons of the web app manifest, drawn with Pillow.

Run `python -m schoolbrug.notifications.push.icons` after changing the drawing; the PNGs are
committed (static/push/icons/) so that no build step is needed to serve them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parent / "static" / "push" / "icons"
BLUE = (1, 114, 173, 255)
WHITE = (255, 255, 255, 255)
# (file name, size, maskable): a maskable icon keeps its drawing inside the central 80 % circle
# that every launcher shape leaves visible, and fills the whole square with the background.
ICONS = (("icon-192.png", 192, False), ("icon-512.png", 512, False), ("maskable-512.png", 512, True))


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    # Drawn four times larger and scaled down: smooth edges without anti-aliasing support in ImageDraw.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        inset = big * 0.22
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.2, fill=BLUE)
        inset = big * 0.14
    left, right = inset, big - inset
    deck = big * 0.62
    line = big * 0.06
    # A bridge: an arch over a deck, with two pillars.
    draw.arc((left, big * 0.30, right, big * 0.30 + (right - left) * 0.9), 180, 360, fill=WHITE, width=int(line))
    draw.rectangle((left, deck, right, deck + line), fill=WHITE)
    for x in (left + (right - left) * 0.2, right - (right - left) * 0.2 - line):
        draw.rectangle((x, big * 0.42, x + line, big * 0.78), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(directory: Path = ICON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size, maskable in ICONS:
        path = directory / name
        draw_icon(size, maskable=maskable).save(path, optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_icons():
        print(path)
