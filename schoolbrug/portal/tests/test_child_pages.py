"""POR-6/7/8: dashboard and per-child pages show what the modules allow, for own children only."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Absence, Note, NoteCategory
from schoolbrug.sis.models import GroupStaff, School, TimetableEntry
from schoolbrug.sis.testing import SchoolTestCase, make_pupil

from . import records_data as rd
from .helpers import disable_module, enable_module

EN = {"accept-language": "en"}
TODAY = timezone.localdate()


def url(name: str, *args: object) -> str:
    return reverse(f"portal:{name}", args=args)


class AbsencesTests(SchoolTestCase):
    def test_reason_date_and_authorised_for_own_child_only(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        dentist = rd.reason(self.school, "Tandarts", True)
        truant = rd.reason(self.school, "Spijbelen", False)
        a1 = rd.absence(self.sam, self.year, dt.date(2026, 10, 5), dentist)
        a2 = rd.absence(self.sam, self.year, dt.date(2026, 10, 12), truant)
        rd.absence(self.olivia, self.year, dt.date(2026, 10, 6), rd.reason(self.school, "Ziek"))
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-absences", self.sam.pk))
        self.assertContains(response, "Tandarts")
        self.assertContains(response, f'<td data-testid="absence-period-{a1.pk}">05-10-2026</td>', html=False)
        self.assertContains(response, f'data-testid="absence-{a1.pk}"')
        self.assertContains(response, 'data-authorised="yes"')
        self.assertContains(response, f'data-testid="absence-{a2.pk}"')
        self.assertContains(response, 'data-authorised="no"')
        self.assertNotContains(response, "Ziek")

    def test_a_period_of_days_shows_its_first_and_last_day(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        trip = rd.absence(self.sam, self.year, dt.date(2026, 10, 5), rd.reason(self.school, "Bruiloft"), days=3)
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-absences", self.sam.pk))
        self.assertContains(
            response, f'<td data-testid="absence-period-{trip.pk}">05-10-2026 \u2013 07-10-2026</td>', html=False
        )

    def test_times_are_the_schools_times(self) -> None:
        School.objects.filter(pk=self.school.pk).update(time_zone="America/New_York")
        enable_module(self.school, Module.ABSENCES)
        new_york = ZoneInfo("America/New_York")
        visit = Absence.objects.create(
            pupil=self.sam,
            year=self.year,
            starts_at=dt.datetime(2026, 10, 5, 10, 0, tzinfo=new_york),
            ends_at=dt.datetime(2026, 10, 5, 11, 30, tzinfo=new_york),
            whole_day=False,
            reason=rd.reason(self.school, "Tandarts"),
        )
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-absences", self.sam.pk))
        self.assertContains(
            response, f'<td data-testid="absence-period-{visit.pk}">05-10-2026 10:00 \u2013 11:30</td>', html=False
        )

    def test_previous_school_year_when_data_exists(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        rd.absence(self.sam, self.previous_year, dt.date(2026, 3, 2), rd.reason(self.school, "Bruiloft"))
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-absences", self.sam.pk))
        self.assertNotContains(response, "Bruiloft")
        self.assertContains(response, f'data-testid="year-{self.previous_year.pk}"')
        response = self.client.get(url("child-absences", self.sam.pk) + f"?year={self.previous_year.pk}")
        self.assertContains(response, "Bruiloft")
        self.assertEqual(
            self.client.get(url("child-absences", self.sam.pk) + f"?year={self.other_year.pk}").status_code, 404
        )

    def test_no_year_switch_without_earlier_data(self) -> None:
        enable_module(self.school, Module.ABSENCES)
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-absences", self.sam.pk))
        self.assertNotContains(response, f'data-testid="year-{self.previous_year.pk}"')
        self.assertEqual(
            self.client.get(url("child-absences", self.sam.pk) + f"?year={self.previous_year.pk}").status_code, 404
        )


class NotesTests(SchoolTestCase):
    def setUp(self) -> None:
        self.published = rd.category(self.school, True)
        self.internal = rd.category(self.school, False)
        self.note = rd.note(self.sam, self.year, "Leesniveau", dt.date(2026, 10, 1), self.published)
        rd.note(self.sam, self.year, "Intern overleg", dt.date(2026, 10, 2), self.internal)
        rd.note(self.sam, self.year, "Oude notitie", dt.date(2026, 9, 2), self.published)

    def test_published_notes_from_the_start_date(self) -> None:
        enable_module(self.school, Module.NOTES, start_date=dt.date(2026, 9, 15))
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-notes", self.sam.pk))
        self.assertContains(response, "Leesniveau")
        self.assertNotContains(response, "Intern overleg")
        self.assertNotContains(response, "Oude notitie")
        self.assertNotContains(response, 'data-testid="reply-open-')

    def test_reply_arrives_in_the_pupil_file_as_re(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        self.client.force_login(self.dirk.user)
        response = self.client.get(url("child-notes", self.sam.pk))
        self.assertContains(response, f'data-testid="reply-open-{self.note.pk}"')
        response = self.client.post(
            url("child-note-reply", self.sam.pk, self.note.pk), {"text": "Dank, we lezen thuis."}
        )
        self.assertRedirects(response, url("child-notes", self.sam.pk))
        reply = Note.objects.get(in_reply_to=self.note)
        self.assertEqual(
            (reply.subject, reply.source, reply.author_id), ("Re: Leesniveau", "guardian", self.dirk.user.pk)
        )
        self.assertIsNone(reply.read_by_staff_at)

    def test_empty_reply_gets_an_error_and_nothing_is_saved(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        self.client.force_login(self.paula.user)
        response = self.client.post(url("child-note-reply", self.sam.pk, self.note.pk), {"text": "  "}, headers=EN)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-testid="reply-error"', status_code=400)
        self.assertFalse(Note.objects.filter(in_reply_to=self.note).exists())

    def test_stale_reply_after_replies_or_module_went_off_keeps_the_text(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=False)
        self.client.force_login(self.paula.user)
        response = self.client.post(url("child-note-reply", self.sam.pk, self.note.pk), {"text": "Mijn lange tekst"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Mijn lange tekst", status_code=409)
        self.assertContains(response, 'data-testid="stale-form"', status_code=409)
        disable_module(self.school, Module.NOTES)
        response = self.client.post(url("child-note-reply", self.sam.pk, self.note.pk), {"text": "Nog een tekst"})
        self.assertContains(response, "Nog een tekst", status_code=409)
        self.assertFalse(Note.objects.filter(in_reply_to=self.note).exists())

    def shown_token(self, note: Note) -> str:
        page = self.client.get(url("child-notes", self.sam.pk)).content.decode()
        form = re.search(rf'child/{self.sam.pk}/notes/{note.pk}/reply/.*?name="shown" value="([^"]+)"', page, re.S)
        assert form is not None
        return form.group(1)

    def test_reply_to_a_note_taken_off_the_portal_meanwhile_keeps_the_text(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        self.client.force_login(self.paula.user)
        token = self.shown_token(self.note)
        NoteCategory.objects.filter(pk=self.published.pk).update(publish_on_portal=False)
        reply_url = url("child-note-reply", self.sam.pk, self.note.pk)
        response = self.client.post(reply_url, {"text": "Mijn lange antwoord", "shown": token}, headers=EN)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Mijn lange antwoord", status_code=409)
        self.assertContains(response, 'data-reason="note"', status_code=409)
        self.assertContains(response, "no longer shows this note", status_code=409)
        self.assertFalse(Note.objects.filter(in_reply_to=self.note).exists())
        # Without the proof that the form was shown to this guardian, the note does not exist.
        self.assertEqual(self.client.post(reply_url, {"text": "x"}).status_code, 404)
        self.client.force_login(self.dirk.user)
        self.assertEqual(self.client.post(reply_url, {"text": "x", "shown": token}).status_code, 404)

    def test_a_reply_cannot_be_answered(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        self.client.force_login(self.paula.user)
        self.client.post(url("child-note-reply", self.sam.pk, self.note.pk), {"text": "Dank je"})
        reply = Note.objects.get(in_reply_to=self.note)
        response = self.client.get(url("child-notes", self.sam.pk))
        self.assertContains(response, f'data-testid="note-{reply.pk}"')
        self.assertNotContains(response, f'data-testid="reply-open-{reply.pk}"')
        self.assertEqual(
            self.client.post(url("child-note-reply", self.sam.pk, reply.pk), {"text": "Nog iets"}).status_code, 404
        )
        self.assertEqual(Note.objects.filter(source=Note.Source.GUARDIAN).count(), 1)

    def test_reply_to_another_familys_or_unpublished_note_is_404(self) -> None:
        enable_module(self.school, Module.NOTES, replies_allowed=True)
        internal = Note.objects.get(subject="Intern overleg")
        self.client.force_login(self.otto.user)
        self.assertEqual(
            self.client.post(url("child-note-reply", self.sam.pk, self.note.pk), {"text": "x"}).status_code, 404
        )
        self.client.force_login(self.paula.user)
        self.assertEqual(
            self.client.post(url("child-note-reply", self.sam.pk, internal.pk), {"text": "x"}).status_code, 404
        )


class PlansTestsReportsTests(SchoolTestCase):
    def test_plans_from_the_start_date(self) -> None:
        enable_module(self.school, Module.PLANS, start_date=dt.date(2026, 10, 1))
        rd.plan(self.sam, "Leesplan", dt.date(2026, 10, 10))
        rd.plan(self.sam, "Oud plan", dt.date(2026, 9, 10))
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-plans", self.sam.pk))
        self.assertContains(response, "Leesplan")
        self.assertContains(response, "Doel: lezen")
        self.assertNotContains(response, "Oud plan")

    def test_tests_of_both_kinds_pick_one_to_see_its_result(self) -> None:
        enable_module(self.school, Module.CURRICULUM_TESTS)
        enable_module(self.school, Module.STANDARDISED_TESTS, standardised_display="adjusted_level")
        c = rd.curriculum(self.sam, self.year, "Blok 3", "7.5")
        s = rd.standardised(self.sam, self.year, "Rekenen M4", level="III", adjusted_level="II", level_value="41.0")
        rd.curriculum(self.olivia, self.year, "Blok 9", "4.0")
        self.client.force_login(self.paula.user)
        page = self.client.get(url("child-tests", self.sam.pk))
        self.assertContains(page, f'data-testid="result-c{c.pk}"')
        self.assertContains(page, f'data-testid="result-s{s.pk}"')
        self.assertNotContains(page, "Blok 9")
        self.assertNotContains(page, 'data-testid="test-result"')
        self.assertContains(self.client.get(url("child-tests", self.sam.pk) + f"?result=c{c.pk}"), "7,5")
        chosen = self.client.get(url("child-tests", self.sam.pk) + f"?result=s{s.pk}")
        self.assertContains(chosen, '<dd data-testid="result-value">II</dd>', html=False)
        self.assertNotContains(chosen, "41,0")
        other = rd.curriculum(self.olivia, self.year, "Blok X", "5.0")
        self.assertEqual(self.client.get(url("child-tests", self.sam.pk) + f"?result=c{other.pk}").status_code, 404)

    def test_only_one_test_kind_on(self) -> None:
        enable_module(self.school, Module.CURRICULUM_TESTS)
        rd.standardised(self.sam, self.year, "Spelling M4", level="I")
        self.client.force_login(self.paula.user)
        self.assertNotContains(self.client.get(url("child-tests", self.sam.pk)), "Spelling M4")

    def test_locked_reports_only_and_their_pdf(self) -> None:
        enable_module(self.school, Module.REPORTS)
        locked = rd.report(self.sam, self.year, "Rapport 1", locked=True)
        draft = rd.report(self.sam, self.year, "Rapport 2", locked=False, order=2)
        self.client.force_login(self.paula.user)
        page = self.client.get(url("child-reports", self.sam.pk))
        self.assertContains(page, f'data-testid="report-pdf-{locked.pk}"')
        self.assertNotContains(page, "Rapport 2")
        pdf = self.client.get(url("child-report-pdf", self.sam.pk, locked.pk))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertIn("no-store", pdf["Cache-Control"])
        self.assertEqual(self.client.get(url("child-report-pdf", self.sam.pk, draft.pk)).status_code, 404)
        self.client.force_login(self.otto.user)
        self.assertEqual(self.client.get(url("child-report-pdf", self.sam.pk, locked.pk)).status_code, 404)
        self.assertEqual(self.client.get(url("child-report-pdf", self.olivia.pk, locked.pk)).status_code, 404)


class GroupTests(SchoolTestCase):
    def test_classmates_teacher_timetable_and_addresses_only_when_allowed(self) -> None:
        enable_module(self.school, Module.GROUPS)
        mate = make_pupil(self.school, "Mila", "Jansen", self.group3, street="Kerkstraat", house_number="7")
        hidden = make_pupil(self.school, "Noor", "Geheim", self.group3, street="Verstopt", address_secret=True)
        TimetableEntry.objects.create(
            group=self.group3, weekday=1, start_time=dt.time(8, 30), end_time=dt.time(9, 30), subject="Rekenen"
        )
        self.client.force_login(self.otto.user)
        self.assertEqual(self.client.get(url("child-group", self.sam.pk)).status_code, 404)
        self.client.force_login(self.paula.user)
        response = self.client.get(url("child-group", self.sam.pk))
        for text in ("Mila Jansen", "Noor Geheim", "Tess Leraar", "Rekenen"):
            self.assertContains(response, text)
        self.assertNotContains(response, "Kerkstraat")
        enable_module(self.school, Module.GROUPS, show_addresses=True)
        response = self.client.get(url("child-group", self.sam.pk))
        self.assertContains(response, "Kerkstraat 7")
        self.assertNotContains(response, "Verstopt")
        self.assertTrue(GroupStaff.objects.filter(group=self.group3).exists() and mate and hidden)


class DashboardTests(SchoolTestCase):
    def test_news_and_activities_always_updates_absences_notes_per_module(self) -> None:
        rd.news(self.school, "Schoolreisje", TODAY - dt.timedelta(days=1))
        rd.news(self.school, "Verlopen bericht", TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=2))
        rd.news(self.school, "Toekomstig bericht", TODAY + dt.timedelta(days=3))
        rd.news(self.school, "Alleen groep 5", TODAY).groups.add(self.group5)
        rd.activity(self.school, "Sinterklaasfeest", True)
        rd.activity(self.school, "Teamvergadering", False)
        rd.absence(self.sam, self.year, TODAY, rd.reason(self.school, "Tandarts"))
        rd.report(self.sam, self.year, "Rapport 1", locked=True)
        self.client.force_login(self.paula.user)
        response = self.client.get(url("home"))
        self.assertContains(response, "Schoolreisje")
        self.assertContains(response, "Sinterklaasfeest")
        for hidden in (
            "Verlopen bericht",
            "Toekomstig bericht",
            "Alleen groep 5",
            "Teamvergadering",
            "Tandarts",
            "Rapport 1",
        ):
            self.assertNotContains(response, hidden)
        enable_module(self.school, Module.ABSENCES)  # on, but not on the dashboard
        self.assertNotContains(self.client.get(url("home")), "Tandarts")
        enable_module(self.school, Module.ABSENCES, show_on_dashboard=True)
        enable_module(self.school, Module.REPORTS, show_on_dashboard=True)
        response = self.client.get(url("home"))
        self.assertContains(response, "Tandarts")
        self.assertContains(response, "Rapport 1")
        filtered = self.client.get(url("home") + "?type=absences")
        self.assertContains(filtered, "Tandarts")
        self.assertNotContains(filtered, "Schoolreisje")
        self.assertContains(filtered, 'data-testid="filter-updates"')

    def test_guardian_without_reachable_child_sees_no_school_news(self) -> None:
        rd.news(self.school, "Schoolreisje", TODAY)
        for persona in (self.gerda, self.lars):
            self.client.force_login(persona.user)
            self.assertNotContains(self.client.get(url("home")), "Schoolreisje")
