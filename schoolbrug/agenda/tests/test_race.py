"""CONF-3 on PostgreSQL: many guardians at one moment never get one slot twice.

Threads with their own database connections meet at a barrier and book at once; the unique
constraint on the booked slot decides. Runs only on PostgreSQL (SQLite serialises all writers,
so there is no race to show); CI runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import datetime as dt
import threading
import unittest
from collections.abc import Callable
from types import SimpleNamespace

from django.db import connection, connections
from django.db.models import Count
from django.test import TransactionTestCase

from schoolbrug.agenda import booking as service
from schoolbrug.agenda.booking import Choice, SlotTaken
from schoolbrug.agenda.combinations import consecutive_combinations
from schoolbrug.agenda.models import Booking, Slot
from schoolbrug.agenda.selectors import children_in_round, free_slots
from schoolbrug.sis.testing import build_personas, link, make_guardian_account, make_pupil

from .helpers import make_family, make_round, make_teacher_for

ON_POSTGRES = connection.vendor == "postgresql"


def race(workers: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = work()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@unittest.skipUnless(ON_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs the suite on PostgreSQL)")
class BookingRaceTests(TransactionTestCase):
    def setUp(self) -> None:
        self.p = SimpleNamespace()
        build_personas(self.p)
        self.tom = make_teacher_for(self.p.school, self.p.group5)
        self.round = make_round(self.p.school, [self.p.group3, self.p.group5], [self.p.tess, self.tom])

    def test_fifty_guardians_on_one_slot_exactly_one_wins(self) -> None:
        slot = Slot.objects.filter(round=self.round, staff_member=self.p.tess.record).first()
        assert slot is not None
        guardians = []
        for n in range(50):
            pupil = make_pupil(self.p.school, f"Kind{n}", "Race", self.p.group3)
            guardian = make_guardian_account(self.p.school, f"race{n}@test.nl", "Ouder", f"Race{n}")
            link(guardian.record, pupil, "mother")
            guardians.append((guardian.user, pupil))

        def attempt(account: object, pupil_id: int) -> Callable[[], object]:
            return lambda: service.book(actor=account, conference=self.round, choices=[Choice(pupil_id, slot.pk)])  # type: ignore[arg-type]

        results = race([attempt(account, pupil.pk) for account, pupil in guardians])
        wins = [r for r in results if isinstance(r, list)]
        taken = [r for r in results if isinstance(r, SlotTaken)]
        self.assertEqual(len(wins), 1, results)
        self.assertEqual(len(taken), 49, [r for r in results if not isinstance(r, list | SlotTaken)])
        for answer in taken:
            fresh = {free.id for free in answer.fresh}
            self.assertTrue(fresh)
            self.assertNotIn(slot.pk, fresh)
        self.assertEqual(Booking.objects.filter(slot=slot).count(), 1)

    def test_twenty_families_racing_for_sibling_combinations_get_all_or_none(self) -> None:
        families = [make_family(self.p.school, self.p.group3, self.p.group5, n=n) for n in range(20)]
        children = children_in_round(families[0].mother.user, self.round)
        teachers = sorted({t for child in children for t in child.teacher_ids})
        free = free_slots(self.round, teachers)
        by_teacher = {t: [s for s in free if s.staff_id == t] for t in teachers}
        offers = consecutive_combinations(
            {child.pupil.pk: by_teacher[child.teacher_ids[0]] for child in children},
            buffer=dt.timedelta(minutes=self.round.buffer_minutes),
            slot_length=dt.timedelta(minutes=self.round.slot_minutes),
        )
        self.assertGreaterEqual(len(offers), 3)
        first = families[0]

        def attempt(index: int) -> Callable[[], object]:
            family = families[index]
            offer = offers[index % 3]  # overlapping: every third family wants the same times
            mapping = {first.younger.pk: family.younger.pk, first.older.pk: family.older.pk}
            choices = [Choice(mapping[pupil], slot.id) for pupil, slot in offer.choices]
            return lambda: service.book(actor=family.mother.user, conference=self.round, choices=choices)

        results = race([attempt(i) for i in range(20)])
        self.assertTrue(all(isinstance(r, list | SlotTaken) for r in results), results)
        self.assertGreaterEqual(sum(isinstance(r, list) for r in results), 1)
        duplicates = Booking.objects.values("slot_id").annotate(n=Count("pk")).filter(n__gt=1)
        self.assertFalse(duplicates.exists())
        for family, result in zip(families, results, strict=True):
            count = Booking.objects.filter(pupil__in=[family.younger, family.older]).count()
            self.assertEqual(count, 2 if isinstance(result, list) else 0)
