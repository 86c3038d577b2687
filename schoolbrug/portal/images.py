"""Validation and re-encoding of the dashboard image (POR-1), safe against image bombs.

The checks run before any pixel is decoded: the header gives format and size, so a small file
that declares 40 000 x 40 000 pixels is refused without allocating memory for it.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MIN_SIDE = 170
# Far above any real dashboard image and far below what could exhaust a worker's memory.
MAX_SIDE = 4096
MAX_BYTES = 5 * 1024 * 1024
STORED_SIDE = 512
# Pillow refuses to open larger images at all (DecompressionBombError at twice this value);
# 4096 x 4096 is the largest we accept anyway, so nothing legitimate is lost.
Image.MAX_IMAGE_PIXELS = min(Image.MAX_IMAGE_PIXELS or MAX_SIDE * MAX_SIDE, MAX_SIDE * MAX_SIDE)


def validated_dashboard_png(upload: IO[bytes], size: int | None = None) -> bytes:
    """Returns the image re-encoded as PNG (no metadata), or raises ValidationError with the reason."""
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    try:
        with warnings.catch_warnings():
            # Between the limit and twice the limit Pillow only warns: treat it as the bomb it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    raise ValidationError(
                        _("The image may be at most %(max)s × %(max)s pixels.") % {"max": MAX_SIDE},  # noqa: RUF001
                        code="too_many_pixels",
                    )
                if width != height:
                    raise ValidationError(
                        _("The image must be square; this one is %(width)s × %(height)s pixels.")  # noqa: RUF001
                        % {"width": width, "height": height},
                        code="not_square",
                    )
                if width < MIN_SIDE:
                    raise ValidationError(
                        _("The image must be at least %(min)s × %(min)s pixels; this one is %(width)s × %(height)s.")  # noqa: RUF001
                        % {"min": MIN_SIDE, "width": width, "height": height},
                        code="too_small",
                    )
                image.load()
                converted = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("The image has too many pixels."), code="too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a JPEG, PNG or WebP image, or it is damaged."), code="invalid_image"
        ) from error
    if converted.width > STORED_SIDE:
        converted = converted.resize((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Re-encoding drops EXIF (GPS) and anything hidden after the image data.
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()
