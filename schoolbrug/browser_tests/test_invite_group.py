"""A teacher invites her group to the app on a phone (MSG-8): unticks the grandmother, confirms."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.guardian_accounts.batch_models import InvitationBatch
from schoolbrug.sis.models import Guardian, Guardianship
from schoolbrug.sis.testing import build_personas, link

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    # The grandmother who picks Sam up twice a week: access right and app flag, but not invited.
    personas.oma = Guardian.objects.create(
        school=personas.school, first_name="Truus", last_name="Bakker", email="truus@test.nl"
    )
    link(personas.oma, personas.sam, "grandparent", has_custody=False)
    return personas


def test_teacher_unticks_the_grandmother_and_confirms_on_a_phone(
    page: Page, school: SimpleNamespace, live_server: Any, screenshot: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    client = Client()
    verified_login(client, school.tess.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(reverse("staff:group", args=[school.group3.pk]))
    page.locator('[data-testid="invite-group"]').click()
    expect(page.locator('[data-testid="group-reach"]')).to_have_attribute("data-families", "1")
    oma = Guardianship.objects.get(guardian=school.oma)
    gerda = Guardianship.objects.get(guardian=school.gerda.record)
    oma_box = page.locator(f'input[name="guardianship"][value="{oma.pk}"]')
    expect(oma_box).to_be_checked()
    expect(page.locator(f'input[name="guardianship"][value="{gerda.pk}"]')).to_be_disabled()
    # Phone first: no sideways scrolling, tick boxes big enough to hit.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = oma_box.bounding_box()
    assert box is not None and box["width"] >= 16  # the label around it makes the target ≥ 24 px
    label = page.locator(f'label[data-guardianship="{oma.pk}"]').bounding_box()
    assert label is not None and label["height"] >= 24
    screenshot(page, "invite-page")
    oma_box.uncheck()
    page.locator('[data-testid="send-invitations"]').click()
    expect(page.locator('[data-testid="invite-confirmation"]')).to_be_visible()
    expect(page.locator('[data-testid="batch-counts"]')).to_have_attribute("data-total", "2")
    screenshot(page, "confirmation")
    batch = InvitationBatch.objects.get()
    assert set(batch.items.values_list("guardian_id", flat=True)) == {school.paula.record.pk, school.dirk.record.pk}
