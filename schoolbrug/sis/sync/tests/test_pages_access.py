"""The sync pages (SIS-9): who gets in, and what an upload that is not an export gets."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.sync.upload_models import SyncUpload, SyncUploadFile
from schoolbrug.sis.sync.upload_services import sync_uploads_expire
from schoolbrug.sis.testing import SchoolTestCase

EN = {"accept-language": "en"}
EDEXML = b'<?xml version="1.0" encoding="UTF-8"?>\n<EDEX></EDEX>\n'


def stored_upload(school: Any, user: Any, **fields: Any) -> SyncUpload:
    upload = SyncUpload.objects.create(school=school, created_by=user, **fields)
    SyncUploadFile.objects.create(upload=upload, name="school.xml", size=len(EDEXML), content=EDEXML)
    return upload


class SyncPagesTestCase(SchoolTestCase):
    def login(self, persona: Any) -> None:
        if persona.user.is_staff_member:
            verified_login(self.client, persona.user)
        else:
            self.client.force_login(persona.user)

    def upload(self, *files: tuple[str, bytes]) -> Any:
        return self.client.post(
            reverse("staff:sync"),
            {"uploads": [SimpleUploadedFile(name, content) for name, content in files]},
            headers=EN,
        )


class AccessTests(SyncPagesTestCase):
    def test_only_application_administrators_of_the_school_get_in(self) -> None:
        upload = stored_upload(self.school, self.ada.user)
        own_urls = [reverse("staff:sync"), reverse("staff:sync-guardian-template")]
        get_urls = [reverse("staff:sync-upload", args=[upload.pk])]
        post_urls = [
            reverse("staff:sync-upload-apply", args=[upload.pk]),
            reverse("staff:sync-upload-discard", args=[upload.pk]),
        ]
        # A teacher, the principal without the role, a guardian, and the administrator of another school.
        for persona in (self.tess, self.pim, self.paula, self.wim):
            self.client.logout()
            self.login(persona)
            for url in get_urls:
                self.assertEqual(self.client.get(url).status_code, 404, f"{persona.user.email} GET {url}")
            for url in post_urls:
                self.assertEqual(self.client.post(url, {"plan": "0" * 64}).status_code, 404, url)
            if persona is not self.wim:  # his own school's upload page is his
                for url in own_urls:
                    self.assertEqual(self.client.get(url).status_code, 404, f"{persona.user.email} GET {url}")
                files = {"uploads": [SimpleUploadedFile("school.xml", EDEXML)]}
                self.assertEqual(self.client.post(reverse("staff:sync"), files).status_code, 404)
        upload.refresh_from_db()
        self.assertEqual(upload.status, SyncUpload.Status.UPLOADED)
        self.assertEqual(upload.files.count(), 1)
        self.assertEqual(SyncUpload.objects.count(), 1)

    def test_a_visitor_is_sent_to_the_login_page(self) -> None:
        response = self.client.get(reverse("staff:sync"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_the_administrator_finds_the_page_in_the_menu(self) -> None:
        self.login(self.ada)
        response = self.client.get(reverse("staff:overview"), headers=EN)
        self.assertContains(response, f'href="{reverse("staff:sync")}"')
        self.client.logout()
        self.login(self.tess)
        self.assertNotContains(self.client.get(reverse("staff:overview")), f'href="{reverse("staff:sync")}"')


class BadUploadTests(SyncPagesTestCase):
    def setUp(self) -> None:
        self.login(self.ada)

    def assert_refused(self, response: Any, message: str) -> None:
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "nothing has been kept", status_code=400)
        self.assertContains(response, message, status_code=400)
        self.assertEqual(SyncUpload.objects.count(), 0)
        self.assertEqual(SyncUploadFile.objects.count(), 0)

    def test_a_picture_or_a_pdf_is_refused_by_its_content_whatever_its_name(self) -> None:
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
        self.assert_refused(self.upload(("leerlingen.xml", png)), "leerlingen.xml is not an XML, CSV or zip file.")
        pdf = b"%PDF-1.7\n" + bytes(range(256)) * 4
        self.assert_refused(
            self.upload(("school.xml", EDEXML), ("ouders.csv", pdf)), "ouders.csv is not an XML, CSV or zip file."
        )

    def test_an_empty_file_is_refused(self) -> None:
        self.assert_refused(self.upload(("leeg.csv", b"")), "leeg.csv is empty.")

    def test_no_file_at_all_is_refused(self) -> None:
        response = self.client.post(reverse("staff:sync"), {}, headers=EN)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Choose at least one file.", status_code=400)
        self.assertEqual(SyncUpload.objects.count(), 0)

    @override_settings(SCHOOLBRUG_SYNC_UPLOAD_MAX_BYTES=2 * 1024 * 1024)
    def test_files_bigger_than_the_limit_together_are_refused_with_the_limit(self) -> None:
        big = b"<?xml version='1.0'?><EDEX>" + b" " * (1024 * 1024 + 10) + b"</EDEX>"
        response = self.upload(("a.xml", big), ("b.xml", big))
        self.assert_refused(response, "The files are too big together: a sync accepts at most 2 MB.")

    @override_settings(SCHOOLBRUG_SYNC_UPLOAD_MAX_BYTES=1024 * 1024)
    def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused_unread(self) -> None:
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("users.csv", b"sourcedId,givenName\n" + b"x" * (3 * 1024 * 1024))
        self.assertLess(len(packed.getvalue()), 100 * 1024)  # small to upload, big to unpack
        response = self.upload(("oneroster.zip", packed.getvalue()))
        self.assert_refused(response, "oneroster.zip unpacks to more than 1 MB")

    def test_a_broken_zip_is_refused(self) -> None:
        self.assert_refused(self.upload(("export.zip", b"PK\x03\x04broken")), "export.zip is not a readable zip file.")

    def test_a_directory_in_the_file_name_is_dropped(self) -> None:
        from schoolbrug.sis.sync.forms import _plain_name

        self.assertEqual(_plain_name("../../etc/passwd.csv"), "passwd.csv")
        self.assertEqual(_plain_name("C:\\Users\\ada\\ouders.csv"), "ouders.csv")


class KeepingTests(SyncPagesTestCase):
    def test_files_that_were_not_applied_are_removed_after_a_day(self) -> None:
        old = stored_upload(self.school, self.ada.user)
        recent = stored_upload(self.school, self.ada.user)
        SyncUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
        self.assertEqual(sync_uploads_expire(), 1)
        old.refresh_from_db()
        self.assertEqual(old.status, SyncUpload.Status.EXPIRED)
        self.assertIsNotNone(old.files_removed_at)
        self.assertFalse(old.files.exists())
        self.assertTrue(recent.files.exists())
        # Its page says so instead of showing a preview of files that are gone.
        verified_login(self.client, self.ada.user)
        response = self.client.get(reverse("staff:sync-upload", args=[old.pk]), headers=EN)
        self.assertContains(response, "have been removed")

    def test_the_periodic_job_removes_them(self) -> None:
        from schoolbrug.core.scheduler import autodiscover, registered_jobs

        autodiscover()
        jobs = {job.name: job for job in registered_jobs()}
        self.assertIn("sis.expire_sync_uploads", jobs)
        old = stored_upload(self.school, self.ada.user)
        SyncUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
        jobs["sis.expire_sync_uploads"].func()
        self.assertFalse(old.files.exists())

    def test_discarding_removes_the_files_and_applies_nothing(self) -> None:
        upload = stored_upload(self.school, self.ada.user)
        verified_login(self.client, self.ada.user)
        response = self.client.post(reverse("staff:sync-upload-discard", args=[upload.pk]))
        self.assertRedirects(response, reverse("staff:sync"))
        upload.refresh_from_db()
        self.assertEqual(upload.status, SyncUpload.Status.EXPIRED)
        self.assertFalse(upload.files.exists())


class TemplateTests(SyncPagesTestCase):
    def test_the_guardian_template_is_downloadable_from_the_upload_page(self) -> None:
        self.login(self.ada)
        page = self.client.get(reverse("staff:sync"), headers=EN)
        url = reverse("staff:sync-guardian-template")
        self.assertContains(page, f'href="{url}"')
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        from schoolbrug.sis.sync.guardians_csv import read_guardians_csv

        self.assertEqual(read_guardians_csv("template.csv", response.content).issues, [])
