"""Subscribing and unsubscribing devices, the account page's device list, service worker, manifest."""

from __future__ import annotations

import json
from typing import Any

from django.test import override_settings
from django.urls import reverse

from schoolbrug.notifications.push.models import PushSubscription
from schoolbrug.notifications.push.testing import BrowserKeys, b64url
from schoolbrug.notifications.push.vapid import generate_private_key, public_key_for
from schoolbrug.sis.testing import SchoolTestCase

KEY = generate_private_key()
FCM = "https://fcm.googleapis.com/fcm/send/abc:def-123"
UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"


def subscription_json(
    endpoint: object = FCM, browser: BrowserKeys | None = None, keys: object = None
) -> dict[str, Any]:
    """What PushSubscription.toJSON() gives in a browser; `keys` replaces its keys (bad input)."""
    browser = browser or BrowserKeys()
    real_keys = {"p256dh": browser.p256dh, "auth": browser.auth}
    return {"endpoint": endpoint, "expirationTime": None, "keys": real_keys if keys is None else keys}


@override_settings(SCHOOLBRUG_VAPID_PRIVATE_KEY=KEY)
class SubscribeTests(SchoolTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.paula.user)

    def post(self, name: str, body: object, **extra: Any) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.client.post(
            reverse(name), raw, content_type="application/json", headers={"User-Agent": UA, **extra}
        )

    def test_a_device_subscribes_and_is_listed_on_the_account_page_with_remove(self) -> None:
        response = self.post("push:subscribe", subscription_json())
        self.assertEqual(response.status_code, 201)
        subscription = PushSubscription.objects.get()
        self.assertEqual((subscription.account, subscription.endpoint), (self.paula.user, FCM))
        self.assertEqual(subscription.user_agent_label, "Chrome op Android")
        page = self.client.get(reverse("portal:account"))
        self.assertContains(page, "Chrome op Android")
        self.assertContains(page, reverse("push:remove", args=[subscription.pk]))
        self.assertContains(page, "Zet op beginscherm")
        self.assertContains(page, f'data-key="{public_key_for(KEY)}"')

    def test_subscribing_again_from_the_same_browser_updates_the_one_row(self) -> None:
        self.post("push:subscribe", subscription_json())
        self.client.force_login(self.dirk.user)  # another parent on the shared tablet
        keys = BrowserKeys()
        self.assertEqual(self.post("push:subscribe", subscription_json(browser=keys)).status_code, 201)
        subscription = PushSubscription.objects.get()
        self.assertEqual((subscription.account, subscription.p256dh), (self.dirk.user, keys.p256dh))

    def test_malformed_and_foreign_subscriptions_are_refused_with_a_dutch_message(self) -> None:
        keys = BrowserKeys()
        cases = {
            b"not json": "kon niet worden gelezen",
            json.dumps(["x"]).encode(): "kon niet worden gelezen",
            json.dumps(subscription_json(endpoint="http://fcm.googleapis.com/fcm/send/x")).encode(): "Schoolbrug",
            json.dumps(subscription_json(endpoint="https://10.0.0.5/push")).encode(): "Schoolbrug",
            json.dumps(subscription_json(endpoint="https://push.evil.example/x")).encode(): "Schoolbrug",
            json.dumps(subscription_json(endpoint="https://fcm.googleapis.com.evil.example/x")).encode(): "Schoolbrug",
            json.dumps(subscription_json(endpoint="ftp://fcm.googleapis.com/x")).encode(): "geldig adres",
            json.dumps(subscription_json(endpoint=12)).encode(): "geldig adres",
            json.dumps(
                subscription_json(keys={"p256dh": keys.p256dh[:-4], "auth": keys.auth})
            ).encode(): "apparaatsleutel",
            json.dumps(
                subscription_json(keys={"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": keys.auth})
            ).encode(): "apparaatsleutel",
            json.dumps(
                subscription_json(keys={"p256dh": keys.p256dh, "auth": b64url(b"x" * 15)})
            ).encode(): "authenticatiegeheim",
            json.dumps(subscription_json(keys={"p256dh": keys.p256dh, "auth": "!!!!"})).encode(): "authenticatiegeheim",
            json.dumps(subscription_json(keys="none")).encode(): "apparaatsleutel",
        }
        for body, message in cases.items():
            response = self.post("push:subscribe", body)
            self.assertEqual(response.status_code, 400, body)
            self.assertIn(message, response.json()["error"], body)
        self.assertFalse(PushSubscription.objects.exists())

    def test_english_users_get_the_message_in_english(self) -> None:
        response = self.post("push:subscribe", b"{", **{"Accept-Language": "en"})
        self.assertEqual(response.json()["error"], "The push subscription could not be read.")

    def test_subscribing_needs_the_csrf_token_and_a_login(self) -> None:
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.paula.user)
        response = strict.post(
            reverse("push:subscribe"), json.dumps(subscription_json()), content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.client.logout()
        self.assertEqual(self.post("push:subscribe", subscription_json()).status_code, 302)
        self.assertFalse(PushSubscription.objects.exists())

    @override_settings(SCHOOLBRUG_VAPID_PRIVATE_KEY="")
    def test_without_vapid_keys_nobody_can_subscribe_and_the_page_says_so(self) -> None:
        self.assertEqual(self.post("push:subscribe", subscription_json()).status_code, 503)
        self.assertContains(self.client.get(reverse("portal:account")), 'data-key=""')

    def test_unsubscribe_removes_only_the_own_subscription(self) -> None:
        self.post("push:subscribe", subscription_json())
        self.client.force_login(self.dirk.user)
        self.assertEqual(self.post("push:unsubscribe", {"endpoint": FCM}).status_code, 404)
        self.assertTrue(PushSubscription.objects.exists())
        self.client.force_login(self.paula.user)
        self.assertEqual(self.post("push:unsubscribe", {"endpoint": FCM}).status_code, 200)
        self.assertFalse(PushSubscription.objects.exists())
        self.assertEqual(self.post("push:unsubscribe", {"nothing": 1}).status_code, 400)

    def test_remove_from_the_account_page_only_for_the_own_device(self) -> None:
        self.post("push:subscribe", subscription_json())
        subscription = PushSubscription.objects.get()
        self.client.force_login(self.dirk.user)
        self.assertEqual(self.client.post(reverse("push:remove", args=[subscription.pk])).status_code, 404)
        self.client.force_login(self.paula.user)
        response = self.client.post(reverse("push:remove", args=[subscription.pk]), {"next": reverse("portal:account")})
        self.assertRedirects(response, reverse("portal:account"))
        self.assertFalse(PushSubscription.objects.exists())
        self.assertEqual(self.client.post(reverse("push:remove", args=[subscription.pk])).status_code, 404)

    def test_staff_see_their_devices_on_the_login_security_page(self) -> None:
        self.client.force_login(self.tess.user)
        self.post("push:subscribe", subscription_json())
        response = self.client.get(reverse("accounts:two-factor"))
        self.assertContains(response, "Chrome op Android")
        self.assertContains(response, 'id="push-panel"')


class InstallableAppTests(SchoolTestCase):
    def test_the_service_worker_is_served_at_the_root_with_the_whole_site_as_scope(self) -> None:
        response = self.client.get("/sw.js")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Service-Worker-Allowed"], "/")
        self.assertIn("javascript", response["Content-Type"])
        body = response.content.decode()
        self.assertIn('addEventListener("push"', body)
        self.assertIn('addEventListener("notificationclick"', body)

    def test_the_manifest_makes_schoolbrug_installable(self) -> None:
        response = self.client.get(reverse("web-manifest"))
        self.assertEqual(response["Content-Type"], "application/manifest+json; charset=utf-8")
        manifest = response.json()
        self.assertEqual((manifest["name"], manifest["short_name"]), ("Schoolbrug", "Schoolbrug"))
        self.assertEqual((manifest["start_url"], manifest["display"]), ("/", "standalone"))
        self.assertTrue(manifest["theme_color"].startswith("#"))
        from django.contrib.staticfiles import finders
        from PIL import Image

        sizes = set()
        for icon in manifest["icons"]:
            path = finders.find(icon["src"].removeprefix("/static/"))
            self.assertIsNotNone(path, icon["src"])
            with Image.open(str(path)) as image:
                self.assertEqual(f"{image.width}x{image.height}", icon["sizes"])
                self.assertEqual(image.format, "PNG")
            sizes.add((icon["sizes"], icon["purpose"]))
        self.assertLessEqual({("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}, sizes)
        self.client.force_login(self.paula.user)
        self.assertContains(
            self.client.get(reverse("portal:home")), f'<link rel="manifest" href="{reverse("web-manifest")}">'
        )
