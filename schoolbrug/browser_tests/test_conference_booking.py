"""CONF-2/CONF-4 in Chromium on a phone: a guardian of two children in two groups books
consecutive conferences with both teachers in one action; the other guardian sees them; the
teachers' overviews show them (issue 13, point 9)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, ViewportSize, expect

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.agenda.models import Booking
from schoolbrug.agenda.tests.helpers import make_family, make_round, make_teacher_for
from schoolbrug.sis.testing import PASSWORD, build_personas

from . import Screenshot

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    personas.tom = make_teacher_for(personas.school, personas.group5)
    personas.family = make_family(personas.school, personas.group3, personas.group5)
    personas.round = make_round(personas.school, [personas.group3, personas.group5], [personas.tess, personas.tom])
    return personas


def log_in(page: Page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(portal|staff)/"))


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_family_books_consecutive_conferences_in_one_action(
    page: Page, school: SimpleNamespace, screenshot: Screenshot, live_server: Any
) -> None:
    page.set_viewport_size(PHONE)
    family = school.family
    log_in(page, family.mother.account.email)
    page.get_by_test_id("nav-agenda").click()
    page.get_by_test_id(f"round-link-{school.round.pk}").click()
    expect(page.get_by_test_id("round-early")).to_be_visible()
    first_offer = page.get_by_test_id("offer").first
    expect(first_offer).to_contain_text(family.younger.first_name)
    expect(first_offer).to_contain_text(family.older.first_name)
    no_sideways_scroll(page)
    screenshot(page, "offers")
    page.get_by_test_id("offer-book-1").click()
    expect(page.locator(".message-success")).to_be_visible()
    bookings = list(Booking.objects.filter(round=school.round).select_related("slot").order_by("slot__starts_at"))
    assert [b.pupil_id for b in bookings] and {b.pupil_id for b in bookings} == {family.younger.pk, family.older.pk}
    assert {b.slot.staff_member_id for b in bookings} == {school.tess.record.pk, school.tom.record.pk}
    assert bookings[1].slot.starts_at >= bookings[0].slot.ends_at  # one after the other
    for booking in bookings:
        expect(page.get_by_test_id(f"booking-{booking.pk}")).to_be_visible()
    screenshot(page, "booked")

    log_in(page, family.father.account.email)
    page.goto(f"/agenda/conferences/{school.round.pk}/")
    for booking in bookings:
        expect(page.get_by_test_id(f"booking-{booking.pk}")).to_be_visible()
    page.goto("/agenda/")
    expect(page.get_by_test_id("agenda-list")).to_contain_text("Rapportgesprekken")
    no_sideways_scroll(page)
    screenshot(page, "other-guardian-agenda")

    log_in(page, "tess@test.nl")
    page.goto(f"/staff/agenda/conferences/{school.round.pk}/overview/")
    expect(page.get_by_test_id("overview-table")).to_contain_text(family.younger.full_name)
    screenshot(page, "teacher-overview")
    log_in(page, school.tom.account.email)
    page.goto(f"/staff/agenda/conferences/{school.round.pk}/overview/")
    expect(page.get_by_test_id("overview-table")).to_contain_text(family.older.full_name)

    client = Client()
    verified_login(client, school.ada.user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/staff/agenda/conferences/{school.round.pk}/overview/")
    table = page.get_by_test_id("overview-table")
    expect(table).to_contain_text(family.younger.full_name)
    expect(table).to_contain_text(family.older.full_name)
    screenshot(page, "administrator-overview")
