from __future__ import annotations

from playwright.sync_api import Page, expect

from . import Screenshot


def test_login_page_opens_in_chromium(page: Page, screenshot: Screenshot) -> None:
    page.goto("/accounts/login/")

    expect(page.locator("input[type=password]")).to_have_count(1)
    expect(page.locator("input[name=username]")).to_be_visible()
    screenshot(page, "login")
