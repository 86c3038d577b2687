"""Time of the media pipeline's image work for one phone photo (no database involved).

    .venv/bin/python bench/media.py [--runs 5]

Prints the median time of checking + re-encoding a 12 MP JPEG and a 12 MP HEIC on upload
(`inspection.clean_image`, done in the request) and of making its two renditions
(decode + `tasks.renditions_of`, done in the task worker), with the sizes before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from PIL import Image  # noqa: E402

from schoolbrug.media.inspection import clean_image  # noqa: E402
from schoolbrug.media.tasks import SCREEN_SIDE, renditions_of  # noqa: E402


def photo(size: tuple[int, int] = (4032, 3024)) -> Image.Image:
    # Noise compresses like a real photo; a flat colour would flatter the encoder.
    small = Image.effect_noise((size[0] // 8, size[1] // 8), 60).convert("RGB")
    return small.resize(size, Image.Resampling.BICUBIC)


def median_ms(func, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    image = photo()
    for fmt in ("JPEG", "HEIF"):
        out = io.BytesIO()
        image.save(out, format=fmt, quality=90)
        data = out.getvalue()
        cleaned = clean_image(data, f"photo.{fmt.lower()}")
        upload_ms = median_ms(lambda data=data, fmt=fmt: clean_image(data, f"photo.{fmt.lower()}"), runs)
        print(
            f"{fmt} 4032x3024 {len(data) / 1e6:.1f} MB -> JPEG {len(cleaned.data) / 1e6:.1f} MB: "
            f"upload check + re-encode median {upload_ms:.0f} ms"
        )

    def rendition_run() -> dict[str, bytes]:
        # As the task does it: decode the stored JPEG at reduced scale, then render.
        with Image.open(io.BytesIO(cleaned.data)) as decoded:
            decoded.draft("RGB", (SCREEN_SIDE, SCREEN_SIDE))
            decoded.load()
            return renditions_of(decoded)

    sizes = rendition_run()
    ms = median_ms(rendition_run, runs)
    print(
        f"renditions (screen {len(sizes['screen']) / 1e3:.0f} kB, thumbnail {len(sizes['thumbnail']) / 1e3:.0f} kB): "
        f"median {ms:.0f} ms"
    )


if __name__ == "__main__":
    main()
