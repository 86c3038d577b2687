"""Photos and documents of announcements (AC6, MSG-5): stored through the media app in the
post's transaction, served only to those who may read the post."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.media.models import StoredFile
from schoolbrug.media.testing import jpeg_upload, pdf_upload
from schoolbrug.messaging.models import Attachment, Post, PostKind
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import post

PRIVATE = tempfile.mkdtemp(prefix="messaging-private-")


@override_settings(
    STORAGES={
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE, "base_url": None},
        },
    }
)
class AttachmentTests(SchoolTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(PRIVATE, ignore_errors=True)

    def teacher(self) -> Client:
        client = Client()
        verified_login(client, self.tess.user)
        return client

    def form(self, files: list[SimpleUploadedFile], **extra: object) -> dict[str, object]:
        kind = PostKind.objects.filter(school=self.school).first()
        assert kind is not None
        return {
            "text": "Naar de boerderij",
            "kind": kind.pk,
            "spaces": [self.group3.space.pk],
            "uploads": files,
            **extra,
        }

    def stored_files(self) -> list[Path]:
        return [p for p in Path(PRIVATE).rglob("*") if p.is_file()]

    def test_photos_and_a_document_are_posted_and_served_only_to_readers(self) -> None:
        before = len(self.stored_files())
        response = self.teacher().post(
            reverse("messaging:post-new"), self.form([jpeg_upload("a.jpg"), jpeg_upload("b.jpg"), pdf_upload()])
        )
        made = Post.objects.get()
        self.assertRedirects(response, reverse("messaging:post", args=[made.pk]))
        files = [a.file for a in Attachment.objects.filter(post=made).select_related("file")]
        self.assertEqual([f.kind for f in files], ["image", "image", "document"])
        self.assertTrue(all(f.attached_at for f in files))
        self.assertEqual(len(self.stored_files()), before + 3)
        photo_url = reverse("messaging:file", args=[made.pk, files[0].pk])
        paula = Client()
        paula.force_login(self.paula.user)
        page = paula.get(reverse("messaging:post", args=[made.pk]))
        self.assertContains(page, photo_url)
        photo = paula.get(photo_url + "?size=screen")
        self.assertEqual(photo.status_code, 200)
        self.assertEqual(photo["X-Content-Type-Options"], "nosniff")
        document = paula.get(reverse("messaging:file", args=[made.pk, files[2].pk]))
        self.assertIn("attachment", document["Content-Disposition"])
        # Another family, another school, and a file id paired with the wrong post: 404.
        otto = Client()
        otto.force_login(self.otto.user)
        self.assertEqual(otto.get(photo_url).status_code, 404)
        wim = Client()
        verified_login(wim, self.wim.user)
        self.assertEqual(wim.get(photo_url).status_code, 404)
        other = post(self.tess, self.group5.space)
        self.assertEqual(otto.get(reverse("messaging:file", args=[other.pk, files[0].pk])).status_code, 404)

    def test_a_fake_image_refuses_the_whole_post_and_leaves_no_file(self) -> None:
        before = self.stored_files()
        fake = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
        response = self.teacher().post(reverse("messaging:post-new"), self.form([jpeg_upload("goed.jpg"), fake]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("foto.jpg", " ".join(response.context["form"].errors["uploads"]))
        self.assertFalse(Post.objects.exists())
        self.assertFalse(StoredFile.objects.exists())
        self.assertEqual(self.stored_files(), before)

    def test_more_than_twenty_files_are_refused(self) -> None:
        files = [jpeg_upload(f"{n}.jpg") for n in range(21)]
        response = self.teacher().post(reverse("messaging:post-new"), self.form(files))
        self.assertIn("uploads", response.context["form"].errors)
        self.assertFalse(Post.objects.exists())

    def test_the_media_overview_of_a_space_in_fixed_queries(self) -> None:
        post(self.tess, self.group3.space, files=[jpeg_upload(), pdf_upload()])
        paula = Client()
        paula.force_login(self.paula.user)
        url = reverse("messaging:space-media", args=[self.group3.space.pk])
        with count_queries() as few:
            page = paula.get(url)
        self.assertEqual(len(page.context["photo_page"].object_list), 1)
        self.assertEqual(len(page.context["document_page"].object_list), 1)
        for _ in range(3):
            post(self.tess, self.group3.space, files=[jpeg_upload(), jpeg_upload(), pdf_upload()])
        with count_queries() as many:
            page = paula.get(url)
        assert_same_query_count(few, many, "space media")
        self.assertEqual(len(page.context["photo_page"].object_list), 7)
        otto = Client()
        otto.force_login(self.otto.user)
        self.assertEqual(otto.get(url).status_code, 404)
