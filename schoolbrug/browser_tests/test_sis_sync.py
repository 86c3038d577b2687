"""A school takes in its administration's export and its first parents get in (SIS-9, ACC-2).

The administrator uploads an EDEXML file and the guardian CSV, reads the preview, applies it
(the task worker runs in this thread, as in test_guardian_accounts), invites the guardians of
one new group, and one of those new guardians activates his account from the invitation mail
(read on the administrator's outbox page, as in test_invitation) and sees his child. The sync
pages pass axe on the way.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import run_task_worker
from schoolbrug.sis.models import Group, Guardian, School
from schoolbrug.sis.sync.generate import Export
from schoolbrug.sis.testing import build_personas

from . import Screenshot
from .test_accessibility import Findings, check_page

PASSWORD = "langs de IJssel naar school"


@pytest.fixture
def school(transactional_db: Any, settings: Any) -> SimpleNamespace:
    settings.MAILERS = {
        "default": {
            "BACKEND": "schoolbrug.core.mail.RecordingBackend",
            "OPTIONS": {"delivery_backend": "django.core.mail.backends.locmem.EmailBackend", "record_secrets": True},
        }
    }
    personas = SimpleNamespace()
    build_personas(personas)
    School.objects.filter(pk=personas.school.pk).update(brin="12AB")
    return personas


def test_a_school_syncs_its_export_and_a_new_guardian_sees_his_child(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    school: SimpleNamespace,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    export = Export(brin="12AB", school_year=school.year.name, pupils=4, groups=2, teachers=2, guardians=6)
    edexml, guardians = tmp_path / "EDEX.XML", tmp_path / "verzorgers.csv"
    edexml.write_bytes(export.edexml())
    guardians.write_bytes(export.guardians_csv())
    # Guardian V00000 is the father of pupil LL00000, who goes to group G000.
    child, father_email = export.pupil(0), "ouder0@gezin.example"
    findings = Findings()

    client = Client()
    verified_login(client, school.ada.user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page.goto("/staff/")
    page.get_by_test_id("nav-sync").first.click()
    check_page(page, "administrator", findings, label="sync-upload")
    page.locator("#id_uploads").set_input_files([edexml, guardians])
    page.get_by_test_id("upload").click()

    # The preview: what would be added and left, per kind; nothing written yet.
    pupils = page.locator('[data-testid=summary] tr[data-kind="pupils"]')
    expect(pupils).to_have_attribute("data-added", "4")
    expect(pupils).to_have_attribute("data-left", "2")  # Sam and Olivia are not in the export
    expect(page.locator('[data-testid=summary] tr[data-kind="guardians"]')).to_have_attribute("data-added", "6")
    expect(page.get_by_test_id("added-pupils")).to_contain_text(child["first_name"])
    expect(page.get_by_test_id("issues")).to_have_count(0)
    assert not Group.objects.filter(school=school.school, external_key__endswith="/G000").exists()
    check_page(page, "administrator", findings, label="sync-preview")
    screenshot(page, "sync-preview")

    page.get_by_test_id("apply").click()
    expect(page.locator("#sync-progress")).to_have_attribute("data-status", "queued")
    screenshot(page, "sync-queued")
    assert run_task_worker() == 1  # the worker, in this thread
    # The page follows by itself (htmx polling) to the result.
    expect(page.locator("#sync-progress")).to_have_attribute("data-status", "done", timeout=10000)
    expect(page.get_by_test_id("sync-summary")).to_contain_text("pupils +4 ~0 -2")
    check_page(page, "administrator", findings, label="sync-result")
    screenshot(page, "sync-result")
    page.goto("/staff/")
    expect(page.get_by_test_id("last-sync")).to_be_visible()

    # Invite the guardians of the new group G000.
    group = Group.objects.get(school=school.school, external_key=f"{school.year.name}/G000")
    page.get_by_test_id("nav-guardian-accounts").first.click()
    page.locator("#id_group").select_option(str(group.pk))
    page.get_by_test_id("apply-filters").click()
    expect(page.locator("tr[data-guardian]")).to_have_count(4)
    page.get_by_test_id("all-filtered").check()
    page.get_by_test_id("invite-selected").click()
    expect(page.get_by_test_id("to-send")).to_have_attribute("data-count", "4")
    page.get_by_test_id("confirm-send").click()
    assert run_task_worker() == 1
    expect(page.get_by_test_id("batch-counts")).to_have_attribute("data-sent", "4", timeout=10000)

    # The father's invitation, as the outbox shows it.
    page.get_by_test_id("nav-outbox").first.click()
    page.locator("[data-testid=outbox] tbody tr", has_text=father_email).get_by_role("link").click()
    link = page.get_by_test_id("outbox-body").locator('a[href*="/accounts/activate/"]')
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href and href.startswith(f"{live_server.url}/accounts/activate/"), href

    context = browser.new_context(**browser_context_args)
    father = context.new_page()
    response = father.goto(href)
    assert response is not None and response.status == 200
    expect(father.get_by_test_id("activation-username")).to_have_text(father_email)
    father.locator("#id_new_password1").fill(PASSWORD)
    father.locator("#id_new_password2").fill(PASSWORD)
    father.get_by_test_id("activate-submit").click()
    expect(father).to_have_url(f"{live_server.url}/accounts/login/")
    father.locator("#id_username").fill(father_email)
    father.locator("#id_password").fill(PASSWORD)
    father.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(father).to_have_url(f"{live_server.url}/portal/")
    expect(father.locator("main")).to_contain_text(child["first_name"])
    screenshot(father, "guardian-sees-his-child")
    assert Guardian.objects.get(school=school.school, email=father_email).account is not None
    context.close()

    assert not findings.problems, findings.report()
