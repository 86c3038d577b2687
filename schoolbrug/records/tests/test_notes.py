"""Notes (REC-2): categories with a portal switch, guardian replies, read state and the home card."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Guardian
from schoolbrug.sis.testing import SchoolTestCase

from ..models import Note, NoteCategory
from ..services.notes import note_create, note_reply_from_guardian
from .helpers import login, make_categories

DAY = dt.date(2026, 11, 16)


class NoteTestCase(SchoolTestCase):
    def setUp(self) -> None:
        self.categories = make_categories(self.school)

    def note(self, pupil=None, category="general", subject="Uitstapje", actor=None) -> Note:  # type: ignore[no-untyped-def]
        return note_create(
            actor=(actor or self.pim).user,
            pupil=pupil or self.sam,
            category=self.categories[category],
            subject=subject,
            date=DAY,
            text="Sam deed goed mee.",
        )


class NoteServiceTests(NoteTestCase):
    def test_staff_note_starts_read_and_carries_author_and_year(self) -> None:
        note = self.note(actor=self.tess)
        self.assertIsNotNone(note.read_by_staff_at)
        self.assertEqual(note.author_name, "Tess Leraar")
        self.assertEqual(note.year, self.year)
        self.assertEqual(note.source, Note.Source.STAFF)

    def test_guardian_reply_becomes_an_unread_note(self) -> None:
        note = self.note()
        reply = note_reply_from_guardian(guardian_account=self.paula.user, note=note, text="Dank je wel!")
        self.assertEqual(reply.subject, "Re: Uitstapje")
        self.assertEqual(reply.author_name, "Paula Bakker")
        self.assertEqual(reply.author, self.paula.user)
        self.assertEqual(reply.in_reply_to, note)
        self.assertEqual(reply.category, note.category)
        self.assertIsNone(reply.read_by_staff_at)
        self.assertEqual(reply.source, Note.Source.GUARDIAN)

    def test_a_reply_takes_no_reply_only_a_schools_note_does(self) -> None:
        note = self.note()
        reply = note_reply_from_guardian(guardian_account=self.paula.user, note=note, text="Dank je wel!")
        for account in (self.paula.user, self.dirk.user):
            with self.assertRaises(PermissionDenied):
                note_reply_from_guardian(guardian_account=account, note=reply, text="Nog iets")
        # A stale copy that still says "staff" does not get past the check either.
        stale_copy = Note.objects.get(pk=reply.pk)
        stale_copy.source = Note.Source.STAFF
        with self.assertRaises(PermissionDenied):
            note_reply_from_guardian(guardian_account=self.paula.user, note=stale_copy, text="Nog iets")
        self.assertEqual(list(Note.objects.filter(source=Note.Source.GUARDIAN)), [reply])

    def test_reply_author_name_comes_from_the_guardian_record(self) -> None:
        Guardian.objects.filter(pk=self.paula.record.pk).update(first_name="Paulien", prefix="de")
        reply = note_reply_from_guardian(guardian_account=self.paula.user, note=self.note(), text="Ok")
        self.assertEqual(reply.author_name, "Paulien de Bakker")

    def test_reply_refused_without_reach_or_on_unpublished_category(self) -> None:
        note = self.note()
        for account in (self.otto.user, self.gerda.user, self.tess.user):
            with self.assertRaises(PermissionDenied):
                note_reply_from_guardian(guardian_account=account, note=note, text="Hallo")
        with self.assertRaises(PermissionDenied):
            note_reply_from_guardian(guardian_account=self.paula.user, note=self.note(category="care"), text="Hallo")
        with self.assertRaises(PermissionDenied):
            note_reply_from_guardian(guardian_account=self.paula.user, note=note, text="Hallo", replies_allowed=False)
        with self.assertRaises(ValidationError):
            note_reply_from_guardian(guardian_account=self.paula.user, note=note, text="   ")
        self.assertFalse(Note.objects.filter(source=Note.Source.GUARDIAN).exists())

    def test_teacher_cannot_write_about_a_pupil_outside_his_groups(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.note(pupil=self.olivia, actor=self.tess)

    def test_category_of_another_school_is_refused(self) -> None:
        foreign = NoteCategory.objects.create(school=self.other_school, name="Elders")
        with self.assertRaises(ValidationError):
            note_create(actor=self.pim.user, pupil=self.sam, category=foreign, subject="x", date=DAY, text="x")


class NotePageTests(NoteTestCase):
    def test_entry_form_tells_which_categories_are_published(self) -> None:
        login(self.client, self.tess)
        response = self.client.get(reverse("records:note-new", args=[self.sam.pk]), headers={"accept-language": "en"})
        self.assertContains(response, "Algemeen (published on the portal)")
        self.assertContains(response, "Zorg (school only)")

    def test_teacher_adds_a_note(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:note-new", args=[self.sam.pk])
        data = {
            "category": self.categories["care"].pk,
            "subject": "Gesprek",
            "date": "2026-11-16",
            "text": "Afspraken gemaakt.",
            "client_key": str(uuid.uuid4()),
        }
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("records:pupil-notes", args=[self.sam.pk]))
        self.client.post(url, data)  # the same form posted twice
        note = Note.objects.get()
        self.assertEqual(
            (note.subject, note.category, note.author_name), ("Gesprek", self.categories["care"], "Tess Leraar")
        )

    def test_missing_subject_gets_a_field_error(self) -> None:
        login(self.client, self.tess)
        response = self.client.post(
            reverse("records:note-new", args=[self.sam.pk]),
            {"category": self.categories["care"].pk, "subject": "", "date": "2026-11-16", "text": "x",
             "client_key": str(uuid.uuid4())},
        )  # fmt: skip
        self.assertIn("subject", response.context["form"].errors)
        self.assertFalse(Note.objects.exists())

    def test_unread_reply_is_bold_counted_and_read_once_opened(self) -> None:
        reply = note_reply_from_guardian(guardian_account=self.paula.user, note=self.note(), text="Top")
        login(self.client, self.tess)
        response = self.client.get(reverse("records:pupil-notes", args=[self.sam.pk]))
        self.assertContains(response, f'data-testid="note-{reply.pk}" class="unread" data-unread="1"')
        self.assertContains(response, "<strong>Re: Uitstapje</strong>", html=False)
        home = self.client.get(reverse("staff:overview"))
        self.assertContains(home, '<strong data-testid="unread-replies">1</strong>', html=True)
        self.assertEqual(self.client.get(reverse("records:note-detail", args=[reply.pk])).status_code, 200)
        reply.refresh_from_db()
        self.assertIsNotNone(reply.read_by_staff_at)
        response = self.client.get(reverse("records:pupil-notes", args=[self.sam.pk]))
        self.assertNotContains(response, "data-unread")
        home = self.client.get(reverse("staff:overview"))
        self.assertContains(home, '<span data-testid="unread-replies">0</span>', html=True)

    def test_home_card_counts_only_replies_within_reach(self) -> None:
        note_reply_from_guardian(guardian_account=self.otto.user, note=self.note(pupil=self.olivia), text="Hoi")
        login(self.client, self.tess)
        self.assertContains(self.client.get(reverse("staff:overview")), '<span data-testid="unread-replies">0</span>')
        login(self.client, self.pim)
        home = self.client.get(reverse("staff:overview"))
        self.assertContains(home, '<strong data-testid="unread-replies">1</strong>')
        unread = self.client.get(reverse("records:notes-unread"))
        self.assertEqual(len(unread.context["notes"]), 1)

    def test_categories_managed_by_the_administrator_with_audit(self) -> None:
        category = self.categories["care"]
        edit = reverse("records:note-category-edit", args=[category.pk])
        for persona in (self.tess, self.pim, self.wim, self.paula):
            login(self.client, persona)
            self.assertEqual(self.client.post(edit, {"name": "Zorg", "publish_on_portal": "on"}).status_code, 404)
        category.refresh_from_db()
        self.assertFalse(category.publish_on_portal)
        login(self.client, self.ada)
        self.assertRedirects(
            self.client.post(edit, {"name": "Zorg", "publish_on_portal": "on"}), reverse("records:note-categories")
        )
        category.refresh_from_db()
        self.assertTrue(category.publish_on_portal)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.SETTING_CHANGED)
        self.assertEqual(event.data, {"list": "note category", "setting_id": category.pk,
                                      "before": {"name": "Zorg", "publish_on_portal": False},
                                      "after": {"name": "Zorg", "publish_on_portal": True}})  # fmt: skip
        self.assertEqual(event.subject, "Zorg")


class NoteAccessTests(NoteTestCase):
    def test_access_matrix(self) -> None:
        sam_note, olivia_note = self.note(), self.note(pupil=self.olivia)
        sam_urls = [
            reverse("records:pupil-notes", args=[self.sam.pk]),
            reverse("records:note-new", args=[self.sam.pk]),
            reverse("records:note-detail", args=[sam_note.pk]),
        ]
        olivia_urls = [
            reverse("records:pupil-notes", args=[self.olivia.pk]),
            reverse("records:note-new", args=[self.olivia.pk]),
            reverse("records:note-detail", args=[olivia_note.pk]),
        ]
        login(self.client, self.tess)
        for url in [*sam_urls, reverse("records:notes-unread"), reverse("records:note-categories")]:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        for url in olivia_urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for persona in (self.wim, self.paula, self.otto):
            login(self.client, persona)
            for url in [*sam_urls, *olivia_urls]:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
        login(self.client, self.paula)
        self.assertEqual(self.client.get(reverse("records:notes-unread")).status_code, 404)


class NoteQueryCountTests(NoteTestCase):
    def add_notes(self, count: int) -> None:
        for i in range(count):
            note = self.note(subject=f"Notitie {i}")
            note_reply_from_guardian(guardian_account=self.paula.user, note=note, text="Gezien")

    def test_pupil_notes_list_keeps_its_query_count(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:pupil-notes", args=[self.sam.pk])
        self.add_notes(2)
        self.client.get(url)
        with count_queries() as small:
            self.client.get(url)
        self.add_notes(20)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertEqual(len(response.context["notes"]), 44)
        assert_same_query_count(small, large, "pupil notes")

    def test_home_card_is_one_query_whatever_the_number_of_replies(self) -> None:
        login(self.client, self.pim)
        url = reverse("staff:overview")
        self.add_notes(1)
        self.client.get(url)
        with count_queries() as small:
            self.client.get(url)
        self.add_notes(15)
        with count_queries() as large:
            self.client.get(url)
        assert_same_query_count(small, large, "staff home")
