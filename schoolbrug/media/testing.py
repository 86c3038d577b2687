"""Test helpers for apps that store uploads (announcements, conversations)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from PIL import Image


def private_storage_in(settings: Any, directory: Path) -> None:
    """Points the private storage at `directory` (pytest-django's `settings` fixture), so tests
    never write into var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": directory, "base_url": None},
        },
    }


def response_body(response: Any) -> bytes:
    """The body of a served file, with the response closed (its file handle released)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # Closing a response sends request_finished, which closes the database connection (and with it
    # the test's transaction) on PostgreSQL; Django's test client disconnects it the same way.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return bytes(body)


def jpeg_upload(name: str = "foto.jpg", size: tuple[int, int] = (64, 48), color: str = "red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf_upload(name: str = "brief.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
