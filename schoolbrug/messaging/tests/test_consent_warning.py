"""MSG-4: posting photos to a group with children who may not be photographed asks first, by
name; "publish anyway" posts with the photos already stored, "go back" posts nothing."""

from __future__ import annotations

import shutil
import tempfile

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.consent.models import ConsentQuestion
from schoolbrug.consent.services import ensure_default_questions, record_answers
from schoolbrug.media.models import StoredFile
from schoolbrug.media.testing import jpeg_upload, pdf_upload
from schoolbrug.messaging.models import Attachment, Post, PostKind
from schoolbrug.sis.testing import SchoolTestCase

PRIVATE = tempfile.mkdtemp(prefix="messaging-consent-")


@override_settings(
    STORAGES={
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE, "base_url": None},
        },
    }
)
class ConsentWarningTests(SchoolTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(PRIVATE, ignore_errors=True)

    def setUp(self) -> None:
        ensure_default_questions(self.school)
        self.client = Client()
        verified_login(self.client, self.tess.user)

    def form(self, *uploads, **extra):  # type: ignore[no-untyped-def]
        kind = PostKind.objects.filter(school=self.school).first()
        assert kind is not None
        return {
            "text": "Op de boerderij",
            "kind": kind.pk,
            "spaces": [self.group3.space.pk],
            "uploads": list(uploads),
            **extra,
        }

    def test_the_author_is_warned_by_name_and_may_publish_anyway(self) -> None:
        response = self.client.post(reverse("messaging:post-new"), self.form(jpeg_upload()))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-testid="consent-warning"')
        self.assertContains(response, "Sam Bakker")
        self.assertFalse(Post.objects.exists())
        self.assertEqual(StoredFile.objects.filter(attached_at__isnull=True).count(), 1)
        keep = {name: value for name, value in response.context["keep"] if name != "spaces"}
        confirm = {**keep, "spaces": [self.group3.space.pk], "pending": response.context["pending"]}
        response = self.client.post(reverse("messaging:post-new"), confirm)
        made = Post.objects.get()
        self.assertRedirects(response, reverse("messaging:post", args=[made.pk]))
        self.assertEqual(Attachment.objects.filter(post=made).count(), 1)
        self.assertFalse(StoredFile.objects.filter(attached_at__isnull=True).exists())

    def test_going_back_posts_nothing_and_keeps_the_text(self) -> None:
        self.client.post(reverse("messaging:post-new"), self.form(jpeg_upload()))
        response = self.client.post(reverse("messaging:post-new"), {**self.form(), "back": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Op de boerderij")
        self.assertFalse(Post.objects.exists())

    def test_a_forged_or_foreign_pending_token_is_refused(self) -> None:
        response = self.client.post(reverse("messaging:post-new"), self.form(pending="nep"))
        self.assertIn("uploads", response.context["form"].errors)
        self.assertFalse(Post.objects.exists())

    def test_no_warning_with_consent_or_without_photos(self) -> None:
        photos = ConsentQuestion.objects.get(school=self.school, is_app_photos=True)
        for guardian in (self.paula, self.dirk):
            record_answers(actor=guardian.user, pupil=self.sam, choices={photos.pk: True})
        response = self.client.post(reverse("messaging:post-new"), self.form(jpeg_upload()))
        self.assertEqual(response.status_code, 302)
        response = self.client.post(
            reverse("messaging:post-new"), self.form(pdf_upload(), spaces=[self.group5.space.pk])
        )
        self.assertEqual(response.status_code, 302)  # a document is no photo: Olivia is not named
        self.assertEqual(Post.objects.count(), 2)
