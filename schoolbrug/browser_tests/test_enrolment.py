"""The enrolment pages that only a form reaches pass axe: the second step of adding a guardian
(found by e-mail, or new), and each form showing its errors. The administrator's crawl in
test_accessibility already checks every linked enrolment page as it first opens."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.testing import build_personas

from .test_accessibility import Findings, check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    return personas


def _as_administrator(page: Page, school: SimpleNamespace, live_server: Any) -> None:
    client = Client()
    verified_login(client, school.ada.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_enrolment_forms_with_errors_and_the_guardian_steps_pass_axe(
    page: Page, school: SimpleNamespace, live_server: Any
) -> None:
    _as_administrator(page, school, live_server)
    findings = Findings()
    sam = school.sam.pk

    page.goto("/staff/pupils/new/")
    _submit(page, "main form button[type=submit]")
    expect(page.locator(".field-error").first).to_be_visible()
    check_page(page, "administrator", findings, label="enrol-with-errors")

    # Step 2 with a guardian found by his address: Paula, Sam's mother, for Olivia.
    page.goto(f"/staff/pupils/{school.olivia.pk}/guardians/add/")
    page.locator("#id_email").fill("PAULA@test.nl")
    _submit(page, "main form button[type=submit]")
    expect(page.locator("#existing-guardian")).to_contain_text("Paula Bakker")
    check_page(page, "administrator", findings, label="guardian-found")
    page.locator("#id_relation-relation").select_option("mother")
    _submit(page, "main form button[type=submit]")
    assert Guardianship.objects.filter(pupil=school.olivia, guardian=school.paula.record).exists()

    # Step 2 for a new guardian, sent with errors.
    page.goto(f"/staff/pupils/{sam}/guardians/add/")
    page.locator("#id_email").fill("nieuw@test.nl")
    _submit(page, "main form button[type=submit]")
    page.locator("#id_guardian-phone_mobile").fill("12")
    _submit(page, "main form button[type=submit]")
    expect(page.locator(".field-error").first).to_be_visible()
    check_page(page, "administrator", findings, label="guardian-new-with-errors")

    for path, label in (
        (f"/staff/pupils/{sam}/emergency/", "emergency-with-errors"),
        (f"/staff/pupils/{sam}/leave/", "leave-with-errors"),
        (f"/staff/pupils/{sam}/photo/", "photo-with-errors"),
        (f"/staff/pupils/{sam}/placement/", "placement-with-errors"),
    ):
        page.goto(path)
        if label == "leave-with-errors":
            page.locator("#id_left_on").fill("2000-01-01")
        _submit(page, "main form[method=post]:not([action]) button[type=submit]")
        expect(page.locator(".message-error").first).to_be_visible()
        check_page(page, "administrator", findings, label=label)

    page.goto(f"/staff/pupils/{sam}/medical/")
    page.locator("#id_gp_phone").fill("abc")
    _submit(page, "main form button[type=submit]")
    check_page(page, "administrator", findings, label="medical-with-errors")
    assert len(findings.pages) == 8
    assert not findings.problems, findings.report()
