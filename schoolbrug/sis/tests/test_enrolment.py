"""Enrolment pages: who may open them, what they save, what they refuse, and fixed query counts."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.models import (
    EmergencyContact,
    Group,
    Guardian,
    Guardianship,
    MedicalInfo,
    Placement,
    Pupil,
    SchoolYear,
)
from schoolbrug.sis.testing import SchoolTestCase, make_group, make_pupil

MEDIA = tempfile.mkdtemp(prefix="pupil-photos-")
EN = {"accept-language": "en"}


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "red").save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def pupil_post(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Noor", "last_name": "Jansen", "birth_date": "2020-03-04", "sex": "f",
        "street": "Brink", "house_number": "2", "postcode": "7411br", "city": "Deventer",
        "status": "enrolled", "enrolled_on": "2026-09-01",
    }  # fmt: skip
    data.update(overrides)
    return data


def relation_post(**overrides: str) -> dict[str, str]:
    data = {
        "relation-relation": "mother",
        "relation-has_custody": "on",
        "relation-portal_access": "on",
        "relation-app_invitation": "on",
        "relation-lives_with_pupil": "on",
    }
    data.update(overrides)
    return data


def new_guardian_post(**overrides: str) -> dict[str, str]:
    data = relation_post()
    data.update({
        "guardian-first_name": "Fatma", "guardian-last_name": "Jansen", "guardian-sex": "f",
        "guardian-email": "fatma@test.nl", "guardian-phone_mobile": "06 55555555",
        "guardian-postcode": "7411 BR", "guardian-language": "nl", "guardian-education_level": "",
    })  # fmt: skip
    data.update(overrides)
    return data


@override_settings(MEDIA_ROOT=MEDIA)
class EnrolmentAccessTests(SchoolTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def urls(self) -> list[str]:
        contact = EmergencyContact.objects.get(pupil=self.sam)
        link = Guardianship.objects.get(guardian=self.dirk.record, pupil=self.sam)
        sam = self.sam.pk
        return [
            reverse("staff:pupil-placement", args=[sam]),
            reverse("staff:pupil-leave", args=[sam]),
            reverse("staff:guardian-add", args=[sam]),
            reverse("staff:guardianship-remove", args=[sam, link.pk]),
            reverse("staff:emergency", args=[sam]),
            reverse("staff:emergency-edit", args=[sam, contact.pk]),
            reverse("staff:emergency-remove", args=[sam, contact.pk]),
            reverse("staff:medical-edit", args=[sam]),
            reverse("staff:pupil-photo-edit", args=[sam]),
        ]

    def test_the_administrator_opens_every_page(self) -> None:
        verified_login(self.client, self.ada.user)
        for url in [reverse("staff:pupil-enrol"), *self.urls()]:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_everyone_else_gets_404_and_nothing_changes(self) -> None:
        # The teacher and the principal still read Sam's page; they change nothing.
        for persona in (self.tess, self.pim, self.wim):
            verified_login(self.client, persona.user)
            self.assertEqual(
                self.client.get(reverse("staff:pupil-enrol")).status_code, 404 if persona != self.wim else 200
            )
            for url in self.urls():
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
                self.assertEqual(self.client.post(url, {"confirm": "yes"}).status_code, 404, (persona.user.email, url))
            move = reverse("staff:emergency-move", args=[self.sam.pk, EmergencyContact.objects.get().pk])
            self.assertEqual(self.client.post(move, {"direction": "up"}).status_code, 404)
        for persona in (self.paula, self.otto):
            self.client.force_login(persona.user)
            for url in [reverse("staff:pupil-enrol"), *self.urls()]:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
        self.assertEqual(Guardianship.objects.filter(pupil=self.sam).count(), 3)
        self.assertEqual(EmergencyContact.objects.count(), 1)
        self.sam.refresh_from_db()
        self.assertEqual(self.sam.status, Pupil.Status.ENROLLED)

    def test_another_schools_administrator_cannot_place_or_enrol_into_this_school(self) -> None:
        verified_login(self.client, self.wim.user)
        response = self.client.post(reverse("staff:pupil-enrol"), pupil_post(group=str(self.group3.pk)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("group", response.context["form"].errors)
        self.assertFalse(Pupil.objects.filter(first_name="Noor").exists())

    def test_the_menu_and_the_pupil_page_link_the_pages_for_the_administrator_only(self) -> None:
        sam = self.sam.pk
        link = Guardianship.objects.get(guardian=self.dirk.record, pupil=self.sam)
        linked = [
            reverse("staff:pupil-enrol"),
            reverse("staff:pupil-placement", args=[sam]),
            reverse("staff:pupil-leave", args=[sam]),
            reverse("staff:guardian-add", args=[sam]),
            reverse("staff:guardianship-remove", args=[sam, link.pk]),
            reverse("staff:emergency", args=[sam]),
            reverse("staff:medical-edit", args=[sam]),
            reverse("staff:pupil-photo-edit", args=[sam]),
        ]
        verified_login(self.client, self.ada.user)
        page = self.client.get(reverse("staff:pupil", args=[sam])).content.decode()
        for url in linked:
            self.assertIn(f'href="{url}"', page)
        group_page = self.client.get(reverse("staff:group", args=[self.group3.pk]))
        self.assertContains(group_page, reverse("staff:pupil-enrol") + f"?group={self.group3.pk}")
        # A group of an earlier year takes no new pupils.
        old = self.client.get(reverse("staff:group", args=[self.old_group2.pk]))
        self.assertNotContains(old, reverse("staff:pupil-enrol") + "?group=")
        verified_login(self.client, self.tess.user)
        page = self.client.get(reverse("staff:pupil", args=[sam])).content.decode()
        for url in linked:
            self.assertNotIn(f'href="{url}"', page)
        self.assertNotContains(self.client.get(reverse("staff:group", args=[self.group3.pk])), "?group=")


class EnrolPupilTests(SchoolTestCase):
    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)

    def test_enrolling_saves_the_pupil_and_his_group_and_audits_it(self) -> None:
        response = self.client.post(reverse("staff:pupil-enrol"), pupil_post(group=str(self.group3.pk)))
        noor = Pupil.objects.get(first_name="Noor")
        self.assertRedirects(response, reverse("staff:pupil", args=[noor.pk]))
        self.assertEqual(noor.school, self.school)
        self.assertEqual(noor.postcode, "7411 BR")
        self.assertEqual(list(noor.placements.values_list("group_id", "year_id")), [(self.group3.pk, self.year.pk)])
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_CHANGED, data__pupil_id=noor.pk)
        self.assertEqual(event.data["change"], "enrolled")
        self.assertEqual(event.data["group"], "Groep 3")

    def test_a_group_of_an_earlier_year_is_refused_and_the_input_kept(self) -> None:
        response = self.client.post(reverse("staff:pupil-enrol"), pupil_post(group=str(self.old_group2.pk)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("group", response.context["form"].errors)
        self.assertContains(response, 'value="Noor"')
        self.assertFalse(Pupil.objects.filter(first_name="Noor").exists())

    def test_bad_dates_and_a_pupil_registered_twice_are_refused_in_dutch(self) -> None:
        response = self.client.post(reverse("staff:pupil-enrol"), pupil_post(birth_date="31-02-2020"))
        self.assertIn("birth_date", response.context["form"].errors)
        response = self.client.post(reverse("staff:pupil-enrol"), pupil_post(status="left"))
        self.assertIn("status", response.context["form"].errors)
        twin = pupil_post(first_name="sam", last_name="BAKKER", birth_date="2019-05-01")
        response = self.client.post(reverse("staff:pupil-enrol"), twin)
        self.assertContains(response, "is al ingeschreven")
        self.assertEqual(Pupil.objects.filter(last_name="Bakker").count(), 1)
        response = self.client.post(reverse("staff:pupil-enrol"), twin, headers=EN)
        self.assertContains(response, "is already registered at this school")

    def test_the_enrol_page_query_count_does_not_grow_with_the_groups(self) -> None:
        url = reverse("staff:pupil-enrol")
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        for i in range(30):
            make_group(self.school, self.year, f"Groep X{i}", 4)
        with count_queries() as large:
            response = self.client.get(url)
        self.assertContains(response, "Groep X29")
        assert_same_query_count(small, large, "enrol page")


class PlacementAndLeavingTests(SchoolTestCase):
    next_year: SchoolYear
    next_group4: Group

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.next_year = SchoolYear.objects.create(
            school=cls.school, name="2027-2028", start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 7, 14)
        )
        cls.next_group4 = make_group(cls.school, cls.next_year, "Groep 4", 4)

    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)

    def test_a_pupil_is_placed_for_next_year_and_moved_within_the_current_one(self) -> None:
        url = reverse("staff:pupil-placement", args=[self.sam.pk])
        self.assertRedirects(
            self.client.post(url, {"group": self.next_group4.pk}), reverse("staff:pupil", args=[self.sam.pk])
        )
        self.assertRedirects(
            self.client.post(url, {"group": self.group5.pk}), reverse("staff:pupil", args=[self.sam.pk])
        )
        places = dict(Placement.objects.filter(pupil=self.sam).values_list("year__name", "group__name"))
        self.assertEqual(places, {"2025-2026": "Groep 2", "2026-2027": "Groep 5/6", "2027-2028": "Groep 4"})
        event = AuditEvent.objects.filter(data__change="placed").first()
        assert event is not None
        self.assertEqual(event.data["group"], {"old": "Groep 3", "new": "Groep 5/6"})

    def test_an_earlier_years_group_cannot_be_chosen(self) -> None:
        url = reverse("staff:pupil-placement", args=[self.sam.pk])
        response = self.client.post(url, {"group": self.old_group2.pk})
        self.assertIn("group", response.context["form"].errors)
        response = self.client.post(url, {"group": self.other_group.pk})
        self.assertIn("group", response.context["form"].errors)
        self.assertEqual(Placement.objects.filter(pupil=self.sam).count(), 2)

    def test_the_placement_page_query_count_does_not_grow_with_the_groups(self) -> None:
        url = reverse("staff:pupil-placement", args=[self.sam.pk])
        with count_queries() as small:
            self.client.get(url)
        for i in range(30):
            make_group(self.school, self.next_year, f"Groep Y{i}", 5)
        with count_queries() as large:
            self.assertContains(self.client.get(url), "2027-2028 · Groep Y29")
        assert_same_query_count(small, large, "placement page")

    def test_leaving_marks_the_pupil_left_and_withdraws_next_years_place(self) -> None:
        Placement.objects.create(pupil=self.sam, group=self.next_group4, year=self.next_year)
        url = reverse("staff:pupil-leave", args=[self.sam.pk])
        self.assertRedirects(
            self.client.post(url, {"left_on": "2026-10-02"}), reverse("staff:pupil", args=[self.sam.pk])
        )
        self.sam.refresh_from_db()
        self.assertEqual((self.sam.status, self.sam.left_on), (Pupil.Status.LEFT, dt.date(2026, 10, 2)))
        # His career stays; only the place he never took is gone. His file stays readable.
        self.assertEqual(
            set(Placement.objects.filter(pupil=self.sam).values_list("year__name", flat=True)),
            {"2025-2026", "2026-2027"},
        )
        self.assertEqual(self.client.get(reverse("staff:pupil", args=[self.sam.pk])).status_code, 200)
        # His guardians no longer reach him in the portal.
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(reverse("portal:child-about", args=[self.sam.pk])).status_code, 404)
        event = AuditEvent.objects.get(data__change="left")
        self.assertEqual(event.data["left_on"], "2026-10-02")

    def test_a_date_before_registration_or_in_the_future_is_refused(self) -> None:
        url = reverse("staff:pupil-leave", args=[self.sam.pk])
        response = self.client.post(url, {"left_on": "2020-01-01"})
        self.assertContains(response, "mag niet vóór de datum van inschrijving liggen")
        response = self.client.post(url, {"left_on": "2999-01-01"})
        self.assertIn("left_on", response.context["form"].errors)
        response = self.client.post(url, {"left_on": "morgen"})
        self.assertIn("left_on", response.context["form"].errors)
        self.sam.refresh_from_db()
        self.assertEqual(self.sam.status, Pupil.Status.ENROLLED)


class GuardianTests(SchoolTestCase):
    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)

    def lookup(self, pupil: Pupil, email: str) -> Any:
        return self.client.post(reverse("staff:guardian-add", args=[pupil.pk]), {"email": email, "lookup": "1"})

    def add(self, pupil: Pupil, email: str, data: dict[str, str]) -> Any:
        return self.client.post(reverse("staff:guardian-add", args=[pupil.pk]), {"email": email, **data})

    def test_an_existing_guardian_is_found_by_email_and_shared_by_brother_and_sister(self) -> None:
        page = self.lookup(self.olivia, "Paula@Test.nl")
        self.assertEqual(page.context["existing"], self.paula.record)
        self.assertContains(page, "Sam")  # the other child, so the administrator knows whom he links
        self.assertIsNone(page.context["guardian_form"])
        self.assertNotIn("paula", page.request["PATH_INFO"] + page.request.get("QUERY_STRING", ""))
        response = self.add(self.olivia, "paula@test.nl", relation_post())
        self.assertRedirects(response, reverse("staff:pupil", args=[self.olivia.pk]))
        self.assertEqual(Guardian.objects.filter(email="paula@test.nl").count(), 1)
        link = Guardianship.objects.get(pupil=self.olivia, guardian=self.paula.record)
        self.assertEqual(link.contact_order, 2)
        # One account now sees both children.
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(reverse("portal:child-about", args=[self.olivia.pk])).status_code, 200)
        event = AuditEvent.objects.get(data__change="guardian_added")
        self.assertEqual((event.data["guardian_created"], event.data["portal_access"]), (False, True))

    def test_a_new_guardian_is_registered_with_relation_custody_access_and_invitation(self) -> None:
        self.assertIsNone(self.lookup(self.olivia, "fatma@test.nl").context["existing"])
        data = new_guardian_post(**{"relation-relation": "carer"})
        del data["relation-has_custody"], data["relation-app_invitation"]
        self.assertRedirects(
            self.add(self.olivia, "fatma@test.nl", data), reverse("staff:pupil", args=[self.olivia.pk])
        )
        fatma = Guardian.objects.get(email="fatma@test.nl")
        self.assertEqual(fatma.school, self.school)
        link = Guardianship.objects.get(guardian=fatma)
        self.assertEqual(
            (link.relation, link.has_custody, link.portal_access, link.app_invitation), ("carer", False, True, False)
        )

    def test_without_access_right_a_reason_is_needed_and_the_date_is_kept(self) -> None:
        data = new_guardian_post()
        del data["relation-portal_access"]
        response = self.add(self.olivia, "fatma@test.nl", data)
        self.assertContains(response, "Geef de reden")
        self.assertContains(response, 'value="Fatma"')
        self.assertFalse(Guardian.objects.filter(email="fatma@test.nl").exists())
        data["relation-portal_access_reason"] = "Rechterlijke uitspraak"
        self.add(self.olivia, "fatma@test.nl", data)
        link = Guardianship.objects.get(guardian__email="fatma@test.nl")
        self.assertFalse(link.portal_access)
        self.assertEqual(link.portal_access_reason, "Rechterlijke uitspraak")
        self.assertIsNotNone(link.portal_access_changed_on)

    def test_bad_input_is_refused_and_nothing_is_saved(self) -> None:
        response = self.lookup(self.olivia, "geen-adres")
        self.assertIn("email", response.context["lookup"].errors)
        # A tampered hidden address at step 2 goes back to step 1 with the error, saving nothing.
        self.assertIn("email", self.add(self.olivia, "geen-adres", new_guardian_post()).context["lookup"].errors)
        # Typing a known address into the new-guardian form does not make a second record.
        response = self.add(self.olivia, "fatma@test.nl", new_guardian_post(**{"guardian-email": "otto@test.nl"}))
        self.assertContains(response, "met dit e-mailadres geregistreerd")
        response = self.add(
            self.olivia,
            "fatma@test.nl",
            new_guardian_post(**{"guardian-phone_mobile": "12", "relation-relation": "uncle"}),
        )
        self.assertIn("phone_mobile", response.context["guardian_form"].errors)
        self.assertIn("relation", response.context["relation_form"].errors)
        self.assertEqual(Guardian.objects.filter(school=self.school).count(), 5)
        # Someone already linked to this pupil is not linked twice.
        response = self.add(self.olivia, "otto@test.nl", relation_post())
        self.assertContains(response, "is al ouder/verzorger van deze leerling")
        self.assertEqual(Guardianship.objects.filter(pupil=self.olivia).count(), 1)

    def test_the_found_guardians_page_query_count_does_not_grow_with_his_children(self) -> None:
        def add_children(count: int, start: int) -> None:
            for i in range(start, start + count):
                child = make_pupil(self.school, f"Kind{i}", "Bakker", self.group3)
                Guardianship.objects.create(pupil=child, guardian=self.paula.record, relation="mother")

        add_children(2, 0)
        with count_queries() as small:
            self.assertEqual(len(self.lookup(self.olivia, "paula@test.nl").context["children"]), 3)
        add_children(30, 100)
        with count_queries() as large:
            self.assertContains(self.lookup(self.olivia, "paula@test.nl"), "Kind129")
        assert_same_query_count(small, large, "guardian found by e-mail")

    def test_a_guardian_of_another_school_is_not_found(self) -> None:
        response = self.lookup(self.olivia, "wim@test.nl")
        self.assertIsNone(response.context["existing"])
        Guardian.objects.create(school=self.other_school, first_name="Els", last_name="Elders", email="els@test.nl")
        self.assertIsNone(self.lookup(self.olivia, "els@test.nl").context["existing"])

    def test_removing_asks_first_then_ends_the_guardianship_and_keeps_what_is_still_used(self) -> None:
        link = Guardianship.objects.get(guardian=self.dirk.record, pupil=self.sam)
        url = reverse("staff:guardianship-remove", args=[self.sam.pk, link.pk])
        self.assertContains(self.client.get(url), "Dirk Bakker")
        self.assertContains(self.client.post(url, {}), "confirm-yes")
        self.assertTrue(Guardianship.objects.filter(pk=link.pk).exists())
        self.assertRedirects(self.client.post(url, {"confirm": "yes"}), reverse("staff:pupil", args=[self.sam.pk]))
        self.assertFalse(Guardianship.objects.filter(pk=link.pk).exists())
        self.assertTrue(Guardian.objects.filter(pk=self.dirk.record.pk).exists())  # he has an account
        self.client.force_login(self.dirk.user)
        self.assertEqual(self.client.get(reverse("portal:child-about", args=[self.sam.pk])).status_code, 404)
        # A record without account and without children is not kept.
        verified_login(self.client, self.ada.user)
        neighbour = Guardian.objects.create(school=self.school, first_name="Els", last_name="Buur")
        other = Guardianship.objects.create(pupil=self.sam, guardian=neighbour, relation="other")
        neighbour_id = neighbour.pk
        self.client.post(reverse("staff:guardianship-remove", args=[self.sam.pk, other.pk]), {"confirm": "yes"})
        self.assertFalse(Guardian.objects.filter(pk=neighbour_id).exists())
        removed = AuditEvent.objects.filter(data__change="guardian_removed").order_by("pk")
        self.assertEqual(
            [(e.data["guardian_id"], e.data["guardian_record_deleted"]) for e in removed],
            [(self.dirk.record.pk, False), (neighbour_id, True)],
        )
        self.assertEqual(AuditEvent.objects.filter(data__change="guardian_removed").count(), 2)

    def test_a_guardianship_of_another_pupil_cannot_be_removed_through_this_one(self) -> None:
        otto_link = Guardianship.objects.get(guardian=self.otto.record)
        url = reverse("staff:guardianship-remove", args=[self.sam.pk, otto_link.pk])
        self.assertEqual(self.client.post(url, {"confirm": "yes"}).status_code, 404)
        self.assertTrue(Guardianship.objects.filter(pk=otto_link.pk).exists())


class EmergencyAndMedicalTests(SchoolTestCase):
    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)

    def test_numbers_are_added_edited_reordered_and_removed(self) -> None:
        url = reverse("staff:emergency", args=[self.sam.pk])
        self.assertRedirects(
            self.client.post(url, {"name": "Opa Piet", "relation": "opa", "phone": "0570 111111"}), url
        )
        self.client.post(url, {"name": "Tante An", "phone": "06 12345678"})
        names = lambda: list(EmergencyContact.objects.filter(pupil=self.sam).values_list("name", flat=True))  # noqa: E731
        self.assertEqual(names(), ["Buurvrouw Els", "Opa Piet", "Tante An"])
        an = EmergencyContact.objects.get(name="Tante An")
        self.client.post(reverse("staff:emergency-move", args=[self.sam.pk, an.pk]), {"direction": "up"})
        self.client.post(reverse("staff:emergency-move", args=[self.sam.pk, an.pk]), {"direction": "up"})
        self.client.post(reverse("staff:emergency-move", args=[self.sam.pk, an.pk]), {"direction": "up"})  # stays first
        self.assertEqual(names(), ["Tante An", "Buurvrouw Els", "Opa Piet"])
        self.assertEqual(self.client.get(reverse("staff:emergency-move", args=[self.sam.pk, an.pk])).status_code, 405)
        edit = reverse("staff:emergency-edit", args=[self.sam.pk, an.pk])
        self.assertRedirects(self.client.post(edit, {"name": "Tante Anna", "phone": "06 12345678"}), url)
        remove = reverse("staff:emergency-remove", args=[self.sam.pk, EmergencyContact.objects.get(name="Opa Piet").pk])
        self.client.post(remove, {"confirm": "yes"})
        self.assertEqual(names(), ["Tante Anna", "Buurvrouw Els"])
        self.assertEqual(list(EmergencyContact.objects.values_list("position", flat=True)), [1, 2])
        changes = list(AuditEvent.objects.filter(data__has_key="contact_id").values_list("data__change", flat=True))
        self.assertEqual(
            sorted(set(changes)), ["emergency_added", "emergency_changed", "emergency_moved", "emergency_removed"]
        )
        self.assertEqual(AuditEvent.objects.get(data__change="emergency_changed").data["emergency_fields"], ["name"])

    def test_a_bad_number_is_refused_and_the_input_kept(self) -> None:
        url = reverse("staff:emergency", args=[self.sam.pk])
        response = self.client.post(url, {"name": "Opa Piet", "phone": "12"})
        self.assertIn("phone", response.context["form"].errors)
        self.assertContains(response, 'value="Opa Piet"')
        self.assertContains(response, "niets opgeslagen")
        edit = reverse("staff:emergency-edit", args=[self.sam.pk, EmergencyContact.objects.get().pk])
        self.assertIn("name", self.client.post(edit, {"name": "", "phone": "0570 123456"}).context["form"].errors)
        self.assertEqual(EmergencyContact.objects.get().name, "Buurvrouw Els")

    def test_a_number_of_another_pupil_is_not_reached_through_this_one(self) -> None:
        olivias = EmergencyContact.objects.create(pupil=self.olivia, name="Oom", phone="0570 999999")
        for name in ("staff:emergency-edit", "staff:emergency-remove", "staff:emergency-move"):
            response = self.client.post(reverse(name, args=[self.sam.pk, olivias.pk]), {"confirm": "yes", "name": "x"})
            self.assertEqual(response.status_code, 404, name)
        self.assertTrue(EmergencyContact.objects.filter(pk=olivias.pk, name="Oom").exists())

    def test_the_emergency_page_query_count_does_not_grow(self) -> None:
        url = reverse("staff:emergency", args=[self.sam.pk])
        EmergencyContact.objects.bulk_create(
            EmergencyContact(pupil=self.sam, name=f"Nummer {i}", phone="0570 123456", position=i + 2) for i in range(3)
        )
        with count_queries() as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        EmergencyContact.objects.bulk_create(
            EmergencyContact(pupil=self.sam, name=f"Nummer {i}", phone="0570 123456", position=i + 2)
            for i in range(3, 40)
        )
        with count_queries() as large:
            self.assertContains(self.client.get(url), "Nummer 39")
        assert_same_query_count(small, large, "emergency numbers page")

    def test_medical_data_are_saved_and_only_field_names_audited(self) -> None:
        url = reverse("staff:medical-edit", args=[self.olivia.pk])
        data = {
            "gp_name": "Dr. Jansen",
            "gp_phone": "0570 222222",
            "medicines": "Ventolin",
            "allergies": "",
            "limitations": "",
            "other": "",
        }
        self.assertRedirects(self.client.post(url, data), reverse("staff:pupil", args=[self.olivia.pk]))
        self.assertEqual(MedicalInfo.objects.get(pupil=self.olivia).medicines, "Ventolin")
        event = AuditEvent.objects.get(data__change="medical_changed")
        self.assertEqual(event.data["medical_fields"], ["gp_name", "gp_phone", "medicines"])
        self.assertNotIn("Ventolin", str(event.data))
        # Reading the form shows the text, and is logged like the pupil page.
        self.client.get(url)
        self.assertTrue(
            AuditEvent.objects.filter(kind=AuditEvent.Kind.MEDICAL_VIEWED, data__pupil_id=self.olivia.pk).exists()
        )
        response = self.client.post(url, {**data, "gp_phone": "abc", "medicines": "Iets anders"})
        self.assertIn("gp_phone", response.context["form"].errors)
        self.assertEqual(MedicalInfo.objects.get(pupil=self.olivia).medicines, "Ventolin")


@override_settings(MEDIA_ROOT=MEDIA)
class PhotoTests(SchoolTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)
        self.edit = reverse("staff:pupil-photo-edit", args=[self.sam.pk])
        self.image = reverse("staff:pupil-photo", args=[self.sam.pk])

    def upload_photo(self, data: bytes, name: str = "IMG_0001.png") -> Any:
        return self.client.post(self.edit, {"photo": upload(data, name)}, headers=EN)

    def test_a_photo_is_re_encoded_under_a_random_name_and_served_to_staff_who_see_the_pupil(self) -> None:
        self.assertEqual(self.client.get(self.image).status_code, 404)
        response = self.upload_photo(png(1200, 1600, "RGBA"), "../../etc/passwd.png")
        self.assertRedirects(response, reverse("staff:pupil", args=[self.sam.pk]))
        self.sam.refresh_from_db()
        self.assertRegex(str(self.sam.photo.name), r"^pupils/[0-9a-f]{32}\.png$")
        with Image.open(self.sam.photo.path) as stored:
            self.assertEqual((stored.format, stored.size), ("PNG", (450, 600)))
        self.assertContains(self.client.get(reverse("staff:pupil", args=[self.sam.pk])), self.image)
        for persona in (self.ada, self.tess):
            verified_login(self.client, persona.user)
            response = self.client.get(self.image)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], "image/png")
            self.assertIn("no-store", response["Cache-Control"])
            # Read to the end, which also closes the file.
            body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
            self.assertTrue(body.startswith(b"\x89PNG"))
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(self.image).status_code, 404)
        verified_login(self.client, self.wim.user)
        self.assertEqual(self.client.get(self.image).status_code, 404)
        verified_login(self.client, self.tess.user)
        self.assertEqual(self.client.get(reverse("staff:pupil-photo", args=[self.olivia.pk])).status_code, 404)

    def test_a_new_photo_replaces_the_old_file_and_removing_deletes_it(self) -> None:
        self.upload_photo(png(300, 300))
        self.sam.refresh_from_db()
        first = self.sam.photo.path
        with self.captureOnCommitCallbacks(execute=True):
            self.upload_photo(png(400, 300))
        self.sam.refresh_from_db()
        self.assertNotEqual(self.sam.photo.path, first)
        self.assertFalse(Path(first).exists())
        second = self.sam.photo.path
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.edit, {"remove_photo": "on"})
        self.sam.refresh_from_db()
        self.assertFalse(self.sam.photo)
        self.assertFalse(Path(second).exists())
        self.assertEqual(
            sorted(
                AuditEvent.objects.filter(data__has_key="change", data__pupil_id=self.sam.pk).values_list(
                    "data__change", flat=True
                )
            ),
            ["photo_changed", "photo_changed", "photo_removed"],
        )

    def test_wrong_files_are_refused_with_the_reason_and_nothing_is_saved(self) -> None:
        cases = [
            (b"not an image at all", "not a JPEG, PNG or WebP image"),
            (png(50, 80), "at least 100 × 100 pixels"),  # noqa: RUF001
            (png(5000, 200), "at most 4096 × 4096 pixels"),  # noqa: RUF001
            (b"", "The submitted file is empty"),
        ]
        for data, reason in cases:
            with self.subTest(reason):
                response = self.upload_photo(data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, reason)
        response = self.client.post(self.edit, {})
        self.assertContains(response, "Kies een foto")
        self.sam.refresh_from_db()
        self.assertFalse(self.sam.photo)


class EnrolmentAuditTextTests(SchoolTestCase):
    def test_the_audit_log_reads_the_changes_in_dutch_words(self) -> None:
        verified_login(self.client, self.ada.user)
        self.client.post(reverse("staff:pupil-enrol"), pupil_post(group=str(self.group3.pk)))
        add = reverse("staff:guardian-add", args=[self.olivia.pk])
        self.client.post(add, {"email": "paula@test.nl", **relation_post()})
        self.client.post(reverse("staff:emergency", args=[self.sam.pk]), {"name": "Opa", "phone": "0570 111111"})
        medical = {"gp_name": "Dr. Jansen", "medicines": "Ventolin", "allergies": "Pinda's"}
        self.client.post(reverse("staff:medical-edit", args=[self.sam.pk]), medical)
        html = self.client.get(reverse("staff:audit-log")).content.decode()
        for words in (
            "Wijziging: leerling ingeschreven",
            "Groep: Groep 3",
            "Wijziging: ouder/verzorger toegevoegd",
            "Nieuwe ouder/verzorger geregistreerd: nee",
            "Wijziging: noodnummer toegevoegd",
            "Gewijzigde gegevens noodnummer: naam, telefoon",
            "Gewijzigde medische gegevens: Huisarts, medicijnen",
        ):
            self.assertIn(words, html)
        for code in ("guardian_added", "emergency_fields", "medical_changed", "Ventolin"):
            self.assertNotIn(code, html)
