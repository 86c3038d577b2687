"""AGE-1/AGE-2: who sees events, RSVP, helping parents with a waiting list, and reminders.
CONF-2/CONF-4: "booking is open" messages and the conference reminder (scheduled jobs)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.agenda import services
from schoolbrug.agenda.booking import Choice, book
from schoolbrug.agenda.jobs import send_reminders
from schoolbrug.agenda.models import ConferenceRound, Event, Rsvp, Slot, VolunteerSignup
from schoolbrug.agenda.reminders import send_conference_reminders, send_event_reminders, send_opening_notices
from schoolbrug.core.scheduler import registered_jobs
from schoolbrug.messaging.models import Space
from schoolbrug.notifications.models import Notification, NotificationKind
from schoolbrug.records.models import Activity
from schoolbrug.sis.testing import Persona, SchoolTestCase, link, make_guardian_account

from .helpers import Family, make_family, make_round, make_teacher_for


class EventTests(SchoolTestCase):
    group_space: Space
    school_space: Space
    bring: Event
    school_wide: Event
    group5_event: Event
    extra: list[Persona]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        cls.group_space = Space.objects.get(group=cls.group3)
        cls.school_space = Space.objects.get(school=cls.school, kind=Space.Kind.SCHOOL)
        cls.bring = Event.objects.create(
            school=cls.school,
            space=cls.group_space,
            title="Neem een schoenendoos mee",
            starts_at=now + dt.timedelta(days=2, hours=1),
            ends_at=now + dt.timedelta(days=2, hours=2),
            remind_days_before=2,
            rsvp=True,
            volunteer_places=2,
        )
        cls.school_wide = Event.objects.create(
            school=cls.school,
            space=cls.school_space,
            title="Kerstviering",
            starts_at=now + dt.timedelta(days=20),
            ends_at=now + dt.timedelta(days=20, hours=2),
        )
        cls.group5_event = Event.objects.create(
            school=cls.school,
            space=Space.objects.get(group=cls.group5),
            title="Schoolreis groep 5",
            starts_at=now + dt.timedelta(days=5),
            ends_at=now + dt.timedelta(days=5, hours=3),
        )
        Activity.objects.create(
            school=cls.school,
            title="Studiedag",
            starts_at=now + dt.timedelta(days=9),
            ends_at=now + dt.timedelta(days=10),
            all_day=True,
            publish_on_portal=True,
        )
        Activity.objects.create(
            school=cls.school,
            title="Teamvergadering",
            starts_at=now + dt.timedelta(days=9),
            ends_at=now + dt.timedelta(days=9, hours=1),
            publish_on_portal=False,
        )
        # Three more guardians of Sam's group for the helpers' waiting list.
        cls.extra = []
        for n in range(3):
            persona = make_guardian_account(cls.school, f"helper{n}@test.nl", "Hulp", f"Ouder{n}")
            link(persona.record, cls.sam, "other")
            cls.extra.append(persona)

    def test_guardians_see_their_childrens_groups_the_school_and_the_year_plan(self) -> None:
        self.client.force_login(self.paula.user)
        page = self.client.get(reverse("agenda:home"))
        titles = [item.title for item in page.context["items"]]
        self.assertIn(self.bring.title, titles)
        self.assertIn("Kerstviering", titles)
        self.assertIn("Studiedag", titles)
        self.assertNotIn("Schoolreis groep 5", titles)
        self.assertNotIn("Teamvergadering", titles)
        self.assertEqual(self.client.get(reverse("agenda:event", args=[self.group5_event.pk])).status_code, 404)
        self.assertEqual(
            self.client.post(
                reverse("agenda:event", args=[self.group5_event.pk]), {"action": "rsvp", "answer": "yes"}
            ).status_code,
            404,
        )
        self.assertEqual(self.client.get(reverse("agenda:event", args=[self.bring.pk])).status_code, 200)

    def test_rsvp_counts(self) -> None:
        for persona, answer in (
            (self.paula, "yes"),
            (self.dirk, "no"),
            (self.extra[0], "maybe"),
            (self.extra[1], "yes"),
        ):
            self.client.force_login(persona.user)
            self.client.post(reverse("agenda:event", args=[self.bring.pk]), {"action": "rsvp", "answer": answer})
        self.client.post(reverse("agenda:event", args=[self.bring.pk]), {"action": "rsvp", "answer": "no"})  # changed
        page = self.client.get(reverse("agenda:event", args=[self.bring.pk]))
        self.assertEqual(page.context["counts"], {"yes": 1, "no": 2, "maybe": 1})
        with self.assertRaises(ValidationError):
            services.answer_rsvp(actor=self.paula.user, event=self.bring, answer="perhaps")
        with self.assertRaises(ValidationError):
            services.answer_rsvp(actor=self.paula.user, event=self.bring, answer="yes", now=self.bring.starts_at)

    def test_helpers_waiting_list_moves_up_on_cancel_until_the_deadline(self) -> None:
        people = [self.paula, self.dirk, *self.extra]
        placed = [services.volunteer(actor=p.user, event=self.bring) for p in people]
        self.assertEqual(placed, [True, True, False, False, False])
        self.assertTrue(services.volunteer(actor=self.paula.user, event=self.bring))  # twice is once
        self.assertEqual(VolunteerSignup.objects.filter(event=self.bring).count(), 5)
        services.cancel_volunteering(actor=self.dirk.user, event=self.bring)
        confirmed, waiting = services.volunteers_of(self.bring)
        self.assertEqual([s.account_id for s in confirmed], [self.paula.user.pk, self.extra[0].user.pk])
        self.assertEqual(len(waiting), 2)
        self.assertTrue(
            Notification.objects.filter(recipient=self.extra[0].user, kind=NotificationKind.AGENDA).exists()
        )
        with self.assertRaises(ValidationError):
            services.cancel_volunteering(actor=self.paula.user, event=self.bring, now=self.bring.starts_at)
        self.assertEqual(VolunteerSignup.objects.filter(event=self.bring).count(), 4)

    def test_the_teacher_sees_the_helpers_and_messages_them(self) -> None:
        services.volunteer(actor=self.paula.user, event=self.bring)
        services.volunteer(actor=self.dirk.user, event=self.bring)
        services.volunteer(actor=self.extra[0].user, event=self.bring)  # waiting list: not messaged
        verified_login(self.client, self.tess.user)
        url = reverse("agenda-staff:event", args=[self.bring.pk])
        page = self.client.get(url)
        self.assertContains(page, "paula@test.nl")
        self.assertContains(page, "helper0@test.nl")
        self.client.post(url, {"text": "Graag om 8 uur bij het lokaal."})
        messaged = set(
            Notification.objects.filter(text="Graag om 8 uur bij het lokaal.").values_list("recipient_id", flat=True)
        )
        self.assertEqual(messaged, {self.paula.user.pk, self.dirk.user.pk})
        response = self.client.post(url, {"text": "   "})
        self.assertTrue(response.context["form"].errors)

    def test_the_reminder_goes_once_and_not_to_those_who_answered(self) -> None:
        Rsvp.objects.create(event=self.bring, account=self.paula.user, answer="yes")
        VolunteerSignup.objects.create(event=self.bring, account=self.extra[0].user)
        too_early = self.bring.starts_at - dt.timedelta(days=2, minutes=5)
        self.assertEqual(send_event_reminders(now=too_early), 0)
        due = self.bring.starts_at - dt.timedelta(days=2) + dt.timedelta(minutes=1)
        send_event_reminders(now=due)
        reminded = set(
            Notification.objects.filter(dedupe_key=f"agenda-reminder:{self.bring.pk}").values_list(
                "recipient_id", flat=True
            )
        )
        self.assertIn(self.dirk.user.pk, reminded)
        self.assertIn(self.extra[1].user.pk, reminded)
        self.assertNotIn(self.paula.user.pk, reminded)
        self.assertNotIn(self.extra[0].user.pk, reminded)
        self.assertNotIn(self.otto.user.pk, reminded)  # group 5/6
        Event.objects.filter(pk=self.bring.pk).update(reminded_at=None)  # even a lost mark sends nothing twice
        send_event_reminders(now=due + dt.timedelta(minutes=5))
        self.assertEqual(
            Notification.objects.filter(dedupe_key=f"agenda-reminder:{self.bring.pk}").count(), len(reminded)
        )

    def test_the_job_is_registered_with_the_scheduler(self) -> None:
        self.assertIn("agenda.send_reminders", [job.name for job in registered_jobs()])
        send_reminders()


class ConferenceNoticeTests(SchoolTestCase):
    tom: Persona
    family: Family
    round: ConferenceRound

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tom = make_teacher_for(cls.school, cls.group5)
        cls.family = make_family(cls.school, cls.group3, cls.group5)
        cls.round = make_round(
            cls.school,
            [cls.group3, cls.group5],
            [cls.tess, cls.tom],
            opens_in=dt.timedelta(hours=12),
        )

    def opening_notified(self) -> set[int]:
        return set(
            Notification.objects.filter(dedupe_key=f"conference-open:{self.round.pk}").values_list(
                "recipient_id", flat=True
            )
        )

    def test_siblings_are_told_at_the_early_opening_everyone_at_the_opening_each_once(self) -> None:
        send_opening_notices(now=self.round.early_opens_at - dt.timedelta(minutes=1))
        self.assertEqual(self.opening_notified(), set())
        send_opening_notices()  # 12 hours before opening: within the families' lead of 24 hours
        self.assertEqual(self.opening_notified(), {self.family.mother.user.pk, self.family.father.user.pk})
        send_opening_notices(now=self.round.opens_at + dt.timedelta(minutes=1))
        everyone = {
            self.family.mother.user.pk,
            self.family.father.user.pk,
            self.paula.user.pk,
            self.dirk.user.pk,
            self.otto.user.pk,
        }
        self.assertEqual(self.opening_notified(), everyone)
        send_opening_notices(now=self.round.opens_at + dt.timedelta(minutes=10))
        self.assertEqual(
            Notification.objects.filter(dedupe_key=f"conference-open:{self.round.pk}").count(), len(everyone)
        )
        self.assertEqual(Notification.objects.filter(recipient=self.paula.user).first().kind, NotificationKind.BOOKING)  # type: ignore[union-attr]

    def test_the_day_before_both_guardians_are_reminded_once(self) -> None:
        slot = Slot.objects.filter(round=self.round, staff_member=self.tess.record).first()
        assert slot is not None
        booking = book(
            actor=self.paula.user,
            conference=self.round,
            choices=[Choice(self.sam.pk, slot.pk)],
            now=self.round.opens_at + dt.timedelta(minutes=1),
        )[0]
        self.assertEqual(send_conference_reminders(now=slot.starts_at - dt.timedelta(days=1, minutes=1)), 0)
        self.assertEqual(send_conference_reminders(now=slot.starts_at - dt.timedelta(hours=20)), 2)
        self.assertEqual(send_conference_reminders(now=slot.starts_at - dt.timedelta(hours=19)), 0)
        reminded = set(
            Notification.objects.filter(dedupe_key__startswith=f"conference-reminder:{booking.pk}:").values_list(
                "recipient_id", flat=True
            )
        )
        self.assertEqual(reminded, {self.paula.user.pk, self.dirk.user.pk})
