"""Serving: the stored type, nosniff, the original name, private caching, X-Accel-Redirect."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from schoolbrug.media.services import store_upload
from schoolbrug.media.serving import serve_stored_file
from schoolbrug.media.tasks import make_renditions
from schoolbrug.media.testing import jpeg_upload, pdf_upload
from schoolbrug.media.testing import response_body as _body
from schoolbrug.sis.models import School


def test_a_document_downloads_with_its_dutch_name_sandboxed_and_unsniffed(school: School) -> None:
    stored = store_upload(pdf_upload("Uitje naar de boerderij – groep 3 één.pdf"), school=school, uploaded_by=None)  # noqa: RUF001
    response = serve_stored_file(RequestFactory().get("/"), stored)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Uitje%20naar%20de%20boerderij%20%E2%80%93%20groep%203%20%C3%A9%C3%A9n.pdf"
    )
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Security-Policy"] == "sandbox"
    assert _body(response).startswith(b"%PDF-")


def test_a_photo_is_inline_and_its_renditions_fall_back_to_the_original(school: School) -> None:
    stored = store_upload(jpeg_upload("Klas foto.jpg"), school=school, uploaded_by=None)
    request = RequestFactory().get("/")
    response = serve_stored_file(request, stored, rendition="thumbnail")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="Klas foto.jpg"'
    assert "Content-Security-Policy" not in response
    assert _body(response)[:2] == b"\xff\xd8"
    download = serve_stored_file(request, stored, as_attachment=True)
    assert download["Content-Disposition"].startswith("attachment;")
    _body(download)

    make_renditions.call(stored.pk)
    stored.refresh_from_db()
    response = serve_stored_file(request, stored, rendition="screen")
    assert response["Content-Type"] == "image/webp"
    assert _body(response)[8:12] == b"WEBP"


def test_with_accel_redirect_nginx_sends_the_bytes(school: School, settings: Any) -> None:
    settings.SCHOOLBRUG_MEDIA_ACCEL_REDIRECT = "/internal-media/"
    stored = store_upload(pdf_upload("Brief.pdf"), school=school, uploaded_by=None)
    response = serve_stored_file(RequestFactory().get("/"), stored)
    assert response["X-Accel-Redirect"] == f"/internal-media/{stored.file!s}"
    assert _body(response) == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="Brief.pdf"'


def test_a_file_lost_from_storage_is_a_404_not_a_500(school: School) -> None:
    import pytest
    from django.http import Http404

    from schoolbrug.media.storage import private_storage

    stored = store_upload(pdf_upload(), school=school, uploaded_by=None)
    private_storage.delete(str(stored.file))
    with pytest.raises(Http404):
        serve_stored_file(RequestFactory().get("/"), stored)
