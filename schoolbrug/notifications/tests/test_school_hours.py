"""The school's default contact hours (edited by its communication administrator, given to new
staff) and the notification pages inside the person's own shell."""

from __future__ import annotations

from datetime import time

from django.urls import reverse
from django.utils import translation

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.notifications.models import QuietHours, SchoolContactHours
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.testing import SchoolTestCase, make_staff_account

URL = "/notifications/school-hours/"
LINK = 'href="/notifications/" data-testid="account-notifications-link"'


def school_hours_post(**overrides: str) -> dict[str, str]:
    """Mon-Thu 07:30-16:00, Wed off, Fri a window across midnight, weekend off."""
    data: dict[str, str] = {}
    for day in range(7):
        data |= {f"day{day}-available": "on" if day < 5 and day != 2 else "", f"day{day}-start": "07:30"}
        data[f"day{day}-end"] = "16:00"
    data |= {"day4-start": "22:00", "day4-end": "02:00"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value}


class SchoolHoursPageTests(SchoolTestCase):
    def setUp(self) -> None:
        translation.activate("nl")
        self.addCleanup(translation.deactivate)

    def test_the_url_is_the_named_route(self) -> None:
        self.assertEqual(reverse("notifications:school-hours"), URL)

    def test_only_the_schools_communication_or_application_administrator_gets_the_page(self) -> None:
        for persona in (self.tess, self.paula):
            self.client.force_login(persona.user)
            self.assertEqual(self.client.get(URL).status_code, 404, persona.user.email)
            self.assertEqual(self.client.post(URL, school_hours_post()).status_code, 404, persona.user.email)
        self.assertFalse(SchoolContactHours.objects.exists())
        verified_login(self.client, self.ada.user)
        response = self.client.get(URL)
        self.assertContains(response, 'data-testid="school-hours-form"')
        self.assertContains(response, 'data-testid="nav-school-hours"')  # linked from the admin menu
        self.assertContains(response, 'value="08:00"')  # the code's default until the school changes it
        communicator = make_staff_account(
            self.school, "com@test.nl", "Cor", "Communicatie", is_communication_admin=True
        )
        self.client.force_login(communicator.user)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_another_schools_administrator_edits_only_his_own_school(self) -> None:
        verified_login(self.client, self.wim.user)
        self.client.post(URL, school_hours_post())
        self.assertEqual(SchoolContactHours.objects.filter(school=self.other_school).count(), 7)
        self.assertFalse(SchoolContactHours.objects.filter(school=self.school).exists())

    def test_edited_default_is_what_new_staff_get(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.post(URL, school_hours_post())
        self.assertRedirects(response, URL)
        newcomer = make_staff_account(self.school, "nieuw@test.nl", "Noor", "Nieuw").account
        rows = QuietHours.objects.filter(account=newcomer)
        hours = {row.weekday: (row.available, row.start, row.end) for row in rows}
        self.assertEqual(hours[0], (True, time(7, 30), time(16)))
        self.assertFalse(hours[2][0])
        self.assertEqual(hours[4], (True, time(22), time(2)))  # across midnight
        self.assertFalse(hours[5][0] or hours[6][0])
        # The other school's newcomers keep the code's default.
        elsewhere = make_staff_account(self.other_school, "elders@test.nl", "Els", "Elders").account
        self.assertEqual(QuietHours.objects.get(account=elsewhere, weekday=0).start, time(8))

    def test_a_staff_record_linked_to_a_login_later_gets_the_default_once(self) -> None:
        SchoolContactHours.objects.create(school=self.school, weekday=0, available=True, start=time(9), end=time(15))
        record = StaffMember.objects.create(school=self.school, first_name="Lia", last_name="Later")
        login = Account.objects.create_account(kind="staff", email="lia@test.nl")
        self.assertFalse(QuietHours.objects.filter(account=login).exists())  # no school known yet
        record.account = login
        record.save()
        self.assertEqual(QuietHours.objects.get(account=login, weekday=0).start, time(9))
        # Switched off by the person, they stay off when the record is saved again.
        QuietHours.objects.filter(account=login).delete()
        record = StaffMember.objects.get(pk=record.pk)
        record.phone = "06 12345678"
        record.save()
        self.assertFalse(QuietHours.objects.filter(account=login).exists())

    def test_end_equal_to_start_is_refused_with_a_message_and_nothing_is_lost(self) -> None:
        verified_login(self.client, self.ada.user)
        self.client.post(URL, school_hours_post())
        response = self.client.post(URL, school_hours_post(**{"day0-start": "10:00", "day0-end": "10:00"}))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Het einde moet verschillen van het begin")
        self.assertContains(response, 'value="10:00"')
        self.assertEqual(SchoolContactHours.objects.get(school=self.school, weekday=0).start, time(7, 30))

    def test_the_page_has_a_fixed_number_of_queries(self) -> None:
        verified_login(self.client, self.ada.user)
        with count_queries() as small:
            self.client.get(URL)
        self.client.post(URL, school_hours_post())
        for n in range(5):
            make_staff_account(self.school, f"extra{n}@test.nl", "Extra", str(n))
        with count_queries() as large:
            response = self.client.get(URL)
        self.assertContains(response, 'value="07:30"')
        assert_same_query_count(small, large, "school contact hours")


class OwnShellTests(SchoolTestCase):
    def test_a_guardian_keeps_the_portal_menu_on_the_notification_pages(self) -> None:
        self.client.force_login(self.paula.user)
        notify([self.paula.user], Event(kind="portal", title="Nieuw plan"))
        for name in ("notifications:list", "notifications:settings"):
            response = self.client.get(reverse(name))
            self.assertContains(response, 'class="portal-nav app-nav"', msg_prefix=name)
            self.assertContains(response, 'data-testid="nav-more"', msg_prefix=name)
            self.assertNotContains(response, "section-nav", msg_prefix=name)

    def test_staff_keep_the_staff_menu_on_the_notification_pages(self) -> None:
        self.client.force_login(self.tess.user)
        for name in ("notifications:list", "notifications:settings"):
            response = self.client.get(reverse(name))
            self.assertContains(response, 'id="nav-account"', msg_prefix=name)
            self.assertNotContains(response, "portal-nav", msg_prefix=name)

    def test_the_account_pages_link_to_the_notifications(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:account"))
        self.assertContains(response, LINK)
        verified_login(self.client, self.ada.user)
        response = self.client.get(reverse("accounts:two-factor"))
        self.assertContains(response, LINK)
        self.assertContains(response, 'data-testid="account-school-hours-link"')
        self.client.force_login(self.tess.user)
        response = self.client.get(reverse("accounts:two-factor"))
        self.assertContains(response, 'data-testid="account-notifications-link"')
        self.assertNotContains(response, 'data-testid="account-school-hours-link"')
