"""An application administrator's first login: set up the authenticator app, keep the recovery
codes, and log in again with a code."""

from __future__ import annotations

import base64
import re
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from schoolbrug.sis.testing import PASSWORD, build_personas


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    return personas


def code_for(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()


def test_administrator_sets_up_two_factor_and_logs_in_with_a_code(
    page: Page, school: SimpleNamespace, screenshot: Any
) -> None:
    password_step(page, "ada@test.nl")
    # Any page sends an administrator without an app to the setup first.
    page.goto(f"/staff/pupils/{school.sam.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.locator("#two-factor-required")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    screenshot(page, "two-factor-setup")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.locator("input[name=code]").fill(code_for(secret))
    page.locator("#two-factor-setup-submit").click()
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.locator("#recovery-codes-continue").click()
    expect(page.locator("#nav-audit-log")).to_be_visible()

    page.locator("form[action='/accounts/logout/'] button").first.click()
    password_step(page, "ada@test.nl")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    screenshot(page, "two-factor-verify")
    # The code used at setup is spent; the app's next code is accepted.
    page.locator("input[name=code]").fill(code_for(secret, steps_ahead=1))
    page.locator("#two-factor-verify-submit").click()
    page.goto(f"/staff/pupils/{school.sam.pk}/")
    expect(page.get_by_role("heading", name="Sam Bakker")).to_be_visible()
    page.locator("#nav-audit-log").click()
    expect(page.locator("#audit-events")).to_be_visible()
    screenshot(page, "audit-log")
