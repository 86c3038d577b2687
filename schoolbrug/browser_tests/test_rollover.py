"""The new-school-year wizard on a phone: split a mixed group, adjust, confirm, see the new groups."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.models import Placement, SchoolYear
from schoolbrug.sis.testing import build_personas, make_group, make_pupil

from .test_accessibility import PHONE, Findings, check_page


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    personas.group8 = make_group(personas.school, personas.year, "Groep 8", 8)
    personas.daan = make_pupil(personas.school, "Daan", "de Wit", personas.group8)
    return personas


def test_administrator_rolls_the_school_over_on_a_phone(
    page: Page, school: SimpleNamespace, live_server: Any, screenshot: Any
) -> None:
    client = Client()
    verified_login(client, school.ada.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size(PHONE)
    findings = Findings()
    page.goto("/staff/")
    page.locator("#nav-rollover").click()
    expect(page.locator("h1")).to_have_text("Nieuw schooljaar")
    check_page(page, "administrator", findings, label="rollover-proposal")
    page.set_viewport_size(PHONE)

    # Split the mixed 5/6: Olivia goes to a group 6 of her own.
    page.get_by_label("Groep 5/6").check()
    page.locator("#rollover-redraw").click()
    expect(page.locator("section[data-group] h3", has_text="Groep 6")).to_have_count(1)
    expect(page.locator("section[data-group='left'] tr[data-pupil]")).to_have_count(1)  # Daan, group 8
    screenshot(page, "split")

    # Rename Groep 4 and keep Daan one more year in it; make the year current at once.
    section = page.locator("section[data-group]", has=page.locator("h3", has_text="Groep 4"))
    section.get_by_label("Naam volgend schooljaar").fill("Groep 4 Zon")
    page.get_by_label("Daan de Wit").check()
    page.locator("#id_move_to_left").select_option(label="Groep 4")
    page.get_by_label("Nu: leerkrachten").check()
    check_page(page, "administrator", findings, label="rollover-adjusted")
    page.set_viewport_size(PHONE)
    page.locator("#rollover-confirm").click()

    expect(page.locator(".message-success")).to_contain_text("Schooljaar 2027-2028 is klaargezet")
    expect(page.locator("main table")).to_contain_text("Groep 4 Zon")
    screenshot(page, "done")
    year = SchoolYear.objects.get(school=school.school, is_current=True)
    assert year.name == "2027-2028"
    placed = dict(Placement.objects.filter(year=year).values_list("pupil__first_name", "group__name"))
    assert placed == {"Sam": "Groep 4 Zon", "Olivia": "Groep 6", "Daan": "Groep 4 Zon"}

    # The wizard now starts from the new current year.
    page.goto("/staff/rollover/")
    expect(page.locator("hgroup p")).to_contain_text("2028-2029")
    assert not findings.problems, findings.report()
