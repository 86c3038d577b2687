"""The parent portal in Chromium on a phone and a desktop screen: login → dashboard → child →
report PDF → correction request (issue 5, point 13)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from schoolbrug.portal.models import PortalModule, PortalSettings
from schoolbrug.portal.modules import DASHBOARD_MODULES, Module
from schoolbrug.records.models import CorrectionRequest, NewsItem, Report, ReportPeriod, ReportSection
from schoolbrug.sis.testing import PASSWORD, build_personas

from . import Screenshot

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    for module in Module.values:
        PortalModule.objects.create(
            school=personas.school, module=module, enabled=True, show_on_dashboard=module in DASHBOARD_MODULES
        )
    PortalSettings.objects.create(school=personas.school, correction_email="administratie@obs-test.nl")
    period = ReportPeriod.objects.create(school=personas.school, year=personas.year, name="Rapport 1")
    personas.report = Report.objects.create(pupil=personas.sam, period=period, locked_at=timezone.now())
    ReportSection.objects.create(report=personas.report, title="Lezen", body="Sam leest vlot.")
    today = timezone.localdate()
    NewsItem.objects.create(
        school=personas.school,
        subject="Schoolreisje naar Ouwehands",
        date=today,
        text="<p>Neem een lunch mee.</p>",
        publish_from=today - dt.timedelta(days=1),
    )
    return personas


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_guardian_walks_the_portal(page: Page, school: SimpleNamespace, screenshot: Screenshot, viewport: Any) -> None:
    page.set_viewport_size(viewport)
    log_in(page, "paula@test.nl")
    expect(page.get_by_test_id("welcome")).to_contain_text("OBS Testschool")
    expect(page.get_by_test_id("feed")).to_contain_text("Schoolreisje naar Ouwehands")
    expect(page.get_by_test_id("feed")).to_contain_text("Rapport 1")
    expect(page.get_by_test_id(f"child-tab-{school.sam.pk}")).to_be_visible()
    screenshot(page, "dashboard")

    page.get_by_test_id("child-page-about").click()
    expect(page.get_by_test_id("child-name")).to_have_text("Sam Bakker")
    expect(page.get_by_test_id("emergency-numbers")).to_contain_text("Buurvrouw Els")
    expect(page.get_by_test_id("medical")).to_contain_text("Pinda")
    assert "06 22222222" not in page.content()  # never the other parent's data
    screenshot(page, "child-about")

    page.get_by_test_id("child-page-reports").click()
    link = page.get_by_test_id(f"report-pdf-{school.report.pk}")
    expect(link).to_be_visible()
    screenshot(page, "child-reports")
    response = page.request.get(link.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    page.get_by_test_id("child-page-about").click()
    page.get_by_test_id(f"correct-pupil-{school.sam.pk}-called_name").click()
    page.locator("textarea[name=proposed_value]").fill("")
    page.get_by_test_id("correction-submit").click()
    expect(page.locator("textarea[name=proposed_value]")).to_be_visible()  # required: not sent
    page.locator("textarea[name=proposed_value]").fill("Sammie")
    screenshot(page, "correction-form")
    page.get_by_test_id("correction-submit").click()
    expect(page.get_by_test_id("correction-sent")).to_be_visible()
    screenshot(page, "correction-sent")
    assert CorrectionRequest.objects.filter(proposed_value="Sammie", pupil=school.sam).count() == 1
    # Back on the page, the pencil says the request is waiting for the school.
    page.get_by_test_id(f"child-tab-{school.sam.pk}").click()
    expect(page.get_by_test_id(f"pending-pupil-{school.sam.pk}-called_name")).to_contain_text("Sammie")


def test_administrator_sets_up_the_portal_and_looks_as_a_guardian(
    page: Page, school: SimpleNamespace, screenshot: Screenshot, tmp_path: Any
) -> None:
    from PIL import Image

    from schoolbrug.accounts.two_factor.testing import give_device, totp_code

    page.set_viewport_size(DESKTOP)
    device = give_device(school.ada.user)
    log_in(page, "ada@test.nl")
    page.locator("input[name=code]").fill(totp_code(device))
    page.locator("#two-factor-verify-submit").click()
    page.get_by_test_id("nav-portal-settings").click()
    expect(page.get_by_test_id("welcome-preview")).to_contain_text("OBS Testschool")

    wide = tmp_path / "breed.png"
    Image.new("RGB", (400, 200), (10, 120, 200)).save(wide)
    page.locator("input[name=image]").set_input_files(str(wide))
    page.get_by_test_id("settings-save").click()
    expect(page.locator("#id_image_error")).to_contain_text("400")
    screenshot(page, "settings-image-refused")
    square = tmp_path / "vierkant.png"
    Image.new("RGB", (300, 300), (10, 120, 200)).save(square)
    page.locator("input[name=image]").set_input_files(str(square))
    page.get_by_test_id("settings-save").click()
    expect(page.locator(f"img[src='/portal/image/{school.school.pk}/']")).to_be_visible()

    page.locator("input[name=starts_on]").fill("2027-02-01")
    page.locator("input[name=ends_on]").fill("2027-02-14")
    page.locator("select[name=module]").select_option("reports")
    page.locator("select[name=enabled]").select_option("off")
    page.get_by_test_id("schedule-save").click()
    expect(page.get_by_test_id("schedules")).to_contain_text("2027")
    screenshot(page, "settings-planned")

    page.get_by_test_id("impersonate-link").click()
    page.get_by_test_id(f"impersonate-{school.dirk.user.pk}").click()
    expect(page.get_by_test_id("impersonation-banner")).to_be_visible()
    expect(page.get_by_test_id(f"child-tab-{school.sam.pk}")).to_be_visible()
    screenshot(page, "impersonating-dashboard")
    page.get_by_test_id("nav-more").click()
    page.get_by_test_id("nav-portal-account").click()
    page.locator("input[name=link_communication_app]").check()
    page.get_by_test_id("preference-save").click()
    expect(page.get_by_test_id("impersonation-refused")).to_be_visible()
    screenshot(page, "impersonating-change-refused")
    page.goto("/portal/")
    page.get_by_test_id("impersonation-stop").click()
    expect(page.get_by_test_id("guardian-accounts")).to_be_visible()
