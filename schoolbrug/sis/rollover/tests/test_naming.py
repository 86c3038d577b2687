"""Group names move up one year level; names without a level are left alone."""

from __future__ import annotations

from django.test import SimpleTestCase

from schoolbrug.sis.rollover.naming import levels_from_name, renamed


class RenamedTests(SimpleTestCase):
    def test_common_dutch_group_names_move_up(self) -> None:
        cases = [
            ("Groep 3", (3,), (4,), "Groep 4"),
            ("3A", (3,), (4,), "4A"),
            ("Groep 6b", (6,), (7,), "Groep 7b"),
            ("groep 3/4", (3, 4), (4, 5), "groep 4/5"),
            ("Groep 3-4", (3, 4), (4, 5), "Groep 4-5"),
            ("Groep 3 / 4", (3, 4), (4, 5), "Groep 4/5"),
            ("Groep 7/8", (7, 8), (8,), "Groep 8"),
            ("groep 3/4", (3, 4), (5,), "groep 5"),
        ]
        for name, old, new, expected in cases:
            with self.subTest(name=name):
                self.assertEqual(renamed(name, old, new), expected)

    def test_a_name_without_the_groups_levels_is_not_renamed(self) -> None:
        self.assertIsNone(renamed("Vlinders", (4,), (5,)))
        self.assertIsNone(renamed("Groep 12", (1,), (2,)))
        # A digit that is not the group's level (a wing, a room) is not taken for one.
        self.assertIsNone(renamed("Groep 3 Noord", (5, 6), (6, 7)))
        self.assertEqual(renamed("Vleugel 2 groep 5", (5,), (6,)), "Vleugel 2 groep 6")

    def test_levels_read_from_a_name(self) -> None:
        self.assertEqual(levels_from_name("Groep 1/2"), (1, 2))
        self.assertEqual(levels_from_name("Bijenklas"), ())
