"""An administrator invites a guardian; the guardian sets a password from the mail and logs in.

The mail is read where a demo reads it: on the administrator's outbox page. An expired link
(the clock moved 8 days: the token's dates are moved back instead, which is the same for the
server) shows the "ask the school for a new link" page with status 410.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.testing import build_personas

from . import Screenshot

NEW_EMAIL = "dirk.bakker@example.nl"
NEW_PASSWORD = "fietsen langs de IJssel"


@pytest.fixture
def school(transactional_db: Any, settings: Any) -> SimpleNamespace:
    # The test runner delivers to memory; record it too, as the embedded default does.
    settings.MAILERS = {
        "default": {
            "BACKEND": "schoolbrug.core.mail.RecordingBackend",
            "OPTIONS": {"delivery_backend": "django.core.mail.backends.locmem.EmailBackend", "record_secrets": True},
        }
    }
    personas = SimpleNamespace()
    build_personas(personas)
    return personas


def log_in_administrator(page: Page, live_server: LiveServer, school: SimpleNamespace) -> None:
    """Administrators must pass two-factor authentication; a verified session stands in for it."""
    client = Client()
    verified_login(client, school.ada.user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def invite_dirk(page: Page, school: SimpleNamespace) -> None:
    guardianship = Guardianship.objects.get(pupil=school.sam, guardian=school.dirk.record)
    page.goto(f"/staff/pupils/{school.sam.pk}/")
    page.locator(f'a[href="/staff/pupils/{school.sam.pk}/guardians/{guardianship.pk}/edit/"]').click()
    page.locator("#id_guardian-email").fill(NEW_EMAIL)
    page.get_by_test_id("save-and-invite").click()
    expect(page).to_have_url(f"{page.url.split('/staff/')[0]}/staff/pupils/{school.sam.pk}/")


def newest_link_in_outbox(page: Page) -> str:
    page.get_by_test_id("nav-outbox").click()
    page.locator("[data-testid=outbox] tbody tr").first.get_by_role("link").click()
    link = page.get_by_test_id("outbox-body").locator('a[href*="/accounts/activate/"]')
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href
    return href


def guardian_context(browser: Browser, browser_context_args: dict[str, Any]) -> BrowserContext:
    # A fresh context: the guardian's own browser, without the administrator's session.
    return browser.new_context(**browser_context_args)


def test_invited_guardian_sets_a_password_and_logs_in(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    school: SimpleNamespace,
    screenshot: Screenshot,
) -> None:
    # Dirk never chose a password: a working login would confirm with its password instead.
    Account.objects.filter(pk=school.dirk.user.pk).update(password=make_password(None))
    log_in_administrator(page, live_server, school)
    invite_dirk(page, school)
    screenshot(page, "admin-invitation-sent")
    link = newest_link_in_outbox(page)
    screenshot(page, "admin-outbox-mail")
    # The link leads where the administrator works (the live server's random port): one rule
    # for every link in e-mail (docs/decisions/0010-links-in-email.md).
    assert link.startswith(f"{live_server.url}/accounts/activate/"), link
    path = link.removeprefix(live_server.url)

    context = guardian_context(browser, browser_context_args)
    guardian = context.new_page()
    response = guardian.goto(live_server.url + path)
    assert response is not None and response.status == 200
    expect(guardian.get_by_test_id("activation-username")).to_have_text(NEW_EMAIL)
    guardian.locator("#id_new_password1").fill(NEW_PASSWORD)
    guardian.locator("#id_new_password2").fill(NEW_PASSWORD)
    screenshot(guardian, "guardian-chooses-password")
    guardian.get_by_test_id("activate-submit").click()
    expect(guardian).to_have_url(f"{live_server.url}/accounts/login/")
    guardian.locator("#id_username").fill(NEW_EMAIL)
    guardian.locator("#id_password").fill(NEW_PASSWORD)
    guardian.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(guardian).to_have_url(f"{live_server.url}/portal/")
    expect(guardian.locator(".child-tabs")).to_contain_text("Sam")
    screenshot(guardian, "guardian-home")

    # The link worked once; opening it again is refused.
    response = guardian.goto(live_server.url + path)
    assert response is not None and response.status == 410
    context.close()


def test_expired_link_is_refused(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    school: SimpleNamespace,
    screenshot: Screenshot,
) -> None:
    log_in_administrator(page, live_server, school)
    invite_dirk(page, school)
    path = newest_link_in_outbox(page).removeprefix(live_server.url)
    eight_days = timedelta(days=8)
    token = ActivationToken.objects.get(account__email=NEW_EMAIL, used_at__isnull=True, revoked_at__isnull=True)
    ActivationToken.objects.filter(pk=token.pk).update(
        created_at=token.created_at - eight_days, expires_at=token.expires_at - eight_days
    )
    assert token.expires_at - eight_days < timezone.now()

    context = guardian_context(browser, browser_context_args)
    guardian = context.new_page()
    response = guardian.goto(live_server.url + path)
    assert response is not None and response.status == 410
    expect(guardian.get_by_test_id("activation-invalid")).to_have_attribute("data-status", "expired")
    expect(guardian.locator("#id_new_password1")).to_have_count(0)
    screenshot(guardian, "guardian-link-expired")
    context.close()
