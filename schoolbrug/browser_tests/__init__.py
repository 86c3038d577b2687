"""Journeys through the real pages in Debian's Chromium, driven by Playwright.

Run them in their own pytest process (`make test` does): `pytest -m browser schoolbrug/browser_tests`.
Fixtures (conftest.py): `page` opens pages relative to the live server (`page.goto("/accounts/login/")`),
`screenshot(page, "name")` keeps a picture under var/screenshots/, and a failing test leaves one too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

# The type of the `screenshot` fixture, for the journeys' annotations.
Screenshot = Callable[[Page, str], Path]
