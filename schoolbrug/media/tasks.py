"""Background work: the screen and thumbnail renditions of a stored photo."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.tasks import task
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

SCREEN_SIDE = 1600
THUMBNAIL_SIDE = 400
WEBP_QUALITY = 80


def _webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def renditions_of(original: Image.Image) -> dict[str, bytes]:
    """The screen and thumbnail renditions of a decoded photo, as WebP."""
    screen = original.copy()
    screen.thumbnail((SCREEN_SIDE, SCREEN_SIDE), Image.Resampling.LANCZOS)
    # From the screen rendition: resampling 12 megapixels once is enough.
    thumbnail = ImageOps.fit(screen, (THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return {"screen": _webp(screen), "thumbnail": _webp(thumbnail)}


@task()
def make_renditions(stored_file_id: int) -> None:
    """Idempotent: a rendition already made is kept, and of two runs at once only one result is
    recorded (conditional update); the other's file is deleted again."""
    from .models import StoredFile
    from .services import random_name
    from .signals import delete_names
    from .storage import private_storage

    stored = StoredFile.objects.filter(pk=stored_file_id, kind=StoredFile.Kind.IMAGE).first()
    if stored is None or (stored.screen and stored.thumbnail):
        return  # deleted meanwhile, not a photo, or already done
    # The stored original is our own clean re-encoding, checked for its size on upload.
    with private_storage.open(str(stored.file), "rb") as handle, Image.open(handle) as original:
        if original.format == "JPEG":
            # Decode at reduced scale (never below the screen size): a fraction of the work.
            original.draft("RGB", (SCREEN_SIDE, SCREEN_SIDE))
        original.load()
        renditions = renditions_of(original)
    for field, data in renditions.items():
        if getattr(stored, field):
            continue
        name = private_storage.save(random_name(".webp"), ContentFile(data))
        recorded = StoredFile.objects.filter(pk=stored.pk, **{field: ""}).update(**{field: name})
        if not recorded:
            delete_names([name])
