"""The school-year rollover: the proposal, the apply (all or nothing, once), and who may use it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.audit_text import audit_details
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Group, GroupStaff, Placement, Pupil, SchoolYear
from schoolbrug.sis.rollover.services import LEAVES, carry_out_due_changes, rollover_plan
from schoolbrug.sis.testing import SchoolTestCase, make_group, make_pupil

URL = "/staff/rollover/"


class RolloverTestCase(SchoolTestCase):
    """The persona school plus what a real school has: a group 8, a mixed 7/8 and a group whose
    name shows no level. Lotte left last year and moves nowhere."""

    old_group6: Group
    old_group7: Group
    group78: Group
    group8: Group
    vlinders: Group
    noor: Pupil
    ties: Pupil
    daan: Pupil
    vera: Pupil

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.old_group6 = make_group(cls.school, cls.previous_year, "Groep 6", 6)
        cls.old_group7 = make_group(cls.school, cls.previous_year, "Groep 7", 7)
        cls.group78 = make_group(cls.school, cls.year, "Groep 7/8", 7, 8)
        cls.group8 = make_group(cls.school, cls.year, "Groep 8", 8)
        cls.vlinders = make_group(cls.school, cls.year, "Vlinders", 4)
        cls.noor = make_pupil(cls.school, "Noor", "Jansen", cls.old_group6, cls.group78)  # now in 7
        cls.ties = make_pupil(cls.school, "Ties", "Mulder", cls.old_group7, cls.group78)  # now in 8
        cls.daan = make_pupil(cls.school, "Daan", "de Wit", cls.group8)
        cls.vera = make_pupil(cls.school, "Vera", "Visser", cls.vlinders)

    def setUp(self) -> None:
        self.assertEqual(self.year.end_date, dt.date(2027, 7, 16))

    def page(self, query: str = "") -> Any:
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        return response

    def confirm_data(self, response: Any, **overrides: Any) -> dict[str, Any]:
        """The confirm form as the page filled it in, with `overrides` (None removes a field)."""
        data: dict[str, Any] = {}
        for form in (response.context["settings_form"], response.context["groups_form"]):
            for bound in form:
                value = bound.value()
                if bound.name == "move":
                    continue  # nobody ticked: every pupil goes where the plan says
                if isinstance(value, bool):
                    if value:
                        data[bound.html_name] = "on"
                elif isinstance(value, dt.date):
                    data[bound.html_name] = value.isoformat()
                elif value is not None:
                    data[bound.html_name] = value
        for key, value in overrides.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    def state(self) -> tuple[Any, ...]:
        """Everything a rollover may change, to show that a refused one changed nothing."""
        return (
            list(SchoolYear.objects.order_by("pk").values_list("pk", "name", "is_current")),
            list(Group.objects.order_by("pk").values_list("pk", "name")),
            list(Placement.objects.order_by("pk").values_list("pk", "pupil_id", "group_id")),
            list(GroupStaff.objects.order_by("pk").values_list("pk", "group_id")),
            list(Pupil.objects.order_by("pk").values_list("pk", "status", "left_on")),
        )


class PlanTests(RolloverTestCase):
    def test_groups_move_up_and_group_8_leaves(self) -> None:
        plan = rollover_plan(self.school)
        self.assertEqual(plan.source_year, self.year)
        self.assertIsNone(plan.target_year)
        self.assertEqual((plan.year_name, plan.start_date, plan.end_date),
                         ("2027-2028", dt.date(2027, 8, 1), dt.date(2028, 7, 31)))  # fmt: skip
        proposed = {g.name: g for g in plan.groups}
        self.assertEqual(
            {name: g.levels for name, g in proposed.items()},
            {"Groep 4": (4,), "Vlinders": (5,), "Groep 6/7": (6, 7), "Groep 8": (8,)},
        )
        self.assertEqual(proposed["Groep 4"].sources, [self.group3])
        self.assertEqual(proposed["Groep 4"].teacher_names, ["Tess Leraar"])
        self.assertEqual(len(proposed["Vlinders"].notes), 1)  # the name is kept, and the page says so
        self.assertEqual(proposed["Groep 8"].sources, [self.group78])
        target = {m.pupil.first_name: (plan.group(m.target).name if m.target != LEAVES else LEAVES) for m in plan.moves}  # type: ignore[union-attr]
        self.assertEqual(
            target,
            {"Sam": "Groep 4", "Olivia": "Groep 6/7", "Noor": "Groep 8", "Ties": LEAVES, "Daan": LEAVES,
             "Vera": "Vlinders"},
        )  # fmt: skip
        # Levels in the mixed 7/8 come from last year's groups; Lotte has left and is not moved.
        levels = {m.pupil.first_name: (m.level, m.level_from) for m in plan.moves}
        self.assertEqual(levels["Noor"], (7, "last_year"))
        self.assertEqual(levels["Ties"], (8, "last_year"))
        self.assertNotIn("Lotte", target)

    def test_split_mixed_group_goes_to_one_group_per_level(self) -> None:
        plan = rollover_plan(self.school, split_groups={self.group5.pk, self.group78.pk})
        names = {g.name: g.levels for g in plan.groups}
        self.assertEqual(names, {"Groep 4": (4,), "Vlinders": (5,), "Groep 6": (6,), "Groep 7": (7,), "Groep 8": (8,)})
        olivia = next(m for m in plan.moves if m.pupil == self.olivia)
        # Olivia (no group last year) is placed by age: 7 on 1 October 2026 → nearest level 5.
        self.assertEqual((olivia.level, olivia.level_from), (5, "birth_date"))
        self.assertEqual(plan.group(olivia.target).name, "Groep 6")  # type: ignore[union-attr]

    def test_equal_names_become_one_group(self) -> None:
        group23 = make_group(self.school, self.year, "Groep 2/3", 2, 3)
        twin = make_pupil(self.school, "Bo", "Kok", group23, birth_date=dt.date(2020, 3, 1))  # 6 → level 3
        plan = rollover_plan(self.school, split_groups={group23.pk})
        group4 = next(g for g in plan.groups if g.name == "Groep 4")
        self.assertCountEqual(group4.sources, [self.group3, group23])
        self.assertEqual({m.pupil for m in group4.pupils}, {self.sam, twin})

    def test_the_page_shows_the_proposal_in_dutch(self) -> None:
        verified_login(self.client, self.ada.user)
        with translation.override("nl"):
            response = self.client.get(URL, headers={"accept-language": "nl"})
        self.assertEqual(response.status_code, 200)
        for text in ("Nieuw schooljaar", "Groep 6/7", "De school verlaten", "Verlaat de school", "Tess Leraar"):
            self.assertContains(response, text)
        self.assertContains(response, 'value="2027-08-01"')
        self.assertContains(response, 'value="2027-07-16"')  # leaving on the last day of this year

    def test_redraw_splits_a_mixed_group_on_the_page(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.page(f"?split={self.group5.pk}")
        names = [g.name for g in response.context["plan"].groups]
        self.assertIn("Groep 6", names)
        self.assertIn("Groep 7", names)
        self.assertNotIn("Groep 6/7", names)

    def test_plan_page_query_count_does_not_grow(self) -> None:
        verified_login(self.client, self.ada.user)
        self.page()  # warm the session and caches

        def grow(count: int, start: int) -> None:
            for i in range(start, start + count):
                group = make_group(self.school, self.year, f"Groep {1 + i % 7}{chr(65 + i)}", 1 + i % 7)
                old = make_group(self.school, self.previous_year, f"Oud {i}", 1 + i % 7)
                for j in range(5):
                    make_pupil(self.school, f"Kind{i}-{j}", "Achternaam", old, group)

        grow(2, 0)
        with count_queries() as small:
            self.page(f"?split={self.group5.pk}")
        grow(12, 2)
        with count_queries() as large:
            response = self.page(f"?split={self.group5.pk}")
        self.assertEqual(len(response.context["plan"].moves), 6 + 70)
        assert_same_query_count(small, large, "rollover page")

    def test_the_confirm_form_does_not_grow_with_the_pupils(self) -> None:
        # One field per pupil would hit DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) in a large school;
        # pupils are ticked checkboxes, sent only when moved.
        verified_login(self.client, self.ada.user)

        def field_count() -> int:
            response = self.page()
            return len(response.context["settings_form"].fields) + len(response.context["groups_form"].fields)

        before = field_count()
        for i in range(30):
            make_pupil(self.school, f"Kind{i}", "Achternaam", self.group3)
        self.assertEqual(field_count(), before)


class ApplyTests(RolloverTestCase):
    def test_confirm_creates_the_year_groups_placements_and_leavers(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.confirm_data(self.page(), make_current="start")
        response = self.client.post(URL, data)
        year = SchoolYear.objects.get(school=self.school, name="2027-2028")
        self.assertRedirects(response, reverse("staff:groups") + f"?year={year.pk}")
        self.assertEqual(
            (year.start_date, year.end_date, year.is_current), (dt.date(2027, 8, 1), dt.date(2028, 7, 31), False)
        )
        groups = {g.name: g for g in Group.objects.filter(year=year).prefetch_related("year_levels")}
        self.assertEqual(set(groups), {"Groep 4", "Vlinders", "Groep 6/7", "Groep 8"})
        self.assertEqual(groups["Groep 6/7"].year_level_label, "6/7")
        self.assertEqual(list(groups["Groep 4"].staff_members.all()), [self.tess.record])
        placed = dict(Placement.objects.filter(year=year).values_list("pupil__first_name", "group__name"))
        self.assertEqual(placed, {"Sam": "Groep 4", "Olivia": "Groep 6/7", "Noor": "Groep 8", "Vera": "Vlinders"})
        # The leaving date lies ahead: the leavers keep their portal until then.
        for pupil in (self.daan, self.ties):
            pupil.refresh_from_db()
            self.assertEqual((pupil.status, pupil.left_on), (Pupil.Status.ENROLLED, dt.date(2027, 7, 16)))
        self.assertTrue(SchoolYear.objects.get(pk=self.year.pk).is_current)
        event = AuditEvent.objects.get(school_id=self.school.pk, subject="2026-2027 → 2027-2028")
        with translation.override("en"):
            self.assertEqual(
                dict(audit_details(event.data)),
                {"Groups created": "4", "Pupils placed": "4", "Pupils leaving": "2"},
            )

        # The hourly job then marks them left after their date, and switches the year on its first day.
        self.assertEqual(carry_out_due_changes(dt.datetime(2027, 7, 17, 12, tzinfo=dt.UTC)), (2, 0))
        self.daan.refresh_from_db()
        self.assertEqual(self.daan.status, Pupil.Status.LEFT)
        self.assertEqual(carry_out_due_changes(dt.datetime(2027, 8, 1, 12, tzinfo=dt.UTC)), (0, 1))
        self.assertEqual(SchoolYear.objects.get(school=self.school, is_current=True), year)

    def test_earlier_years_stay_readable_after_the_switch(self) -> None:
        verified_login(self.client, self.ada.user)
        self.client.post(URL, self.confirm_data(self.page(), make_current="now"))
        year = SchoolYear.objects.get(school=self.school, is_current=True)
        self.assertEqual(year.name, "2027-2028")
        response = self.client.get(reverse("staff:groups"))
        self.assertContains(response, "Groep 6/7")
        response = self.client.get(reverse("staff:groups") + f"?year={self.year.pk}")
        self.assertContains(response, "Groep 5/6")
        self.assertContains(response, "Groep 7/8")
        self.assertEqual(self.client.get(reverse("staff:group", args=[self.group78.pk])).status_code, 200)
        response = self.client.get(reverse("staff:pupil", args=[self.sam.pk]))
        for text in ("2025-2026", "Groep 2", "2026-2027", "Groep 3", "2027-2028", "Groep 4"):
            self.assertContains(response, text)
        # The teacher carried over reaches her pupils in the new year.
        self.client.force_login(self.tess.user)
        self.assertEqual(self.client.get(reverse("staff:pupil", args=[self.sam.pk])).status_code, 200)

    def test_administrator_adjustments_are_applied(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.page(f"?split={self.group78.pk}")
        plan = response.context["plan"]
        group4 = next(g for g in plan.groups if g.name == "Groep 4")
        group8 = next(g for g in plan.groups if g.name == "Groep 8")
        data = self.confirm_data(
            response,
            **{
                f"name_{group4.key}": "Groep 4 Zon",
                f"staff_{group4.key}": None,  # Tess does not come along
                "move": [self.noor.pk, self.daan.pk],
                f"move_to_{group8.key}": LEAVES,  # Noor moves house
                f"move_to_{LEAVES}": group8.key,  # Daan stays one more year
                "leave_date": "2026-11-30",
            },
        )
        self.client.post(URL, data)
        year = SchoolYear.objects.get(name="2027-2028")
        placed = dict(Placement.objects.filter(year=year).values_list("pupil__first_name", "group__name"))
        self.assertEqual(placed["Sam"], "Groep 4 Zon")
        self.assertEqual(placed["Daan"], "Groep 8")
        self.assertNotIn("Noor", placed)
        self.assertFalse(GroupStaff.objects.filter(group__year=year).exists())
        self.noor.refresh_from_db()
        self.assertEqual((self.noor.status, self.noor.left_on), (Pupil.Status.LEFT, dt.date(2026, 11, 30)))

    def test_failure_midway_changes_nothing(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.confirm_data(self.page(), make_current="now")
        before = self.state()
        with (
            mock.patch("schoolbrug.sis.rollover.services._place_pupils", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            self.client.post(URL, data)
        self.assertEqual(self.state(), before)
        # After the failure the same form goes through.
        self.assertEqual(self.client.post(URL, data).status_code, 302)
        self.assertTrue(SchoolYear.objects.filter(name="2027-2028", is_current=True).exists())

    def test_second_confirm_does_nothing(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.confirm_data(self.page(), make_current="now")
        self.client.post(URL, data)
        after_first = self.state()
        response = self.client.post(URL, data, follow=True)
        self.assertEqual(self.state(), after_first)
        self.assertContains(response, "er is niets gewijzigd")
        self.assertEqual(AuditEvent.objects.filter(subject="2026-2027 → 2027-2028").count(), 1)
        # The switched year is the start of the next proposal, a year on.
        self.assertEqual(self.page().context["plan"].year_name, "2028-2029")

    def test_second_confirm_before_the_switch_does_nothing(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.confirm_data(self.page(), make_current="start")
        self.client.post(URL, data)
        after_first = self.state()
        response = self.client.post(URL, data, follow=True)
        self.assertEqual(self.state(), after_first)
        self.assertContains(response, "er is niets gewijzigd")
        # The page now says the year has its groups and offers nothing to confirm.
        response = self.page()
        self.assertContains(response, 'data-testid="rollover-done"')
        self.assertNotContains(response, 'id="rollover-confirm"')

    def test_a_stale_form_is_refused(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.confirm_data(self.page())
        make_pupil(self.school, "Nieuw", "Kind", self.group3)
        before = self.state()
        response = self.client.post(URL, data, follow=True)
        self.assertEqual(self.state(), before)
        self.assertContains(response, "zijn intussen gewijzigd")

    def test_bad_input_is_refused_with_a_message(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.page()
        keys = [g.key for g in response.context["plan"].groups]
        before = self.state()
        cases: dict[str, dict[str, Any]] = {
            "duplicate name": {f"name_{keys[0]}": "Groep 8"},
            "end before start": {"end_date": "2027-07-01"},
            "overlapping year": {"start_date": "2027-07-01"},
            "unknown group": {"move": [self.sam.pk], f"move_to_{keys[0]}": "999"},
            "ticked without a destination": {"move": [self.sam.pk]},
            "a pupil of another school": {"move": [self.other_pupil.pk], f"move_to_{keys[0]}": LEAVES},
            "leave before registration": {"leave_date": "2020-01-01"},
        }
        for label, overrides in cases.items():
            with self.subTest(label):
                answer = self.client.post(URL, self.confirm_data(response, **overrides))
                self.assertEqual(answer.status_code, 200)
                self.assertTrue(answer.context["settings_form"].errors or answer.context["groups_form"].errors)
        self.assertEqual(self.state(), before)
        empty = self.client.post(URL, {})
        self.assertEqual(empty.status_code, 200)
        self.assertEqual(self.state(), before)


class AccessTests(RolloverTestCase):
    def test_only_the_schools_administrator_opens_the_wizard(self) -> None:
        for persona in (self.tess, self.pim, self.paula, self.lars):
            self.client.force_login(persona.user)
            self.assertEqual(self.client.get(URL).status_code, 404, persona.user.email)
            self.assertEqual(self.client.post(URL, {}).status_code, 404, persona.user.email)
        self.client.logout()
        self.assertRedirects(self.client.get(URL), reverse("accounts:login") + "?next=" + URL)

    def test_nav_link_only_for_administrators(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertContains(self.client.get(reverse("staff:overview")), 'href="/staff/rollover/"')
        self.client.force_login(self.pim.user)
        self.assertNotContains(self.client.get(reverse("staff:overview")), 'href="/staff/rollover/"')

    def test_another_schools_administrator_cannot_roll_this_school_over(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.confirm_data(self.page(), make_current="now")
        before = self.state()
        verified_login(self.client, self.wim.user)
        response = self.client.get(URL)
        self.assertNotContains(response, "OBS Testschool")
        self.assertNotContains(response, "Sam Bakker")
        self.client.post(URL, data)  # the fingerprint is of another school: refused
        self.assertEqual(
            [row for row in self.state()[0] if row[0] in {self.year.pk, self.previous_year.pk}],
            [row for row in before[0] if row[0] in {self.year.pk, self.previous_year.pk}],
        )
        self.assertFalse(Group.objects.filter(school=self.school, year__name="2027-2028").exists())
        self.assertFalse(Placement.objects.filter(pupil__school=self.school, year__name="2027-2028").exists())


@override_settings(LANGUAGE_CODE="en")
class NoCurrentYearTests(RolloverTestCase):
    def test_a_school_without_current_year_gets_an_explanation(self) -> None:
        SchoolYear.objects.filter(school=self.school).update(is_current=False)
        verified_login(self.client, self.ada.user)
        self.assertContains(self.page(), 'data-testid="rollover-no-year"')

    def test_a_current_year_without_groups_offers_nothing_to_confirm(self) -> None:
        # The next year was made current by hand before any groups were made for it.
        SchoolYear.objects.filter(school=self.school).update(is_current=False)
        SchoolYear.objects.create(
            school=self.school, name="2027-2028", start_date=dt.date(2027, 8, 1), end_date=dt.date(2028, 7, 31),
            is_current=True,
        )  # fmt: skip
        verified_login(self.client, self.ada.user)
        response = self.page()
        self.assertContains(response, 'data-testid="rollover-no-groups"')
        self.assertNotContains(response, 'id="rollover-confirm"')
        before = self.state()
        self.client.post(URL, {})
        self.assertEqual(self.state(), before)
