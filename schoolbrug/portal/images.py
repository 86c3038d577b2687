"""The dashboard image (POR-1): a square picture, validated and re-encoded by `core.images`."""

from __future__ import annotations

from typing import IO

from schoolbrug.core.images import validated_png

MIN_SIDE = 170
STORED_SIDE = 512


def validated_dashboard_png(upload: IO[bytes], size: int | None = None) -> bytes:
    """Returns the image re-encoded as PNG (no metadata), or raises ValidationError with the reason."""
    return validated_png(upload, size, min_side=MIN_SIDE, stored_side=STORED_SIDE, square=True)
