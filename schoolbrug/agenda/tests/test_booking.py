"""CONF-1..4: booking, changing and cancelling; windows, siblings first, all or none."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from schoolbrug.agenda import booking as service
from schoolbrug.agenda.booking import Choice, SlotTaken
from schoolbrug.agenda.models import Booking, ConferenceRound, Slot
from schoolbrug.sis.testing import Persona, SchoolTestCase

from .helpers import Family, make_family, make_round, make_teacher_for


class BookingTests(SchoolTestCase):
    tom: Persona
    family: Family
    round: ConferenceRound
    tess_slots: list[Slot]
    tom_slots: list[Slot]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tom = make_teacher_for(cls.school, cls.group5)
        cls.family = make_family(cls.school, cls.group3, cls.group5)
        cls.round = make_round(cls.school, [cls.group3, cls.group5], [cls.tess, cls.tom])
        cls.tess_slots = list(Slot.objects.filter(round=cls.round, staff_member=cls.tess.record))
        cls.tom_slots = list(Slot.objects.filter(round=cls.round, staff_member=cls.tom.record))

    def test_availability_became_slots(self) -> None:
        self.assertEqual(len(self.tess_slots), 6)
        self.assertEqual(len(self.tom_slots), 6)

    def test_a_guardian_books_and_the_other_guardian_sees_it(self) -> None:
        made = service.book(
            actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[0].pk)]
        )
        self.assertEqual(made[0].slot, self.tess_slots[0])
        self.client.force_login(self.dirk.user)
        page = self.client.get(reverse("agenda:round", args=[self.round.pk]))
        self.assertContains(page, f'data-testid="booking-{made[0].pk}"')
        self.assertContains(self.client.get(reverse("agenda:home")), "Rapportgesprekken")

    def test_changing_replaces_the_booking_and_cancel_frees_the_slot(self) -> None:
        service.book(actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[0].pk)])
        service.book(actor=self.dirk.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[2].pk)])
        booking = Booking.objects.get(round=self.round, pupil=self.sam)
        self.assertEqual(booking.slot, self.tess_slots[2])
        service.cancel(actor=self.paula.user, booking=booking)
        self.assertFalse(Booking.objects.filter(round=self.round).exists())

    def test_a_taken_slot_answers_taken_with_fresh_free_slots(self) -> None:
        service.book(
            actor=self.family.mother.user,
            conference=self.round,
            choices=[Choice(self.family.younger.pk, self.tess_slots[0].pk)],
        )
        with self.assertRaises(SlotTaken) as caught:
            service.book(
                actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[0].pk)]
            )
        fresh = {slot.id for slot in caught.exception.fresh}
        self.assertNotIn(self.tess_slots[0].pk, fresh)
        self.assertIn(self.tess_slots[1].pk, fresh)
        self.assertEqual(Booking.objects.filter(pupil=self.sam).count(), 0)

    def test_the_booking_page_answers_409_with_fresh_slots_when_taken(self) -> None:
        service.book(
            actor=self.family.mother.user,
            conference=self.round,
            choices=[Choice(self.family.younger.pk, self.tess_slots[0].pk)],
        )
        self.client.force_login(self.paula.user)
        response = self.client.post(
            reverse("agenda:round", args=[self.round.pk]), {"pupil": self.sam.pk, "slot": self.tess_slots[0].pk}
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, f'value="{self.tess_slots[1].pk}"', status_code=409)
        self.assertNotContains(response, f'<option value="{self.tess_slots[0].pk}"', status_code=409)

    def test_a_pupil_who_is_not_yours_or_a_slot_of_another_group_is_not_found(self) -> None:
        with self.assertRaises(Http404):  # Olivia is Otto's child
            service.book(
                actor=self.paula.user, conference=self.round, choices=[Choice(self.olivia.pk, self.tom_slots[0].pk)]
            )
        with self.assertRaises(Http404):  # Tom teaches group 5/6, not Sam's group 3
            service.book(
                actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tom_slots[0].pk)]
            )
        self.client.force_login(self.paula.user)
        response = self.client.post(
            reverse("agenda:round", args=[self.round.pk]), {"pupil": self.olivia.pk, "slot": self.tom_slots[0].pk}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Booking.objects.exists())

    def test_booking_before_opening_or_after_the_deadline_is_refused_and_nothing_saved(self) -> None:
        now = timezone.now()
        with self.assertRaises(ValidationError) as caught:
            service.book(
                actor=self.paula.user,
                conference=self.round,
                choices=[Choice(self.sam.pk, self.tess_slots[0].pk)],
                now=self.round.opens_at - dt.timedelta(minutes=1),
            )
        self.assertEqual(caught.exception.code, "not_open")
        with self.assertRaises(ValidationError) as caught:
            service.book(
                actor=self.paula.user,
                conference=self.round,
                choices=[Choice(self.sam.pk, self.tess_slots[0].pk)],
                now=self.round.deadline,
            )
        self.assertEqual(caught.exception.code, "deadline")
        self.assertFalse(Booking.objects.exists())
        booking = service.book(
            actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[0].pk)], now=now
        )[0]
        with self.assertRaises(ValidationError):
            service.cancel(actor=self.paula.user, booking=booking, now=self.round.deadline + dt.timedelta(seconds=1))
        self.assertTrue(Booking.objects.filter(pk=booking.pk).exists())
        self.client.force_login(self.paula.user)
        self.round.deadline = now - dt.timedelta(seconds=1)
        self.round.opens_at = now - dt.timedelta(days=1)
        self.round.save()
        response = self.client.post(
            reverse("agenda:round", args=[self.round.pk]), {"pupil": self.sam.pk, "slot": self.tess_slots[3].pk}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "message-error", status_code=400)
        self.assertFalse(Booking.objects.filter(slot=self.tess_slots[3]).exists())

    def test_families_with_children_in_several_groups_book_earlier(self) -> None:
        early = self.round.opens_at - dt.timedelta(hours=12)
        with self.assertRaises(ValidationError):
            service.book(
                actor=self.paula.user,
                conference=self.round,
                choices=[Choice(self.sam.pk, self.tess_slots[0].pk)],
                now=early,
            )
        made = service.book(
            actor=self.family.mother.user,
            conference=self.round,
            choices=[
                Choice(self.family.younger.pk, self.tess_slots[0].pk),
                Choice(self.family.older.pk, self.tom_slots[2].pk),
            ],
            now=early,
        )
        self.assertEqual(len(made), 2)
        with self.assertRaises(ValidationError):  # more than the lead (24 h) before opening
            service.book(
                actor=self.family.father.user,
                conference=self.round,
                choices=[Choice(self.family.younger.pk, self.tess_slots[1].pk)],
                now=self.round.opens_at - dt.timedelta(hours=25),
            )

    def test_the_family_is_offered_consecutive_times_and_books_them_all_or_none(self) -> None:
        self.client.force_login(self.family.mother.user)
        page = self.client.get(reverse("agenda:round", args=[self.round.pk]))
        offers = page.context["offers"]
        self.assertTrue(offers)
        first = offers[0]["parts"]
        self.assertGreaterEqual(first[1]["slot"].starts_at, first[0]["slot"].ends_at + dt.timedelta(minutes=5))
        # Another family takes the second slot of the best offer: the whole combination fails.
        taken_pupil, taken_slot = offers[0]["key"].split(",")[1].split(":")
        other = make_family(self.school, self.group3, self.group5, n=2)
        other_child = other.younger if int(taken_pupil) == self.family.younger.pk else other.older
        service.book(actor=other.mother.user, conference=self.round, choices=[Choice(other_child.pk, int(taken_slot))])
        response = self.client.post(reverse("agenda:round", args=[self.round.pk]), {"combination": offers[0]["key"]})
        self.assertEqual(response.status_code, 409)
        self.assertFalse(Booking.objects.filter(pupil__in=[self.family.younger, self.family.older]).exists())
        # The fresh offers leave the taken slot out; booking one books both.
        fresh = response.context["offers"]
        self.assertTrue(fresh)
        self.assertNotIn(f":{taken_slot}", ",".join(o["key"] for o in fresh).split(",")[0])
        response = self.client.post(reverse("agenda:round", args=[self.round.pk]), {"combination": fresh[0]["key"]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Booking.objects.filter(pupil__in=[self.family.younger, self.family.older]).count(), 2)

    def test_one_conference_per_household_lets_guardians_who_live_apart_each_book(self) -> None:
        self.round.per_household = True
        self.round.save()
        self.paula.record.postcode, self.paula.record.house_number = "7411 BR", "1"
        self.paula.record.save()
        self.dirk.record.postcode, self.dirk.record.house_number = "7201 AB", "9"
        self.dirk.record.save()
        service.book(actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[0].pk)])
        service.book(actor=self.dirk.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[3].pk)])
        self.assertEqual(Booking.objects.filter(pupil=self.sam).count(), 2)
        dirks = Booking.objects.get(pupil=self.sam, slot=self.tess_slots[3])
        with self.assertRaises(Http404):  # Paula cannot cancel the other household's conference
            service.cancel(actor=self.paula.user, booking=dirks)
        # The same household booking again changes its own time.
        service.book(actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[1].pk)])
        self.assertEqual(
            set(Booking.objects.filter(pupil=self.sam).values_list("slot_id", flat=True)),
            {self.tess_slots[1].pk, self.tess_slots[3].pk},
        )

    def test_cancel_page_confirms_then_frees_the_slot(self) -> None:
        booking = service.book(
            actor=self.paula.user, conference=self.round, choices=[Choice(self.sam.pk, self.tess_slots[0].pk)]
        )[0]
        self.client.force_login(self.dirk.user)
        url = reverse("agenda:booking-cancel", args=[booking.pk])
        self.assertContains(self.client.get(url), "confirm-yes")
        self.assertTrue(Booking.objects.filter(pk=booking.pk).exists())
        self.assertEqual(self.client.post(url, {"confirm": "yes"}).status_code, 302)
        self.assertFalse(Booking.objects.filter(pk=booking.pk).exists())
        self.client.force_login(self.otto.user)
        self.assertEqual(self.client.get(url).status_code, 404)
