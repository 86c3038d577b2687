from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.guardian_accounts.batch_models import InvitationBatch
from schoolbrug.sis.guardian_accounts.batch_services import invitation_batch_run
from schoolbrug.sis.testing import build_personas


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    return personas


def test_admin_invites_and_watches_progress(
    page: Page, school: SimpleNamespace, live_server: Any, screenshot: Any
) -> None:
    client = Client()
    verified_login(client, school.ada.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/staff/guardian-accounts/")
    screenshot(page, "overview")
    page.locator('[data-testid="nav-guardian-accounts"]').first.wait_for()
    page.locator("#id_group").select_option(str(school.group3.pk))
    page.locator('[data-testid="apply-filters"]').click()
    expect(page.locator("tr[data-guardian]")).to_have_count(3)
    page.locator('[data-testid="all-filtered"]').check()
    page.locator('[data-testid="invite-selected"]').click()
    expect(page.locator('[data-testid="to-send"]')).to_have_attribute("data-count", "3")
    screenshot(page, "confirm")
    page.locator('[data-testid="confirm-send"]').click()
    expect(page.locator('[data-testid="batch-counts"]')).to_have_attribute("data-sent", "0")
    screenshot(page, "queued")
    batch = InvitationBatch.objects.get()
    invitation_batch_run(batch_id=batch.pk)  # the worker, in this thread
    expect(page.locator('[data-testid="batch-counts"]')).to_have_attribute("data-sent", "3", timeout=8000)
    expect(page.locator("#batch-progress")).to_have_attribute("data-status", "done")
    screenshot(page, "done")
    assert not [e for e in errors if "Content Security Policy" in e], errors
