"""AGE-3: the secret calendar feed (RFC 5545, two parsers) and the .ics import."""

from __future__ import annotations

import datetime as dt

import icalendar
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.agenda.booking import Choice, book
from schoolbrug.agenda.models import Booking, CalendarFeed, Event, IcsImport, Slot
from schoolbrug.agenda.services import new_feed_token, token_hash
from schoolbrug.messaging.models import Space
from schoolbrug.records.models import Activity
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import make_round

LONG_DUTCH = (
    "Op vrijdag nemen alle kinderen van groep 3 een lege schoenendoos, een wc-rolletje, lijm en "
    "gekleurd papier mee voor het knutselen van de kerststukjes; vergeet ook niet de gymtas met "
    "gymschoenen, want na de pauze is er een extra gymles in de sporthal aan de Brinkstraat. "
    "Ouders/verzorgers zijn welkom om te helpen — graag even aanmelden bij de leerkracht. Één, twee, drie!"
)


def feed_text(client: object, token: str) -> bytes:
    response = client.get(reverse("agenda:feed-ics", args=[token]))  # type: ignore[attr-defined]
    assert response.status_code == 200, response.status_code
    return bytes(response.content)


class FeedTests(SchoolTestCase):
    event: Event
    hidden: Event
    activity: Activity
    booking: Booking

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        group_space = Space.objects.get(group=cls.group3)
        other_space = Space.objects.get(group=cls.group5)
        cls.event = Event.objects.create(
            school=cls.school,
            space=group_space,
            title="Knutselmiddag: neem een schoenendoos mee",
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=3, hours=2),
            description=LONG_DUTCH,
            location="Lokaal 3",
        )
        cls.hidden = Event.objects.create(
            school=cls.school,
            space=other_space,
            title="Schoolreis groep 5",
            starts_at=now + dt.timedelta(days=4),
            ends_at=now + dt.timedelta(days=4, hours=6),
        )
        cls.activity = Activity.objects.create(
            school=cls.school,
            title="Studiedag",
            starts_at=now + dt.timedelta(days=10),
            ends_at=now + dt.timedelta(days=11),
            all_day=True,
            publish_on_portal=True,
        )
        conference = make_round(cls.school, [cls.group3], [cls.tess])
        cls.booking = book(
            actor=cls.paula.user,
            conference=conference,
            choices=[Choice(cls.sam.pk, Slot.objects.filter(round=conference).first().pk)],  # type: ignore[union-attr]
        )[0]

    def test_only_the_hash_of_the_token_is_stored_and_a_new_token_revokes_the_old(self) -> None:
        token = new_feed_token(self.paula.user)
        stored = CalendarFeed.objects.get(account=self.paula.user)
        self.assertEqual(stored.token_hash, token_hash(token))
        self.assertNotIn(token, stored.token_hash)
        feed_text(self.client, token)
        newer = new_feed_token(self.paula.user)
        self.assertEqual(self.client.get(reverse("agenda:feed-ics", args=[token])).status_code, 404)
        feed_text(self.client, newer)

    def test_the_settings_page_makes_and_switches_off_the_address(self) -> None:
        self.client.force_login(self.paula.user)
        page = self.client.post(reverse("agenda:feed"), {"action": "new"})
        url = page.context["feed_url"]
        self.assertIn("/agenda/feed/", url)
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        feed_text(self.client, token)
        self.client.post(reverse("agenda:feed"), {"action": "revoke"})
        self.assertEqual(self.client.get(reverse("agenda:feed-ics", args=[token])).status_code, 404)
        self.assertEqual(self.client.get(reverse("agenda:feed-ics", args=["x" * 43])).status_code, 404)

    def test_the_feed_is_valid_rfc_5545_by_two_parsers(self) -> None:
        raw = feed_text(self.client, new_feed_token(self.paula.user))
        # CRLF everywhere, and no line longer than 75 octets.
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
        lines = raw.split(b"\r\n")
        self.assertTrue(all(len(line) <= 75 for line in lines), max(lines, key=len))
        self.assertTrue(any(line.startswith(b" ") for line in lines))  # the long Dutch text was folded
        calendar = icalendar.Calendar.from_ical(raw)
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertTrue(str(calendar["PRODID"]))
        self.assertIn("Paula", str(calendar["X-WR-CALNAME"]))
        zones = calendar.walk("VTIMEZONE")
        self.assertEqual([str(z["TZID"]) for z in zones], ["Europe/Amsterdam"])
        events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
        for event in events.values():
            self.assertTrue(event.get("UID"))
            self.assertTrue(event.get("DTSTAMP"))
        self.assertEqual(str(events[self.event.title]["DESCRIPTION"]), LONG_DUTCH)  # unfolded intact
        self.assertNotIn(self.hidden.title, events)  # another group's event
        self.assertIn("Studiedag", events)  # the year plan
        self.assertIsInstance(events["Studiedag"].decoded("DTSTART"), dt.date)
        self.assertNotIsInstance(events["Studiedag"].decoded("DTSTART"), dt.datetime)
        self.assertIn("Rapportgesprekken", events)  # the booking
        self.assertEqual(events[self.event.title]["DTSTART"].params["TZID"], "Europe/Amsterdam")
        parsed = vobject.readOne(raw.decode("utf-8"), validate=True)
        parsed.validate()
        self.assertEqual(len(parsed.vevent_list), len(events))
        self.assertEqual(parsed.vtimezone.tzid.value, "Europe/Amsterdam")
        texts = {e.summary.value: e for e in parsed.vevent_list}
        self.assertEqual(texts[self.event.title].description.value, LONG_DUTCH)

    def test_the_teacher_feed_shows_his_conferences(self) -> None:
        raw = feed_text(self.client, new_feed_token(self.tess.user))
        summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]
        self.assertIn("Rapportgesprekken", summaries)
        self.assertIn(self.hidden.title, summaries)  # staff see their school's events


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//NL\r\n"
    "BEGIN:VEVENT\r\nUID:kerst-2026@school\r\nDTSTAMP:20261101T100000Z\r\nDTSTART;VALUE=DATE:20261218\r\n"
    "DTEND;VALUE=DATE:20261219\r\nSUMMARY:Kerstviering\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:sport-2026@school\r\nDTSTAMP:20261101T100000Z\r\nDTSTART:20261210T130000Z\r\n"
    "DTEND:20261210T150000Z\r\nSUMMARY:Sportdag\r\nLOCATION:Sporthal\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


class ImportTests(SchoolTestCase):
    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)
        self.space = Space.objects.get(school=self.school, kind=Space.Kind.SCHOOL)

    def upload(self, content: bytes, name: str = "agenda.ics") -> object:
        return self.client.post(
            reverse("agenda-staff:import"), {"space": self.space.pk, "file": SimpleUploadedFile(name, content)}
        )

    def test_preview_then_import_skips_uids_already_there(self) -> None:
        Event.objects.create(
            school=self.school,
            space=self.space,
            title="Kerstviering",
            uid="kerst-2026@school",
            starts_at=timezone.now(),
            ends_at=timezone.now(),
        )
        response = self.upload(ICS.encode())
        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        preview = self.client.get(response.url)  # type: ignore[attr-defined]
        self.assertContains(preview, "Sportdag")
        self.assertEqual([e.duplicate for e in preview.context["events"]], [True, False])
        self.assertEqual(Event.objects.count(), 1)  # nothing saved by the preview
        self.client.post(response.url)  # type: ignore[attr-defined]
        self.assertEqual(Event.objects.filter(uid="sport-2026@school").count(), 1)
        self.assertEqual(Event.objects.filter(uid="kerst-2026@school").count(), 1)
        self.assertFalse(IcsImport.objects.exists())

    def test_a_file_that_is_not_icalendar_or_is_huge_is_refused_and_nothing_saved(self) -> None:
        for content, code in (
            (b"%PDF-1.4 not a calendar", "not_ics"),
            (b"BEGIN:VCALENDAR\r\nthis is broken\r\n", "not_ics"),
            (b"\xff\xfe\x00garbage", "not_ics"),
            (b"BEGIN:VCALENDAR\r\n" + b"X" * 1_100_000, "size"),
        ):
            response = self.upload(content)
            self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
            form = response.context["form"]  # type: ignore[attr-defined]
            self.assertTrue(form.has_error("file", code), (code, form.errors))
            self.assertContains(response, form.errors["file"][0])  # type: ignore[arg-type]
        self.assertFalse(IcsImport.objects.exists())
        self.assertFalse(Event.objects.exists())
