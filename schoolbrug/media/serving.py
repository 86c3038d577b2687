"""Serving a stored file.

!!! THE CALLER HAS ALREADY CHECKED PERMISSION. !!!
`serve_stored_file` checks nothing about who asks: the view that calls it must have found
`stored` through its own visibility selector (e.g. the announcement or conversation the file is
attached to, via `get_..._for_user_or_404`), answering 404 for missing and "not yours" alike.
Never look a StoredFile up by id from the request and serve it directly.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from .models import StoredFile
from .storage import private_storage

Rendition = Literal["original", "screen", "thumbnail"]


def rendition_name(stored: StoredFile, rendition: Rendition) -> tuple[str, str]:
    """The storage name and content type to serve; the cleaned original until the task worker
    has made the rendition."""
    if rendition != "original":
        field = stored.screen if rendition == "screen" else stored.thumbnail
        if field:
            return str(field), "image/webp"
    return str(stored.file), stored.content_type


def serve_stored_file(
    request: HttpRequest,
    stored: StoredFile,
    *,
    rendition: Rendition = "original",
    as_attachment: bool | None = None,
) -> HttpResponseBase:
    """The file's response: inline for photos, a download for documents (unless `as_attachment`
    says otherwise for a photo), with the original name (RFC 6266 `filename*`). With
    `SCHOOLBRUG_MEDIA_ACCEL_REDIRECT` set, nginx sends the bytes (X-Accel-Redirect)."""
    if rendition not in ("original", "screen", "thumbnail"):
        raise ValueError(f"unknown rendition {rendition!r}")
    name, content_type = rendition_name(stored, rendition)
    attachment = not stored.is_image if as_attachment is None else (as_attachment or not stored.is_image)
    accel = settings.SCHOOLBRUG_MEDIA_ACCEL_REDIRECT
    response: HttpResponseBase
    if accel:
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{quote(name)}"
    else:
        try:
            handle = private_storage.open(name, "rb")
        except (OSError, FileNotFoundError):
            # A file lost from storage (a restore without media) is missing, not a server error.
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(private_storage.size(name))
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition_header(attachment, stored.original_name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if not stored.is_image:
        # A document opened in the browser (a PDF) runs no script and reaches nothing of the site.
        response["Content-Security-Policy"] = "sandbox"
    return response
