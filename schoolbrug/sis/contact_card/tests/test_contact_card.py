"""PRIV-2: child contact information behind the personal PIN, for the staff member's own
pupils only, every look audited; the PIN is hashed, not trivial, rate limited and expires."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.contact_pin import ContactPin, is_trivial, pin_set, validate_pin
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, link, make_guardian_account, make_pupil

PIN = "48213"
CONTACTS = reverse("staff:contacts")
UNLOCK = reverse("staff:contacts-unlock")


class ContactPinTests(SchoolTestCase):
    def client_for(self, persona, *, pin: str | None = PIN) -> Client:  # type: ignore[no-untyped-def]
        client = Client()
        verified_login(client, persona.user)
        if pin:
            pin_set(account=persona.user, pin=pin)
        return client

    def unlock(self, client: Client, pin: str = PIN) -> int:
        return client.post(UNLOCK, {"pin": pin}).status_code

    def test_the_pin_is_hashed_and_never_trivial(self) -> None:
        for trivial in ("12345", "11111", "55555", "54321", "67890", "1234"):
            with self.subTest(trivial), self.assertRaises(ValidationError):
                validate_pin(trivial)
        for bad in ("abcde", "1234\uff15", "4821"):
            with self.subTest(bad), self.assertRaises(ValidationError):
                validate_pin(bad)
        self.assertFalse(is_trivial(PIN))
        pin_set(account=self.tess.user, pin=PIN)
        stored = ContactPin.objects.get(account=self.tess.user).pin_hash
        self.assertNotIn(PIN, stored)
        identify_hasher(stored)  # one of Django's password hashers

    def test_setting_the_pin_on_the_own_account_page_needs_the_password(self) -> None:
        client = self.client_for(self.tess, pin=None)
        self.assertRedirects(
            client.get(CONTACTS),
            reverse("accounts:contact-pin") + "?next=%2Fstaff%2Fcontacts%2F",
            fetch_redirect_response=False,
        )
        page = reverse("accounts:contact-pin")
        response = client.post(page, {"password": "wrong", "pin": PIN, "pin_again": PIN})
        self.assertEqual(response.status_code, 200)
        response = client.post(page, {"password": PASSWORD, "pin": "12345", "pin_again": "12345"})
        self.assertFalse(ContactPin.objects.exists())
        response = client.post(page, {"password": PASSWORD, "pin": PIN, "pin_again": PIN})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(ContactPin.objects.filter(account=self.tess.user).exists())
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.PIN_SET).exists())

    def test_only_own_group_pupils_after_the_pin_and_every_look_audited(self) -> None:
        client = self.client_for(self.tess)
        self.assertRedirects(
            client.get(CONTACTS), UNLOCK + "?next=%2Fstaff%2Fcontacts%2F", fetch_redirect_response=False
        )
        before = client.cookies["sessionid"].value
        self.assertEqual(self.unlock(client), 302)
        self.assertNotEqual(client.cookies["sessionid"].value, before, "a new session id after the PIN step")
        page = client.get(CONTACTS)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Sam Bakker")
        self.assertNotContains(page, "Olivia")
        # Each guardian of a divorced family is shown with his own number and address.
        self.assertContains(page, "06 11111111")
        self.assertContains(page, "06 22222222")
        self.assertContains(page, "Zutphen")
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.CONTACT_VIEWED).count(), 1)
        client.get(CONTACTS + f"?group={self.group3.pk}")
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.CONTACT_VIEWED).count(), 2)
        self.assertEqual(client.get(CONTACTS + f"?group={self.group5.pk}").status_code, 404)

    def test_a_principal_filters_by_group(self) -> None:
        client = self.client_for(self.pim)
        self.unlock(client)
        page = client.get(CONTACTS + f"?group={self.group5.pk}")
        self.assertContains(page, "Olivia")
        self.assertNotContains(page, "Sam Bakker")
        # Who sees the whole school gets one group at a time, the first by default.
        page = client.get(CONTACTS)
        self.assertContains(page, "Sam Bakker")
        self.assertNotContains(page, "Olivia")

    def test_wrong_pins_are_counted_then_locked(self) -> None:
        client = self.client_for(self.tess)
        for _attempt in range(4):
            self.assertEqual(self.unlock(client, "99887"), 400)
        self.assertEqual(self.unlock(client, "99887"), 429)
        # Locked: even the right PIN is refused for a while.
        self.assertEqual(self.unlock(client, PIN), 429)
        self.assertEqual(client.get(CONTACTS).status_code, 302)
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.PIN_FAILED).count(), 4)
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.PIN_LOCKED).count(), 1)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
            self.assertEqual(self.unlock(client, PIN), 302)

    def test_asked_again_after_fifteen_idle_minutes_and_after_eight_hours(self) -> None:
        start = timezone.now()
        client = self.client_for(self.tess)
        with time_machine.travel(start, tick=False):
            self.unlock(client)
        with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
            self.assertEqual(client.get(CONTACTS).status_code, 200)
        with time_machine.travel(start + dt.timedelta(minutes=28), tick=False):
            self.assertEqual(client.get(CONTACTS).status_code, 200)  # kept alive by the look at 14
        with time_machine.travel(start + dt.timedelta(minutes=44), tick=False):
            self.assertEqual(client.get(CONTACTS).status_code, 302)
        with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
            self.unlock(client)
        moment = start + dt.timedelta(hours=1)
        while moment < start + dt.timedelta(hours=9):
            moment += dt.timedelta(minutes=10)
            with time_machine.travel(moment, tick=False):
                status = client.get(CONTACTS).status_code
            if moment >= start + dt.timedelta(hours=9):
                self.assertEqual(status, 302)
                break
            self.assertEqual(status, 200, moment - start)

    def test_guardians_never_reach_the_contact_list(self) -> None:
        client = Client()
        client.force_login(self.paula.user)
        self.assertEqual(client.get(CONTACTS).status_code, 404)
        self.assertEqual(client.post(UNLOCK, {"pin": PIN}).status_code, 404)
        self.assertEqual(client.get(reverse("accounts:contact-pin")).status_code, 404)

    def test_the_contact_list_takes_the_same_queries_at_two_sizes(self) -> None:
        client = self.client_for(self.tess)
        self.unlock(client)
        client.get(CONTACTS)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(CONTACTS).status_code, 200)
            return len(queries)

        small = count()
        print(f"contact list: {small} queries")  # the figure the report quotes
        for i in range(12):
            pupil = make_pupil(self.school, f"Kind{i}", f"Groot{i}", self.group3)
            parent = make_guardian_account(
                self.school, f"ouder{i}@test.nl", "Ouder", f"Groot{i}", phone_mobile="06 12345678"
            )
            link(parent.record, pupil, "mother")
        self.assertGreater(Guardianship.objects.count(), 12)
        self.assertEqual(count(), small)
