"""The sync pages (SIS-9): the preview of an upload, and the apply in the real task worker."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries, run_task_worker
from schoolbrug.sis.models import Pupil, School
from schoolbrug.sis.sync import engine
from schoolbrug.sis.sync.generate import Export
from schoolbrug.sis.sync.upload_models import SyncUpload, SyncUploadFile
from schoolbrug.sis.testing import SchoolTestCase

EN = {"accept-language": "en"}
BRIN = "12AB"


def export(**fields: Any) -> Export:
    defaults: dict[str, Any] = {"brin": BRIN, "school_year": "2026-2027", "pupils": 6, "groups": 2}
    return Export(**{**defaults, "teachers": 2, "guardians": 8, **fields})


class SyncPageTestCase(SchoolTestCase):
    def setUp(self) -> None:
        School.objects.filter(pk=self.school.pk).update(brin=BRIN)
        self.school.refresh_from_db()
        verified_login(self.client, self.ada.user)

    def upload(self, data: Export, *, with_guardians: bool = True) -> SyncUpload:
        files = [SimpleUploadedFile("EDEX.XML", data.edexml())]
        if with_guardians:
            files.append(SimpleUploadedFile("verzorgers.csv", data.guardians_csv()))
        response = self.client.post(reverse("staff:sync"), {"uploads": files}, headers=EN)
        upload = SyncUpload.objects.latest("pk")
        self.assertRedirects(response, reverse("staff:sync-upload", args=[upload.pk]), fetch_redirect_response=False)
        return upload

    def preview(self, upload: SyncUpload) -> Any:
        response = self.client.get(reverse("staff:sync-upload", args=[upload.pk]), headers=EN)
        self.assertEqual(response.status_code, 200)
        return response

    def fingerprint(self, response: Any) -> dict[str, str]:
        """The hidden fields of the preview's Apply form, as the browser posts them."""
        form = response.content.decode().split('data-testid="apply-form"')[1].split("</form>")[0]
        fields = dict(re.findall(r'<input type="hidden" name="(plan|language)" value="([^"]*)"', form))
        self.assertEqual(len(fields["plan"]), 64)
        return fields

    def apply(self, upload: SyncUpload, form: dict[str, str] | str) -> Any:
        data = form if isinstance(form, dict) else {"plan": form}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("staff:sync-upload-apply", args=[upload.pk]), data)

    def sync_directly(self, data: Export) -> None:
        dataset = engine.read_files([("EDEX.XML", data.edexml()), ("verzorgers.csv", data.guardians_csv())])
        self.assertTrue(engine.sync_apply(actor=self.ada.user, school=self.school, dataset=dataset).applied)


class PreviewTests(SyncPageTestCase):
    def test_the_preview_shows_what_would_be_added_and_marked_left_per_kind_and_writes_nothing(self) -> None:
        pupils_before = Pupil.objects.count()
        upload = self.upload(export())
        response = self.preview(upload)
        body = response.content.decode()
        self.assertIn('data-kind="pupils" data-added="6" data-changed="0" data-left="2"', body)
        self.assertIn('data-kind="guardians" data-added="8"', body)
        self.assertIn('data-kind="groups" data-added="2"', body)
        self.assertIn('data-kind="staff" data-added="2"', body)
        self.assertNotIn('data-kind="branches"', body)  # a file without branches shows no branch row
        # The enrolled pupils the full export does not list would be marked left, by name.
        left = body[body.index('data-testid="left-pupils"') :]
        self.assertIn("Sam Bakker", left[: left.index("</ul>")])
        self.assertIn("Olivia Smit", left[: left.index("</ul>")])
        self.assertContains(response, 'data-testid="apply"')
        self.assertNotContains(response, 'data-testid="issues"')
        self.assertEqual(Pupil.objects.count(), pupils_before)
        self.assertFalse(DBTaskResult.objects.exists())

    def test_the_preview_shows_the_branches_and_the_branch_code_to_be_stored(self) -> None:
        response = self.preview(self.upload(export(branches={"VH": "Vestiging Huissen", "VB": "Vestiging Bemmel"})))
        self.assertContains(response, 'data-kind="branches" data-added="2" data-changed="0" data-left="0"')
        added = response.content.decode().split('data-testid="added-branches"')[1].split("</ul>")[0]
        self.assertIn("Vestiging Huissen", added)
        self.assertContains(response, "The school&#x27;s branch code 00 will be stored from the file.")

    def test_a_change_is_shown_field_by_field_with_before_and_after(self) -> None:
        data = export()
        self.sync_directly(data)
        first = data.pupil(1)
        data.pupil_overrides = {first["key"]: {"first_name": "Annemarie"}}
        response = self.preview(self.upload(data, with_guardians=False))
        self.assertContains(response, 'data-kind="pupils" data-added="0" data-changed="1" data-left="0"')
        table = response.content.decode().split('data-testid="changed-pupils"')[1].split("</table>")[0]
        self.assertIn(first["first_name"], table)
        self.assertIn("Annemarie", table)
        self.assertIn("first name", table.lower())

    def test_every_problem_names_the_file_and_the_line_and_nothing_can_be_applied(self) -> None:
        data = export()
        csv = data.guardians_csv().decode("utf-8-sig").splitlines()
        row = csv[1].split(";")
        row[0], row[1] = "ONBEKEND", "V-NIEUW"  # a new guardian of a pupil the EDEXML does not have
        csv.append(";".join(row))
        files = [
            SimpleUploadedFile("EDEX.XML", data.edexml()),
            SimpleUploadedFile("ouders.csv", "\n".join(csv).encode()),
        ]
        self.client.post(reverse("staff:sync"), {"uploads": files})
        response = self.preview(SyncUpload.objects.get())
        rows = re.findall(r'<tr data-testid="issue"><td>([^<]*)</td><td>([^<]*)</td>', response.content.decode())
        self.assertIn(("ouders.csv", str(len(csv))), rows)
        self.assertNotContains(response, 'data-testid="apply"')
        # Applying anyway (an old form) changes nothing: the worker finds the same problem.
        self.apply(SyncUpload.objects.get(), "0" * 64)
        run_task_worker()
        upload = SyncUpload.objects.get()
        self.assertEqual(upload.status, SyncUpload.Status.FAILED)
        self.assertTrue(any("ouders.csv:" in problem for problem in upload.problems))
        self.assertFalse(Pupil.objects.filter(external_key__startswith="LL").exists())

    def test_another_schools_brin_is_refused_in_the_preview(self) -> None:
        response = self.preview(self.upload(export(brin="99XX")))
        self.assertContains(response, "99XX")
        self.assertContains(response, 'data-testid="issues"')
        self.assertNotContains(response, 'data-testid="apply"')

    def test_the_query_count_of_the_preview_does_not_grow_with_the_export(self) -> None:
        small = self.upload(export(pupils=4, guardians=6))
        large = self.upload(export(pupils=60, groups=4, guardians=90))
        self.preview(small)  # warm caches (content types, translations)
        with count_queries() as first:
            self.preview(small)
        with count_queries() as second:
            response = self.preview(large)
        self.assertContains(response, 'data-kind="pupils" data-added="60"')
        assert_same_query_count(first, second, "sync preview")


class ApplyTests(SyncPageTestCase):
    def test_apply_runs_in_the_task_worker_and_shows_progress_and_the_result(self) -> None:
        upload = self.upload(export())
        response = self.apply(upload, self.fingerprint(self.preview(upload)))
        url = reverse("staff:sync-upload", args=[upload.pk])
        self.assertRedirects(response, url, fetch_redirect_response=False)
        upload.refresh_from_db()
        self.assertEqual(upload.status, SyncUpload.Status.QUEUED)
        self.assertFalse(Pupil.objects.filter(external_key__startswith="LL").exists())
        page = self.client.get(url, headers=EN)
        self.assertContains(page, 'data-status="queued"')
        self.assertContains(page, f'data-hx-get="{url}"')  # polled with htmx
        self.assertContains(page, '<noscript><meta http-equiv="refresh"')  # and refreshed without JS
        polled = self.client.get(url, headers={**EN, "HX-Request": "true"})
        self.assertTrue(polled.content.decode().lstrip().startswith('<section id="sync-progress"'))

        self.assertEqual(run_task_worker(), 1)

        upload.refresh_from_db()
        self.assertEqual(upload.status, SyncUpload.Status.DONE)
        self.assertEqual(Pupil.objects.filter(school=self.school, external_key__startswith="LL").count(), 6)
        self.sam.refresh_from_db()
        self.assertEqual(self.sam.status, Pupil.Status.LEFT)
        # The files are gone; the page keeps the result.
        self.assertFalse(SyncUploadFile.objects.filter(upload=upload).exists())
        self.assertIsNotNone(upload.files_removed_at)
        page = self.client.get(url, headers=EN)
        self.assertContains(page, 'data-testid="sync-done"')
        self.assertNotContains(page, "hx-get")
        self.assertContains(page, "pupils +6 ~0 -2")
        self.assertContains(page, "<td>6</td>")
        # The school page says when and by whom; the audit log has the sync.
        self.school.refresh_from_db()
        self.assertEqual(self.school.last_synced_by, self.ada.user)
        overview = self.client.get(reverse("staff:overview"), headers=EN)
        self.assertContains(overview, 'data-testid="last-sync"')
        self.assertContains(overview, "by Ada Beheer")
        self.assertTrue(AuditEvent.objects.filter(school_id=self.school.pk, data__sis_sync__isnull=False).exists())

    def test_a_second_click_on_apply_applies_once(self) -> None:
        upload = self.upload(export())
        fingerprint = self.fingerprint(self.preview(upload))
        self.apply(upload, fingerprint)
        self.apply(upload, fingerprint)
        self.assertEqual(DBTaskResult.objects.count(), 1)
        self.assertEqual(run_task_worker(), 1)
        self.apply(upload, fingerprint)  # after it is done, too
        self.assertEqual(run_task_worker(), 0)
        self.assertEqual(AuditEvent.objects.filter(data__sis_sync__isnull=False).count(), 1)

    def test_records_changed_since_the_preview_stop_the_apply_and_the_preview_says_so(self) -> None:
        data = export()
        self.sync_directly(data)
        first = data.pupil(1)
        data.pupil_overrides = {first["key"]: {"first_name": "Annemarie"}}
        upload = self.upload(data, with_guardians=False)
        fingerprint = self.fingerprint(self.preview(upload))
        # Meanwhile someone edits the same pupil by hand.
        Pupil.objects.filter(external_key=first["key"]).update(first_name="Handmatig")
        self.apply(upload, fingerprint)
        run_task_worker()
        upload.refresh_from_db()
        self.assertEqual(upload.status, SyncUpload.Status.UPLOADED)
        self.assertTrue(upload.stale)
        self.assertEqual(Pupil.objects.get(external_key=first["key"]).first_name, "Handmatig")
        response = self.preview(upload)
        self.assertContains(response, 'data-testid="stale"')
        self.assertContains(response, "Handmatig")
        # Confirming the new preview applies it.
        self.apply(upload, self.fingerprint(response))
        run_task_worker()
        self.assertEqual(Pupil.objects.get(external_key=first["key"]).first_name, "Annemarie")

    def test_an_administrator_who_lost_the_role_applies_nothing(self) -> None:
        upload = self.upload(export())
        self.apply(upload, self.fingerprint(self.preview(upload)))
        self.ada.record.is_application_admin = False
        self.ada.record.save(update_fields=["is_application_admin"])
        run_task_worker()
        upload.refresh_from_db()
        self.assertEqual(upload.outcome, SyncUpload.Outcome.REFUSED)
        self.assertFalse(Pupil.objects.filter(external_key__startswith="LL").exists())


class ValidHtmlTests(SyncPageTestCase):
    def test_the_preview_progress_and_result_pages_are_valid_html(self) -> None:
        java = shutil.which("java")
        jar = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
        if java is None or not jar.is_file():
            self.skipTest("the Nu HTML Checker needs java and node_modules/vnu-jar")
        data = export()
        self.sync_directly(data)
        data.pupil_overrides = {data.pupil(1)["key"]: {"first_name": "Annemarie"}}
        data.left_out = {data.pupil(2)["key"]}
        pages = {"upload": self.client.get(reverse("staff:sync"))}
        pages["upload refused"] = self.client.post(
            reverse("staff:sync"), {"uploads": [SimpleUploadedFile("a.csv", b"")]}
        )
        upload = self.upload(data)
        pages["preview"] = self.preview(upload)
        pages["with problems"] = self.preview(self.upload(export(brin="99XX")))
        self.apply(upload, self.fingerprint(pages["preview"]))
        pages["queued"] = self.client.get(reverse("staff:sync-upload", args=[upload.pk]))
        run_task_worker()
        pages["result"] = self.client.get(reverse("staff:sync-upload", args=[upload.pk]))
        pages["upload with history"] = self.client.get(reverse("staff:sync"))
        with tempfile.TemporaryDirectory() as folder:
            for name, response in pages.items():
                (Path(folder) / f"{name.replace(' ', '-')}.html").write_bytes(response.content)
            checked = subprocess.run(
                [java, "-jar", str(jar), "--errors-only", "--exit-zero-always", folder],
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
        self.assertEqual(checked.stderr.strip(), "", checked.stderr)
