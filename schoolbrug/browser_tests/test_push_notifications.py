"""A guardian switches push notifications on in Chromium, a portal item notifies him: the bell
counts it, the push reaches the test push service (VAPID verified, payload decrypted), the
service worker shows it, and he marks everything read (issue 10, points 1 and 11).

Headless Chromium cannot reach a real push service (FCM), so the browser's own
pushManager.subscribe() cannot succeed here: the test stores, through the page's own subscribe
endpoint and CSRF token, a subscription that points at the test push service on 127.0.0.1 with
keys made as a browser makes them; the message that service decrypts is then handed to the
page's real service worker through the DevTools protocol (ServiceWorker.deliverPushMessage).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from schoolbrug.notifications import worker
from schoolbrug.notifications.models import Notification, NotificationKind
from schoolbrug.notifications.push.models import PushSubscription
from schoolbrug.notifications.push.testing import PushService
from schoolbrug.notifications.push.vapid import generate_private_key
from schoolbrug.portal.models import PortalModule
from schoolbrug.portal.modules import Module
from schoolbrug.records.services.plans import support_plan_save
from schoolbrug.sis.testing import PASSWORD, build_personas

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db: Any) -> SimpleNamespace:
    personas = SimpleNamespace()
    build_personas(personas)
    PortalModule.objects.create(school=personas.school, module=Module.PLANS, enabled=True)
    return personas


@pytest.fixture
def push_service(settings: Any) -> Iterator[PushService]:
    settings.SCHOOLBRUG_VAPID_PRIVATE_KEY = generate_private_key()
    settings.SCHOOLBRUG_PUSH_CONTACT = "beheer@obs-test.nl"
    with PushService() as service:
        settings.SCHOOLBRUG_PUSH_SERVICES = [*settings.SCHOOLBRUG_PUSH_SERVICES, service.origin]
        yield service


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()


STORE_SUBSCRIPTION = """async ([endpoint, p256dh, auth]) => {
  const panel = document.getElementById("push-panel");
  const csrf = panel.querySelector("input[name=csrfmiddlewaretoken]").value;
  const response = await fetch(panel.dataset.subscribeUrl, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
    body: JSON.stringify({endpoint, expirationTime: null, keys: {p256dh, auth}}),
  });
  return [response.status, await response.json()];
}"""


def test_guardian_gets_a_push_and_the_bell_counts_it(
    page: Page, school: SimpleNamespace, push_service: PushService, live_server: LiveServer
) -> None:
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    log_in(page, "paula@test.nl")
    expect(page.get_by_test_id("bell")).to_be_visible()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)

    # He wants to hear of new items for his children (POR-9), and portal items by push (the
    # default is the digest).
    page.goto("/portal/account/")
    page.locator("input[name=link_communication_app]").check()
    page.get_by_test_id("preference-save").click()
    page.goto("/notifications/settings/")
    page.locator(f"select[name=kind-{NotificationKind.PORTAL}]").select_option("push")
    page.get_by_test_id("notification-settings-save").click()

    page.goto("/portal/account/")
    expect(page.get_by_test_id("push-ios-note")).to_contain_text("beginscherm")
    expect(page.get_by_test_id("push-no-devices")).to_be_visible()
    expect(page.get_by_test_id("push-enable")).to_be_visible()
    assert page.evaluate("Notification.permission") == "granted"
    page.evaluate("navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(() => navigator.serviceWorker.ready)")

    endpoint, keys = push_service.new_subscription("paula-chromium")
    status, body = page.evaluate(STORE_SUBSCRIPTION, [endpoint, keys.p256dh, keys.auth])
    assert status == 201, body
    subscription = PushSubscription.objects.get(account=school.paula.user)
    assert subscription.endpoint == endpoint
    page.reload()
    expect(page.get_by_test_id("push-device")).to_have_count(1)
    expect(page.get_by_test_id("push-device")).to_contain_text("Chrome op Linux")

    # A portal event: the intern-begeleider writes a support plan for his son; the outbox worker
    # sends what the portal planned.
    support_plan_save(
        actor=school.pim.user, pupil=school.sam, data={"title": "Leesplan", "start_date": timezone.localdate()}
    )
    notification = Notification.objects.get(recipient=school.paula.user)
    assert notification.kind == NotificationKind.PORTAL
    worker.run_until_idle(owner="browser-test")

    assert push_service.refused == []
    [received] = push_service.received
    assert received.message["title"] == notification.title == "Nieuw plan voor Sam"
    assert received.message["url"] == notification.link

    page.reload()
    expect(page.get_by_test_id("bell-count")).to_have_text("1")

    # The decrypted message, handed to the page's own service worker, is shown as a notification.
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not any(r["scopeURL"] == live_server.url + "/" for r in registrations) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"] == live_server.url + "/")
    # A worker that is still starting up may miss the first message on a busy machine; the same
    # tag makes a second delivery replace the first notification, never add one.
    shown = None
    for _attempt in range(4):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration["registrationId"],
                "data": received.plaintext.decode(),
            },
        )
        for _ in range(50):
            shown = page.evaluate(
                "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                ".then(list => list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"
            )
            if shown:
                break
            page.wait_for_timeout(100)
        if shown:
            break
    assert shown == [
        {
            "title": "Nieuw plan voor Sam",
            "body": notification.text,
            "tag": received.message["tag"],
            "url": notification.link,
        }
    ], json.dumps(shown)

    page.get_by_test_id("bell").click()
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)

    # He removes the device on the account page.
    page.goto("/portal/account/")
    page.get_by_test_id("push-remove").click()
    expect(page.get_by_test_id("push-no-devices")).to_be_visible()
    assert not PushSubscription.objects.exists()
