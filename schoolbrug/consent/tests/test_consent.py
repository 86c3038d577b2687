"""PRIV-1 photo consent: the strictest answer, history, lock date, who reaches what, query counts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.consent import selectors, services
from schoolbrug.consent.models import ConsentAnswer, ConsentQuestion
from schoolbrug.consent.selectors import Effective, pupils_without_photo_consent
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.testing import SchoolTestCase, link, make_guardian_account, make_pupil

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


class ConsentTestCase(SchoolTestCase):
    photos: ConsentQuestion
    website: ConsentQuestion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.ensure_default_questions(cls.school)
        cls.photos, cls.website, _newsletter = selectors.questions_of_school(cls.school.pk)

    def answer(self, persona, pupil: Pupil, question: ConsentQuestion, consent: bool) -> None:  # type: ignore[no-untyped-def]
        services.record_answers(actor=persona.user, pupil=pupil, choices={question.pk: consent})

    def effective(self, pupil: Pupil, question: ConsentQuestion) -> Effective:
        return selectors.effective_answers([pupil.pk], [question.pk])[(pupil.pk, question.pk)]


class StrictestAnswerTests(ConsentTestCase):
    def test_no_answer_counts_as_no_consent(self) -> None:
        self.assertEqual(self.effective(self.sam, self.photos), Effective.UNANSWERED)
        self.assertFalse(Effective.UNANSWERED.allows)
        self.assertEqual([p.pk for p in pupils_without_photo_consent([self.group3.pk])], [self.sam.pk])

    def test_one_guardian_answering_yes_counts(self) -> None:
        self.answer(self.paula, self.sam, self.photos, True)
        self.assertEqual(self.effective(self.sam, self.photos), Effective.YES)
        self.assertEqual(pupils_without_photo_consent([self.group3.pk]), [])

    def test_yes_and_no_make_no(self) -> None:
        self.answer(self.paula, self.sam, self.photos, True)
        self.answer(self.dirk, self.sam, self.photos, False)
        self.assertEqual(self.effective(self.sam, self.photos), Effective.NO)
        self.assertEqual([p.pk for p in pupils_without_photo_consent([self.group3.pk])], [self.sam.pk])

    def test_the_latest_answer_of_each_guardian_counts_and_history_is_kept(self) -> None:
        self.answer(self.dirk, self.sam, self.photos, False)
        self.answer(self.dirk, self.sam, self.photos, True)
        self.assertEqual(self.effective(self.sam, self.photos), Effective.YES)
        history = list(ConsentAnswer.objects.filter(pupil=self.sam).order_by("answered_at", "pk"))
        self.assertEqual(
            [(a.guardian_name, a.consent) for a in history], [("Dirk Bakker", False), ("Dirk Bakker", True)]
        )
        # The same answer again adds nothing to the history.
        self.answer(self.dirk, self.sam, self.photos, True)
        self.assertEqual(ConsentAnswer.objects.filter(pupil=self.sam).count(), 2)

    def test_answers_are_never_changed_or_deleted(self) -> None:
        self.answer(self.paula, self.sam, self.photos, True)
        row = ConsentAnswer.objects.get()
        row.consent = False
        with self.assertRaises(ValueError):
            row.save()
        with self.assertRaises(ValueError):
            row.delete()

    def test_a_guardian_who_lost_the_access_right_no_longer_counts(self) -> None:
        self.answer(self.paula, self.sam, self.photos, True)
        self.answer(self.dirk, self.sam, self.photos, False)
        self.dirk.record.guardianships.filter(pupil=self.sam).update(portal_access=False)
        self.assertEqual(self.effective(self.sam, self.photos), Effective.YES)

    def test_one_app_photo_question_per_school(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            ConsentQuestion.objects.create(school=self.school, text="Nog een", is_app_photos=True)
        extra = ConsentQuestion(school=self.school, text="Nog een", is_app_photos=True)
        with self.assertRaises(ValidationError):
            services.question_save(actor=self.ada.user, question=extra)

    def test_a_new_school_gets_three_questions_once(self) -> None:
        self.assertEqual(services.ensure_default_questions(self.school), [])
        made = services.ensure_default_questions(self.other_school)
        self.assertEqual(len(made), 3)
        self.assertEqual(sum(q.is_app_photos for q in made), 1)
        self.assertIn("foto", made[0].text.lower())  # the school's language


class SelectorQueryCountTests(ConsentTestCase):
    def add_pupils(self, n: int) -> None:
        for i in range(n):
            pupil = make_pupil(self.school, f"Kind{i}", f"Achter{i:03}", self.group5 if i % 2 else self.group3)
            parent = make_guardian_account(self.school, f"p{i}-{Pupil.objects.count()}@test.nl", "P", f"Ouder{i}")
            link(parent.record, pupil, "mother")
            services.record_answers(actor=parent.user, pupil=pupil, choices={self.photos.pk: i % 2 == 0})

    def test_fixed_queries_at_two_sizes_ordered_by_group_then_name(self) -> None:
        self.add_pupils(2)
        with self.assertNumQueries(3):
            small = pupils_without_photo_consent([self.group5.pk, self.group3.pk])
        self.add_pupils(20)
        with self.assertNumQueries(3):
            large = pupils_without_photo_consent([self.group5.pk, self.group3.pk])
        self.assertEqual(
            [(p.group_name, p.first_name) for p in small],  # type: ignore[attr-defined]
            [("Groep 3", "Sam"), ("Groep 5/6", "Kind1"), ("Groep 5/6", "Olivia")],
        )
        self.assertEqual(len(large), 13)
        keys = [(p.group_name, p.last_name) for p in large]  # type: ignore[attr-defined]
        self.assertEqual(keys, sorted(keys))

    def test_nothing_without_an_active_app_photo_question(self) -> None:
        ConsentQuestion.objects.filter(pk=self.photos.pk).update(is_active=False)
        with self.assertNumQueries(1):
            self.assertEqual(pupils_without_photo_consent([self.group3.pk]), [])
        self.assertEqual(pupils_without_photo_consent([]), [])

    def test_pupils_who_left_are_not_listed(self) -> None:
        self.sam.status = Pupil.Status.LEFT
        self.sam.save()
        self.assertEqual(pupils_without_photo_consent([self.group3.pk]), [])


class GuardianPageTests(ConsentTestCase):
    def url(self, pupil: Pupil) -> str:
        return reverse("portal:child-privacy", args=[pupil.pk])

    def post_all(self, client: Client, pupil: Pupil, **answers: str) -> _MonkeyPatchedWSGIResponse:
        data = {f"q{q.pk}": answers.get(str(q.pk), "yes") for q in selectors.questions_of_school(self.school.pk)}
        return client.post(self.url(pupil), data)

    def test_a_guardian_answers_and_sees_the_effective_answer(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.get(self.url(self.sam))
        self.assertContains(response, "Niet beantwoord (telt als nee)")
        response = self.post_all(self.client, self.sam, **{str(self.photos.pk): "no"})
        self.assertRedirects(response, self.url(self.sam))
        self.assertEqual(self.effective(self.sam, self.photos), Effective.NO)
        self.assertEqual(ConsentAnswer.objects.filter(pupil=self.sam).count(), 3)

    def test_the_co_guardian_sees_another_no_without_a_name(self) -> None:
        self.answer(self.dirk, self.sam, self.photos, False)
        self.client.force_login(self.paula.user)
        response = self.client.get(self.url(self.sam))
        self.assertContains(response, f'data-testid="other-no-{self.photos.pk}"')
        self.assertNotContains(response, "Dirk")

    def test_an_empty_choice_is_refused_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.post(self.url(self.sam), {f"q{self.photos.pk}": "no"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Kies ja of nee.")
        self.assertFalse(ConsentAnswer.objects.exists())

    def test_after_the_lock_date_the_form_is_read_only_and_a_post_saves_nothing(self) -> None:
        ConsentQuestion.objects.filter(school=self.school).update(locked_from=school_today(self.school))
        self.client.force_login(self.paula.user)
        response = self.client.get(self.url(self.sam))
        self.assertContains(response, 'data-testid="privacy-locked"')
        self.assertNotContains(response, 'data-testid="privacy-form"')
        response = self.post_all(self.client, self.sam)
        self.assertContains(response, 'data-testid="privacy-error"')
        self.assertFalse(ConsentAnswer.objects.exists())
        with self.assertRaises(ValidationError):
            self.answer(self.paula, self.sam, self.photos, True)
        # The school reopens: answers can be given again.
        ConsentQuestion.objects.filter(school=self.school).update(locked_from=None)
        self.assertEqual(self.post_all(self.client, self.sam).status_code, 302)

    def test_one_locked_question_refuses_the_whole_post(self) -> None:
        ConsentQuestion.objects.filter(pk=self.website.pk).update(
            locked_from=school_today(self.school) - dt.timedelta(days=1)
        )
        self.client.force_login(self.paula.user)
        self.post_all(self.client, self.sam)
        self.assertFalse(ConsentAnswer.objects.exists())

    def test_other_children_are_404_on_get_and_post(self) -> None:
        for persona, pupil in (
            (self.otto, self.sam),  # another family
            (self.gerda, self.sam),  # no portal access right
            (self.lars, self.lotte),  # left the school
            (self.paula, self.other_pupil),  # another school
        ):
            client = Client()
            client.force_login(persona.user)
            self.assertEqual(client.get(self.url(pupil)).status_code, 404, persona.user.email)
            self.assertEqual(self.post_all(client, pupil).status_code, 404, persona.user.email)
        self.assertFalse(ConsentAnswer.objects.exists())

    def test_staff_have_no_guardian_page(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertEqual(self.client.get(self.url(self.sam)).status_code, 404)


class StaffPageTests(ConsentTestCase):
    def test_group_page_lists_pupils_who_may_not_be_photographed_first(self) -> None:
        extra = make_pupil(self.school, "Anna", "Aalders", self.group3)
        parent = make_guardian_account(self.school, "anna.ouder@test.nl", "A", "Aalders")
        link(parent.record, extra, "mother")
        services.record_answers(actor=parent.user, pupil=extra, choices={self.photos.pk: True})
        verified_login(self.client, self.tess.user)
        response = self.client.get(reverse("consent:group", args=[self.group3.pk]))
        html = response.content.decode()
        self.assertIn(f'data-testid="no-photos-{self.sam.pk}"', html)
        self.assertNotIn(f'data-testid="no-photos-{extra.pk}"', html)
        self.assertLess(html.index(f"consent-row-{self.sam.pk}"), html.index(f"consent-row-{extra.pk}"))
        self.assertContains(response, "Niet fotograferen")

    def test_the_group_page_is_linked_from_the_group(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(reverse("staff:group", args=[self.group3.pk]))
        self.assertContains(response, reverse("consent:group", args=[self.group3.pk]))

    def test_group_authorisation_holds(self) -> None:
        verified_login(self.client, self.tess.user)
        for group in (self.group5, self.other_group):
            self.assertEqual(self.client.get(reverse("consent:group", args=[group.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("consent:pupil", args=[self.olivia.pk])).status_code, 404)

    def test_group_page_query_count_is_fixed(self) -> None:
        verified_login(self.client, self.pim.user)
        url = reverse("consent:group", args=[self.group3.pk])
        self.client.get(url)
        with self.assertNumQueries(10) as small:
            self.client.get(url)
        for i in range(15):
            pupil = make_pupil(self.school, f"K{i}", f"A{i}", self.group3)
            parent = make_guardian_account(self.school, f"q{i}@test.nl", "Q", f"O{i}")
            link(parent.record, pupil, "mother")
            services.record_answers(actor=parent.user, pupil=pupil, choices={self.photos.pk: False})
        with self.assertNumQueries(len(small.captured_queries)):
            self.client.get(url)

    def test_pupil_page_shows_history_with_names(self) -> None:
        self.answer(self.dirk, self.sam, self.photos, False)
        self.answer(self.dirk, self.sam, self.photos, True)
        verified_login(self.client, self.tess.user)
        response = self.client.get(reverse("consent:pupil", args=[self.sam.pk]))
        self.assertContains(response, "Dirk Bakker", count=2)


class QuestionAdminTests(ConsentTestCase):
    def test_teachers_and_other_schools_get_404(self) -> None:
        verified_login(self.client, self.tess.user)
        self.assertEqual(self.client.get(reverse("consent:questions")).status_code, 404)
        client = Client()
        verified_login(client, self.wim.user)
        for name in ("consent:question-edit", "consent:question-switch-off", "consent:question-move"):
            url = reverse(name, args=[self.photos.pk])
            self.assertEqual(client.get(url).status_code, 404 if name != "consent:question-move" else 405)
            self.assertEqual(client.post(url, {"confirm": "yes"}).status_code, 404)
        self.photos.refresh_from_db()
        self.assertTrue(self.photos.is_active)

    def test_create_edit_validate(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertEqual(self.client.get(reverse("consent:questions")).status_code, 200)
        url = reverse("consent:question-add")
        response = self.client.post(url, {"text": "   ", "explanation": ""})
        self.assertContains(response, "Vul de vraag in.")
        far = (school_today(self.school) + dt.timedelta(days=3 * 365)).isoformat()
        response = self.client.post(url, {"text": "Mag uw kind op video?", "locked_from": far})
        self.assertContains(response, "Kies een datum binnen twee jaar vanaf vandaag.")
        response = self.client.post(url, {"text": "Mag uw kind op video?", "is_app_photos": "on"})
        self.assertContains(response, "Een andere vraag is al")
        self.assertEqual(ConsentQuestion.objects.filter(school=self.school).count(), 3)
        response = self.client.post(url, {"text": "Mag uw kind op video?"})
        self.assertRedirects(response, reverse("consent:questions"))
        self.assertEqual(ConsentQuestion.objects.filter(school=self.school).last().position, 4)  # type: ignore[union-attr]

    def test_switch_off_asks_first_and_move_reorders(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("consent:question-switch-off", args=[self.photos.pk])
        self.assertContains(self.client.post(url), "Deze vraag uitschakelen?")
        self.photos.refresh_from_db()
        self.assertTrue(self.photos.is_active)
        self.client.post(url, {"confirm": "yes"})
        self.photos.refresh_from_db()
        self.assertFalse(self.photos.is_active)
        self.assertEqual(pupils_without_photo_consent([self.group3.pk]), [])
        self.client.post(reverse("consent:question-move", args=[self.website.pk]), {"direction": "up"})
        self.assertEqual(selectors.questions_of_school(self.school.pk, active_only=False).first(), self.website)
