"""CONF-1 slots from availability, CONF-2 consecutive combinations (pure functions)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from schoolbrug.agenda.combinations import FreeSlot, consecutive_combinations
from schoolbrug.agenda.slots import Window, cut, validate_window

UTC = dt.UTC


def t(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 10, hour, minute, tzinfo=UTC)


class SlotTests(SimpleTestCase):
    def test_a_window_with_a_break_is_cut_into_whole_slots(self) -> None:
        window = Window(t(18), t(20), t(19), t(19, 20))
        validate_window(window, 10, [])
        slots = cut(window, 10)
        self.assertEqual(len(slots), 6 + 4)
        self.assertEqual(slots[5], (t(18, 50), t(19)))
        self.assertEqual(slots[6][0], t(19, 20))

    def test_a_length_that_does_not_divide_the_window_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            validate_window(Window(t(18), t(18, 55)), 10, [])
        self.assertEqual(caught.exception.error_dict["ends_at"][0].code, "not_divisible")
        self.assertIn("55", caught.exception.messages[0])

    def test_overlapping_windows_of_one_teacher_are_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            validate_window(Window(t(18, 30), t(19, 30)), 10, [Window(t(18), t(19))])
        self.assertEqual(caught.exception.error_dict["starts_at"][0].code, "overlap")
        validate_window(Window(t(19), t(20)), 10, [Window(t(18), t(19))])  # touching is fine

    def test_a_break_outside_the_window_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            validate_window(Window(t(18), t(19), t(19), t(19, 30)), 10, [])
        with self.assertRaises(ValidationError):
            validate_window(Window(t(18), t(19), t(18, 30), None), 10, [])


class CombinationTests(SimpleTestCase):
    def slots(self, staff: int, first_id: int, start: dt.datetime, n: int) -> list[FreeSlot]:
        length = dt.timedelta(minutes=10)
        return [FreeSlot(first_id + i, staff, start + i * length, start + (i + 1) * length) for i in range(n)]

    def test_consecutive_slots_across_teachers_respect_the_buffer_best_first(self) -> None:
        a = self.slots(1, 100, t(18), 6)
        b = self.slots(2, 200, t(18), 6)
        offers = consecutive_combinations(
            {10: a, 20: b}, buffer=dt.timedelta(minutes=5), slot_length=dt.timedelta(minutes=10)
        )
        self.assertTrue(offers)
        for offer in offers:
            (_p1, first), (_p2, second) = offer.choices
            self.assertGreaterEqual(second.starts_at, first.ends_at + dt.timedelta(minutes=5))
            self.assertNotEqual(first.staff_id, second.staff_id)
        # With 10-minute slots and 5 minutes' changeover, the best wait is 10 minutes: 18:00 then 18:20.
        best = offers[0]
        self.assertEqual(best.waiting, dt.timedelta(minutes=10))
        self.assertEqual(best.starts_at, t(18))
        self.assertEqual([o.waiting for o in offers], sorted(o.waiting for o in offers))

    def test_no_combination_when_a_child_has_no_free_slot_or_the_gap_is_too_long(self) -> None:
        a = self.slots(1, 100, t(18), 1)
        self.assertEqual(
            consecutive_combinations({10: a, 20: []}, buffer=dt.timedelta(0), slot_length=dt.timedelta(minutes=10)), []
        )
        far = self.slots(2, 200, t(20), 1)
        self.assertEqual(
            consecutive_combinations(
                {10: a, 20: far}, buffer=dt.timedelta(minutes=5), slot_length=dt.timedelta(minutes=10)
            ),
            [],
        )
