"""Validation and re-encoding of uploaded images, safe against image bombs.

One mechanism for every uploaded picture (the school's dashboard image, a pupil's photo): the
checks run before any pixel is decoded, since the header gives format and size, so a small file
that declares 40 000 x 40 000 pixels is refused without allocating memory for it. The result is
always a fresh PNG without metadata; callers store it under a name the server chooses
(`random_png_name`) and serve it only behind their own permission check, never as a public file.
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# Far above any real school picture and far below what could exhaust a worker's memory.
MAX_SIDE = 4096
MAX_BYTES = 5 * 1024 * 1024
# The sides are checked from the header below, before any pixel is decoded. Pillow's global
# MAX_IMAGE_PIXELS is left at its default: photos (schoolbrug.media) have a larger limit of
# their own, and a lower global would refuse them with Pillow's error instead.


def random_png_name() -> str:
    # The server chooses the name: an uploaded name never reaches the file system.
    return f"{uuid.uuid4().hex}.png"


def validated_png(
    upload: IO[bytes], size: int | None = None, *, min_side: int, stored_side: int, square: bool
) -> bytes:
    """Returns the image re-encoded as PNG (no metadata), at most `stored_side` pixels on its
    longest side, or raises ValidationError with the reason. `min_side` applies to the shortest
    side; `square` refuses anything else."""
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
                if square and width != height:
                    raise ValidationError(
                        _("The image must be square; this one is %(width)s × %(height)s pixels.")  # noqa: RUF001
                        % {"width": width, "height": height},
                        code="not_square",
                    )
                if min(width, height) < min_side:
                    raise ValidationError(
                        _("The image must be at least %(min)s × %(min)s pixels; this one is %(width)s × %(height)s.")  # noqa: RUF001
                        % {"min": min_side, "width": width, "height": height},
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
    if max(converted.size) > stored_side:
        converted.thumbnail((stored_side, stored_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Re-encoding drops EXIF (GPS) and anything hidden after the image data.
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()
