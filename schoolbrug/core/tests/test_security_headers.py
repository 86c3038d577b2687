"""Headers every page carries: CSP with a nonce, no framing, no sniffing."""

from __future__ import annotations

import re
import subprocess
import sys

from django.conf import settings
from django.test import TestCase


class SecurityHeaderTests(TestCase):
    def test_pages_carry_an_enforced_csp_whose_nonce_matches_the_scripts(self) -> None:
        response = self.client.get("/accounts/login/")
        policy = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", policy)
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertIn("object-src 'none'", policy)
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce is not None
        self.assertContains(response, f'nonce="{nonce.group(1)}"')
        self.assertNotIn("unsafe-inline", policy)

    def test_no_framing_and_no_sniffing(self) -> None:
        response = self.client.get("/accounts/login/")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_dutch_is_the_default_and_english_is_available(self) -> None:
        self.assertEqual(settings.LANGUAGE_CODE, "nl")
        self.assertContains(self.client.get("/accounts/login/"), '<html lang="nl">')
        response = self.client.get("/accounts/login/", headers={"accept-language": "en"})
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Log in to Schoolbrug")


def test_production_settings_make_cookies_secure(tmp_path: object) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.DEBUG, s.SECURE_HSTS_SECONDS)"
    )
    env = {
        "SCHOOLBRUG_PRODUCTION": "1",
        "SCHOOLBRUG_SECRET_KEY": "x" * 60,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SCHOOLBRUG_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
    ).stdout.split()  # fmt: skip
    assert out == ["True", "True", "__Host-sessionid", "False", "31536000"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path: object) -> None:
    env = {"SCHOOLBRUG_PRODUCTION": "1", "SCHOOLBRUG_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SCHOOLBRUG_SECRET_KEY must be set" in result.stderr
