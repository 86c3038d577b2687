"""The bell, the list, marking read and the settings page."""

from __future__ import annotations

from datetime import time

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from schoolbrug.accounts.models import Account
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.notifications.models import DigestSchedule, Mode, Notification, NotificationKind, Preference, QuietHours
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify


def guardian(email: str = "ouder@example.org") -> Account:
    return Account.objects.create_account(kind="guardian", email=email)


def post_settings(**overrides: str) -> dict[str, str]:
    data: dict[str, str] = {f"kind-{kind}": Mode.EMAIL for kind in NotificationKind.values}
    data["hours-enabled"] = "on"
    data |= {"digest-frequency": "daily", "digest-weekday": "4", "digest-at": "17:30"}
    for day in range(7):
        data |= {f"day{day}-available": "on" if day < 5 else "", f"day{day}-start": "08:00", f"day{day}-end": "17:00"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value}


class BellTests(TestCase):
    def setUp(self) -> None:
        self.me = guardian()
        self.client.force_login(self.me)
        translation.activate("nl")
        self.addCleanup(translation.deactivate)

    def test_bell_counts_unread_and_the_list_has_fixed_queries(self) -> None:
        notify([self.me], Event(kind=NotificationKind.PORTAL, title="Nieuw plan", link="/portal/"))
        with count_queries() as small:
            response = self.client.get(reverse("notifications:list"))
        self.assertContains(response, 'data-testid="bell-count">1<')
        self.assertContains(response, 'aria-label="Meldingen, 1 ongelezen"')
        for i in range(40):
            notify([self.me], Event(kind=NotificationKind.PORTAL, title=f"Nieuw plan {i}", urgent=i == 39))
        with count_queries() as large:
            response = self.client.get(reverse("notifications:list"))
        assert_same_query_count(small, large, "notification list")
        self.assertContains(response, 'data-testid="bell-count">41<')
        self.assertContains(response, "Dringend")

    def test_no_counter_when_all_is_read(self) -> None:
        response = self.client.get(reverse("notifications:list"))
        self.assertContains(response, 'data-testid="bell"')
        self.assertNotContains(response, "bell-count")
        self.assertContains(response, 'data-testid="no-notifications"')

    def test_mark_one_read_only_of_ones_own(self) -> None:
        other = guardian("ander@example.org")
        (mine,) = notify([self.me], Event(kind=NotificationKind.PORTAL, title="Nieuw plan"))
        (theirs,) = notify([other], Event(kind=NotificationKind.PORTAL, title="Nieuw plan"))
        response = self.client.post(reverse("notifications:read", args=[theirs.pk]))
        self.assertEqual(response.status_code, 404)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.read_at)
        self.assertEqual(self.client.get(reverse("notifications:read", args=[mine.pk])).status_code, 405)
        self.assertRedirects(
            self.client.post(reverse("notifications:read", args=[mine.pk])), reverse("notifications:list")
        )
        mine.refresh_from_db()
        self.assertIsNotNone(mine.read_at)

    def test_mark_all_read(self) -> None:
        notify([self.me], Event(kind=NotificationKind.PORTAL, title="Een"))
        notify([self.me], Event(kind=NotificationKind.AGENDA, title="Twee"))
        other = guardian("ander@example.org")
        notify([other], Event(kind=NotificationKind.PORTAL, title="Een"))
        response = self.client.post(reverse("notifications:read-all"), follow=True)
        self.assertNotContains(response, "bell-count")
        self.assertFalse(Notification.objects.filter(recipient=self.me, read_at__isnull=True).exists())
        self.assertTrue(Notification.objects.filter(recipient=other, read_at__isnull=True).exists())

    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("notifications:list"))
        self.assertEqual(response.status_code, 302)


class SettingsTests(TestCase):
    def setUp(self) -> None:
        self.me = guardian()
        self.client.force_login(self.me)
        translation.activate("nl")
        self.addCleanup(translation.deactivate)

    def test_saves_preferences_and_contact_hours(self) -> None:
        data = post_settings(**{"kind-agenda": Mode.OFF, "day2-start": "22:00", "day2-end": "02:00"})
        response = self.client.post(reverse("notifications:settings"), data)
        self.assertRedirects(response, reverse("notifications:settings"))
        self.assertEqual(Preference.objects.get(account=self.me, kind=NotificationKind.AGENDA).mode, Mode.OFF)
        wednesday = QuietHours.objects.get(account=self.me, weekday=2)
        self.assertEqual((wednesday.start, wednesday.end), (time(22), time(2)))
        self.assertFalse(QuietHours.objects.get(account=self.me, weekday=6).available)

    def test_saves_the_digest_schedule(self) -> None:
        data = post_settings(**{"digest-frequency": "weekly", "digest-weekday": "0", "digest-at": "07:45"})
        self.assertRedirects(
            self.client.post(reverse("notifications:settings"), data), reverse("notifications:settings")
        )
        schedule = DigestSchedule.objects.get(account=self.me)
        self.assertEqual((schedule.frequency, schedule.weekday, schedule.at), ("weekly", 0, time(7, 45)))
        self.assertIsNone(schedule.next_at)  # computed afresh by the next run

    def test_end_equal_to_start_is_refused_and_nothing_is_lost(self) -> None:
        Preference.objects.create(account=self.me, kind=NotificationKind.AGENDA, mode=Mode.PUSH)
        response = self.client.post(
            reverse("notifications:settings"),
            post_settings(**{"kind-agenda": Mode.OFF, "day0-start": "10:00", "day0-end": "10:00"}),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Het einde moet verschillen van het begin")
        self.assertContains(response, 'value="10:00"')
        self.assertEqual(Preference.objects.get(account=self.me, kind=NotificationKind.AGENDA).mode, Mode.PUSH)
        self.assertFalse(QuietHours.objects.filter(account=self.me).exists())

    def test_switching_contact_hours_off_removes_them(self) -> None:
        self.client.post(reverse("notifications:settings"), post_settings())
        self.assertEqual(QuietHours.objects.filter(account=self.me).count(), 7)
        self.client.post(reverse("notifications:settings"), post_settings(**{"hours-enabled": ""}))
        self.assertFalse(QuietHours.objects.filter(account=self.me).exists())
