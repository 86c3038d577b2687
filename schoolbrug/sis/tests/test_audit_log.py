"""The school's audit log page and the records of views of medical and contact data."""

from __future__ import annotations

from django.urls import reverse

from schoolbrug.accounts.audit import AuditEvent, record
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.services import guardianship_update, pupil_update
from schoolbrug.sis.testing import SchoolTestCase

URL = "/staff/audit-log/"


class AuditLogPageTests(SchoolTestCase):
    def setUp(self) -> None:
        record(AuditEvent.Kind.SETTING_CHANGED, actor=self.ada.user, school_id=self.school.pk, subject="mine")
        record(AuditEvent.Kind.LOGIN_SUCCEEDED, actor=self.paula.user, subject="paula-login")
        record(AuditEvent.Kind.SETTING_CHANGED, actor=self.wim.user, school_id=self.other_school.pk, subject="theirs")
        record(AuditEvent.Kind.LOGIN_SUCCEEDED, actor=self.wim.user, subject="wim-login")

    def subjects(self, response: object) -> set[str]:
        return {e.subject for e in response.context["events"]}  # type: ignore[attr-defined]

    def test_administrator_sees_his_schools_events_and_its_accounts_logins_only(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.subjects(response) & {"mine", "paula-login", "theirs", "wim-login"}, {"mine", "paula-login"}
        )
        self.assertEqual(reverse("staff:audit-log"), URL)

    def test_other_schools_administrator_sees_only_his_own(self) -> None:
        verified_login(self.client, self.wim.user)
        response = self.client.get(URL)
        self.assertEqual(
            self.subjects(response) & {"mine", "paula-login", "theirs", "wim-login"}, {"theirs", "wim-login"}
        )

    def test_teachers_principal_and_guardians_get_404(self) -> None:
        for persona in (self.tess, self.pim, self.paula, self.otto):
            self.client.force_login(persona.user)
            self.assertEqual(self.client.get(URL).status_code, 404, persona.user.email)

    def test_nav_link_only_for_administrators(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertContains(self.client.get(reverse("staff:overview")), URL)
        self.client.force_login(self.pim.user)
        self.assertNotContains(self.client.get(reverse("staff:overview")), URL)

    def test_filters_by_kind_date_and_actor(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.get(URL, {"kind": "setting_changed"})
        self.assertEqual(self.subjects(response), {"mine"})
        response = self.client.get(URL, {"actor": "PAULA"})
        self.assertEqual(self.subjects(response), {"paula-login"})
        response = self.client.get(URL, {"date_from": "2000-01-01", "date_to": "2000-01-02"})
        self.assertEqual(self.subjects(response), set())
        response = self.client.get(URL, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
        self.assertIn("date_to", response.context["form"].errors)

    def test_the_log_is_read_only(self) -> None:
        verified_login(self.client, self.ada.user)
        before = AuditEvent.objects.count()
        self.assertEqual(self.client.post(URL, {"kind": "x"}).status_code, 405)
        self.assertEqual(AuditEvent.objects.count(), before)
        page = self.client.get(URL)
        self.assertNotContains(page, 'method="post" class="audit')
        event = AuditEvent.objects.get(subject="mine")
        with self.assertRaises(PermissionError):
            event.delete()

    def test_paging_and_query_count_do_not_grow(self) -> None:
        verified_login(self.client, self.ada.user)

        def add(count: int) -> None:
            AuditEvent.objects.bulk_create(
                AuditEvent(kind=AuditEvent.Kind.CONTACT_VIEWED, actor_id=self.tess.user.pk, school_id=self.school.pk)
                for _ in range(count)
            )

        add(5)
        with count_queries() as small:
            self.assertEqual(self.client.get(URL).status_code, 200)
        add(200)
        with count_queries() as large:
            response = self.client.get(URL, {"page": 2})
        self.assertEqual(len(response.context["events"]), 50)
        assert_same_query_count(small, large, "audit log")


class PupilFileViewAuditTests(SchoolTestCase):
    def test_opening_a_pupil_records_contact_and_medical_views(self) -> None:
        self.client.force_login(self.tess.user)
        self.client.get(reverse("staff:pupil", args=[self.sam.pk]))
        events = AuditEvent.objects.filter(actor_id=self.tess.user.pk, school_id=self.school.pk)
        self.assertEqual(
            set(events.values_list("kind", flat=True)), {AuditEvent.Kind.CONTACT_VIEWED, AuditEvent.Kind.MEDICAL_VIEWED}
        )
        for event in events:
            self.assertEqual(event.data, {"pupil_id": self.sam.pk})
            self.assertNotIn("Pinda", event.subject)

    def test_pupil_without_medical_data_records_contact_only(self) -> None:
        self.client.force_login(self.pim.user)
        self.client.get(reverse("staff:pupil", args=[self.olivia.pk]))
        kinds = set(
            AuditEvent.objects.filter(actor_id=self.pim.user.pk, school_id=self.school.pk).values_list(
                "kind", flat=True
            )
        )
        self.assertEqual(kinds, {AuditEvent.Kind.CONTACT_VIEWED})

    def test_refused_view_records_nothing(self) -> None:
        self.client.force_login(self.tess.user)
        self.assertEqual(self.client.get(reverse("staff:pupil", args=[self.olivia.pk])).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.CONTACT_VIEWED).exists())


class RecordChangeAuditTests(SchoolTestCase):
    """Changes of pupil and family records are audited by field name, never with contact values."""

    def changes(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.RECORD_CHANGED).order_by("pk"))

    def test_guardianship_update_records_field_names_and_the_access_right_booleans(self) -> None:
        relation = Guardianship.objects.get(guardian=self.dirk.record, pupil=self.sam)
        guardianship_update(
            actor=self.ada.user,
            guardianship=relation,
            guardian_data={"email": "dirk.geheim@test.nl", "phone_mobile": "06 99999999", "city": "Zutphen"},
            relation_data={"portal_access": False, "portal_access_reason": "Rechterlijke uitspraak"},
        )
        [event] = self.changes()
        self.assertEqual(
            (event.school_id, event.subject, event.actor_id),
            (self.school.pk, f"{self.dirk.record.full_name} · {self.sam.full_name}", self.ada.user.pk),
        )
        self.assertEqual(event.data["guardianship_id"], relation.pk)
        self.assertEqual(sorted(event.data["guardian_fields"]), ["email", "phone_mobile"])
        self.assertEqual(sorted(event.data["relation_fields"]), ["portal_access", "portal_access_reason"])
        self.assertEqual(event.data["portal_access"], {"old": True, "new": False})
        self.assertNotIn("has_custody", event.data)
        text = str(event.data) + event.subject
        for value in ("dirk.geheim", "99999999", "Rechterlijke", "dirk@test.nl"):
            self.assertNotIn(value, text)

    def test_custody_change_is_recorded_with_old_and_new(self) -> None:
        relation = Guardianship.objects.get(guardian=self.gerda.record, pupil=self.sam)
        guardianship_update(
            actor=self.ada.user, guardianship=relation, guardian_data={}, relation_data={"has_custody": True}
        )
        [event] = self.changes()
        self.assertEqual(event.data["relation_fields"], ["has_custody"])
        self.assertEqual(event.data["has_custody"], {"old": False, "new": True})

    def test_pupil_update_records_the_changed_field_names(self) -> None:
        pupil_update(actor=self.ada.user, pupil=self.sam, data={"phone": "0570 654321", "first_name": "Sam"})
        [event] = self.changes()
        self.assertEqual((event.school_id, event.subject), (self.school.pk, self.sam.full_name))
        self.assertEqual(event.data, {"pupil_id": self.sam.pk, "pupil_fields": ["phone"]})

    def test_saving_without_changes_records_nothing(self) -> None:
        pupil_update(actor=self.ada.user, pupil=self.sam, data={"first_name": "Sam"})
        self.assertEqual(self.changes(), [])
