"""The digest: computed in the person's time zone with jitter; one e-mail per person, unread only."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.test import TestCase, override_settings

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.digest import jitter_for, send_due_digests
from schoolbrug.notifications.models import Channel, Delivery, DigestSchedule, Notification, NotificationKind
from schoolbrug.notifications.planning import Event, next_digest_at
from schoolbrug.notifications.services import mark_read, notify, notify_each
from schoolbrug.sis.testing import make_pupil, make_school

AMS = ZoneInfo("Europe/Amsterdam")


def test_daily_digest_keeps_the_local_time_across_daylight_saving() -> None:
    now = datetime(2026, 10, 24, 16, 0, tzinfo=UTC)  # Saturday 18:00 CEST
    nxt = next_digest_at(frequency="daily", weekday=0, at=time(17, 30), tz=AMS, now=now)
    assert nxt == datetime(2026, 10, 25, 16, 30, tzinfo=UTC)  # Sunday 17:30 CET
    jittered = next_digest_at(
        frequency="daily", weekday=0, at=time(17, 30), tz=AMS, now=now, jitter=timedelta(minutes=3)
    )
    assert jittered == nxt + timedelta(minutes=3)


def test_weekly_digest_on_the_chosen_day() -> None:
    now = datetime(2026, 6, 5, 15, 31, tzinfo=AMS)  # Friday, just after 15:30
    assert next_digest_at(frequency="weekly", weekday=4, at=time(15, 30), tz=AMS, now=now) == datetime(
        2026, 6, 12, 15, 30, tzinfo=AMS
    )
    assert next_digest_at(frequency="weekly", weekday=0, at=time(8), tz=AMS, now=now) == datetime(
        2026, 6, 8, 8, 0, tzinfo=AMS
    )


def test_jitter_is_fixed_per_person_and_under_ten_minutes() -> None:
    assert jitter_for(7) == jitter_for(7)
    assert all(timedelta(0) <= jitter_for(n) < timedelta(minutes=10) for n in range(1, 500))


@override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}})
class DigestTests(TestCase):
    def test_one_email_with_the_unread_items_at_the_chosen_time(self) -> None:
        person = Account.objects.create_account(kind="guardian", email="ouder@example.org")
        other = Account.objects.create_account(kind="guardian", email="ander@example.org")
        start = datetime(2026, 6, 3, 10, 0, tzinfo=AMS)
        for title in ("Ouderavond", "Schoolreis", "Luizencontrole"):
            notify([person, other], Event(kind=NotificationKind.AGENDA, title=title), now=start)
        mark_read(
            person, list(Notification.objects.filter(recipient=person, title="Schoolreis").values_list("pk", flat=True))
        )
        self.assertEqual(Delivery.objects.filter(channel=Channel.DIGEST).count(), 6)

        self.assertEqual(send_due_digests(start), 0)  # the schedules are made: daily 17:30 + jitter
        due = DigestSchedule.objects.get(account=person).next_at
        assert due is not None
        self.assertEqual(due.astimezone(AMS).date(), start.date())
        self.assertEqual((due - jitter_for(person.pk)).astimezone(AMS).time(), time(17, 30))
        self.assertEqual(send_due_digests(due - timedelta(seconds=1)), 0)
        self.assertEqual(len(mail.outbox), 0)

        later = start.replace(hour=18)
        self.assertEqual(send_due_digests(later), 2)  # one e-mail per person
        mine = next(m for m in mail.outbox if m.to == ["ouder@example.org"])
        self.assertIn("Ouderavond", mine.body)
        self.assertIn("Luizencontrole", mine.body)
        self.assertNotIn("Schoolreis", mine.body)  # read meanwhile
        self.assertIn("Agenda", mine.body)
        self.assertFalse(Delivery.objects.filter(channel=Channel.DIGEST, state=Delivery.State.PENDING).exists())
        # Nothing twice: the next run finds nothing waiting.
        self.assertEqual(send_due_digests(later + timedelta(days=1)), 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_grouped_by_child_under_his_called_name_then_by_space_or_kind(self) -> None:
        school, _previous, _year = make_school("OBS Digest")
        sam = make_pupil(school, "Samuel", "Bakker", called_name="Sam")
        eva = make_pupil(school, "Eva", "Bakker")
        parent = Account.objects.create_account(kind="guardian", email="ouder@example.org")
        other = Account.objects.create_account(kind="guardian", email="ander@example.org")
        start = datetime(2026, 6, 3, 10, 0, tzinfo=AMS)
        portal, agenda = NotificationKind.PORTAL, NotificationKind.AGENDA
        events = [
            Event(kind=portal, title="Nieuw plan voor Sam", pupil_id=sam.pk),
            Event(kind=portal, title="Nieuwe notitie over Eva", pupil_id=eva.pk),
            Event(kind=agenda, title="Studiedag", space="Groep 5/6", pupil_id=eva.pk),
            Event(kind=agenda, title="Ouderavond"),
            Event(kind=portal, title="Rapport van Sam", pupil_id=sam.pk),
            Event(kind=portal, title="Gelezen notitie over Eva", pupil_id=eva.pk),
        ]
        notify_each([(person, event) for event in events for person in (parent, other)], now=start)
        mark_read(parent, [Notification.objects.get(recipient=parent, title="Gelezen notitie over Eva").pk])

        send_due_digests(start)  # makes the schedules
        self.assertEqual(send_due_digests(start.replace(hour=18)), 2)
        (mine,) = [m for m in mail.outbox if m.to == ["ouder@example.org"]]
        self.assertEqual(
            mine.body,
            "Sam\n===\n\n"
            "Portaalbericht\n- Nieuw plan voor Sam\n- Rapport van Sam\n\n"
            "Eva\n===\n\n"
            "Portaalbericht\n- Nieuwe notitie over Eva\n\n"
            "Groep 5/6\n- Studiedag\n\n"
            "Agenda\n- Ouderavond\n",
        )
        self.assertNotIn("Gelezen", mine.body)  # read meanwhile: never in a digest
        (theirs,) = [m for m in mail.outbox if m.to == ["ander@example.org"]]
        self.assertIn("Gelezen notitie over Eva", theirs.body)  # the other guardian had not read it
