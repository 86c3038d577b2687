"""Error pages a school's users may see: in the site's look, translated, without internals; the
500 page renders without the database or a request context. And DEBUG is off unless asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import include, path
from django.utils import translation
from django.views.defaults import server_error


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: SCHOOLBRUG_SECRET_KEY=abc")


def forbidden_view(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("broken/", broken_view),
    path("forbidden/", forbidden_view),
    path("", include("config.urls")),
]

STYLESHEET = "/static/schoolbrug/app.css"


class ServerErrorPageTests(SimpleTestCase):
    """SimpleTestCase: any database query here fails the test."""

    def test_the_500_page_renders_in_the_sites_look_without_database_or_request_context(self) -> None:
        with translation.override("nl"):
            response = server_error(RequestFactory().get("/portal/"))
        self.assertEqual(response.status_code, 500)
        html = response.content.decode()
        self.assertIn('<html lang="nl">', html)
        self.assertIn(STYLESHEET, html)
        self.assertIn("<h1>Er ging iets mis</h1>", html)
        self.assertIn('href="/"', html)
        self.assertNotIn("Something went wrong", html)
        # The language form needs a request (next page, CSRF token): not on this page.
        self.assertNotIn('action="/i18n/setlang/"', html)

    def test_the_500_page_follows_the_active_language(self) -> None:
        with translation.override("en"):
            html = server_error(RequestFactory().get("/")).content.decode()
        self.assertIn("<h1>Something went wrong</h1>", html)


@override_settings(ROOT_URLCONF=__name__)
class ErrorPagesThroughTheStackTests(TestCase):
    def test_an_exception_in_a_view_answers_the_friendly_500_page_without_internals(self) -> None:
        client = Client(raise_request_exception=False)
        response = client.get("/broken/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Er ging iets mis", status_code=500)
        self.assertContains(response, STYLESHEET, status_code=500)
        self.assertNotContains(response, "secret internals", status_code=500)
        self.assertNotContains(response, "Traceback", status_code=500)
        english = client.get("/broken/", headers={"accept-language": "en"})
        self.assertContains(english, "Something went wrong", status_code=500)

    def test_unknown_page_answers_the_translated_404_page_without_url_patterns(self) -> None:
        response = self.client.get("/bestaat-niet/")
        self.assertContains(response, "<h1>Pagina niet gevonden</h1>", status_code=404)
        self.assertContains(response, STYLESHEET, status_code=404)
        self.assertNotContains(response, "URLconf", status_code=404)
        self.assertNotContains(response, "portal/", status_code=404)
        english = self.client.get("/bestaat-niet/", headers={"accept-language": "en"})
        self.assertContains(english, "<h1>Page not found</h1>", status_code=404)

    def test_forbidden_answers_the_translated_403_page(self) -> None:
        response = self.client.get("/forbidden/")
        self.assertContains(response, "<h1>Niet toegestaan</h1>", status_code=403)
        self.assertContains(response, STYLESHEET, status_code=403)

    def test_an_unknown_host_answers_the_translated_400_page(self) -> None:
        response = self.client.get("/accounts/login/", headers={"host": "evil.example"})
        self.assertContains(response, "<h1>Verzoek niet begrepen</h1>", status_code=400)
        self.assertContains(response, STYLESHEET, status_code=400)
        self.assertNotContains(response, "evil.example", status_code=400)

    def test_a_form_without_csrf_token_answers_the_translated_403_page(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"username": "a@b.nl", "password": "x"})
        self.assertContains(response, "<h1>Het formulier is verlopen</h1>", status_code=403)
        self.assertContains(response, STYLESHEET, status_code=403)
        self.assertNotContains(response, "CSRF", status_code=403)


def _settings_in_a_fresh_process(tmp_path: Path, **env: str) -> str:
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "SCHOOLBRUG_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
        | env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return result.stdout.strip()


def test_debug_is_off_in_the_embedded_default(tmp_path: Path) -> None:
    # The test runner forces DEBUG off in this process; a fresh one shows what `make run` gets.
    assert _settings_in_a_fresh_process(tmp_path) == "False"


def test_debug_is_on_when_asked_for(tmp_path: Path) -> None:
    assert _settings_in_a_fresh_process(tmp_path, SCHOOLBRUG_DEBUG="1") == "True"
