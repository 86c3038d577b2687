"""Shared pytest configuration for the whole repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).resolve().parent / "schoolbrug" / "browser_tests"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marks must be on the items before pytest's own hook applies `-m`.
    chromium = shutil.which("chromium")
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if not chromium and item.get_closest_marker("browser"):
            item.add_marker(
                pytest.mark.skip(reason="no chromium on PATH: browser tests need it (Debian: apt-get install chromium)")
            )
