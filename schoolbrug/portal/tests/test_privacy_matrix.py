"""Point 12: every portal URL against every persona. Forbidden is 404, whatever the reason; a
guardian never sees the other guardian's personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.portal import urls as portal_urls
from schoolbrug.portal.models import ModuleSchedule
from schoolbrug.portal.modules import Module
from schoolbrug.records.models import Absence, CorrectionRequest, LeaveRequest, Note, Report
from schoolbrug.records.services.notes import note_reply_from_guardian
from schoolbrug.sis.models import EmergencyContact, Guardian, Guardianship, MedicalInfo
from schoolbrug.sis.testing import Persona, SchoolTestCase

from . import records_data as rd
from .helpers import enable_module, set_settings

# Pages about the guardian himself or the school: open to every guardian, closed to staff.
OWN_PAGES = {"home", "account", "school", "more", "correction-sent"}
# Pages for application administrators of the school (tested in test_settings/test_impersonation).
STAFF_PAGES = {
    "settings",
    "settings-module",
    "settings-schedule-add",
    "settings-schedule-delete",
    "impersonate",
    "impersonate-stop",
    # The instruction letter (tested in test_letter).
    "letter",
    "letter-pdf",
    "letter-group-pdf",
    "letter-group-send",
}
PAULA_DATA = ("06 11111111", "paula@test.nl", "Paula")


def portal_routes_with_an_id() -> set[str]:
    """Names of the portal routes that take an object id, read from the URL resolver itself, so
    a route added later is in the list without anybody remembering it."""

    def walk(patterns: list[Any]) -> Iterator[URLPattern]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    _prefix, portal_resolver = get_resolver().namespace_dict["portal"]
    return {
        str(route.name)
        for route in walk(portal_resolver.url_patterns)
        if any(isinstance(c, IntConverter) for c in route.pattern.converters.values())
    }


@dataclass
class IdCase:
    """`who` opens `route` with `kwargs` naming objects that exist but are not his to see (every
    method must answer 404); `visible` are kwargs of the same route that he does see, proving the
    404 comes from visibility and not from a broken address."""

    who: str
    route: str
    kwargs: dict[str, Any]
    why: str
    visible: dict[str, Any] | None = field(default=None)
    visible_method: str = "get"


DIRK_DATA = ("06 22222222", "dirk@test.nl", "Dirk", "Singel", "Zutphen")


class PrivacyMatrixTests(SchoolTestCase):
    note: Note
    report: Report
    medical: MedicalInfo
    contact: EmergencyContact
    paulas_number: EmergencyContact
    paulas_reply: Note
    draft_report: Report
    olivia_note: Note
    paulas_report: Absence
    olivia_absence: Absence
    paulas_leave: LeaveRequest
    dirks_leave: LeaveRequest
    ottos_leave: LeaveRequest
    olivia_report: Report
    olivia_contact: EmergencyContact
    olivia_medical: MedicalInfo
    own_schedule: ModuleSchedule
    other_schedule: ModuleSchedule

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for module in Module.values:
            enable_module(
                cls.school, module, show_on_dashboard=True, replies_allowed=True, show_addresses=True, show_contact=True
            )
        cls.note = rd.note(cls.sam, cls.year, "Leesniveau", dt.date(2026, 10, 1), rd.category(cls.school))
        cls.report = rd.report(cls.sam, cls.year, "Rapport 1", locked=True)
        rd.absence(cls.sam, cls.year, dt.date(2026, 10, 5), rd.reason(cls.school))
        rd.plan(cls.sam, "Leesplan", dt.date(2026, 10, 1))
        rd.curriculum(cls.sam, cls.year, "Blok 1", "8.0")
        cls.medical = MedicalInfo.objects.get(pupil=cls.sam)
        cls.contact = EmergencyContact.objects.get(pupil=cls.sam)
        # Objects that exist, each out of some persona's sight (see id_cases).
        cls.paulas_number = EmergencyContact.objects.create(pupil=cls.sam, name="Paula Bakker", phone="06-11111111")
        cls.paulas_reply = note_reply_from_guardian(guardian_account=cls.paula.user, note=cls.note, text="Graag")
        cls.draft_report = rd.report(cls.sam, cls.year, "Rapport 2", locked=False, order=2)
        cls.olivia_note = rd.note(cls.olivia, cls.year, "Rekenen", dt.date(2026, 10, 2), rd.category(cls.school))
        cls.olivia_report = rd.report(cls.olivia, cls.year, "Rapport 1", locked=True)
        cls.olivia_contact = EmergencyContact.objects.create(pupil=cls.olivia, name="Buurman Kees", phone="0570 111222")
        cls.olivia_medical = MedicalInfo.objects.create(pupil=cls.olivia, allergies="Gluten")
        set_settings(cls.other_school, dashboard_image="portal/dashboard/elders.png")
        reason = rd.reason(cls.school)
        cls.paulas_report = Absence.objects.create(
            pupil=cls.sam,
            year=cls.year,
            starts_at=dt.datetime(2026, 10, 7, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 10, 8, tzinfo=dt.UTC),
            reason=reason,
            source=Absence.Source.GUARDIAN,
            recorded_by=cls.paula.user,
        )
        cls.olivia_absence = rd.absence(cls.olivia, cls.year, dt.date(2026, 10, 5), reason)
        cls.olivia_absence.source = Absence.Source.GUARDIAN
        cls.olivia_absence.save()
        cls.paulas_leave, cls.dirks_leave, cls.ottos_leave = (
            LeaveRequest.objects.create(
                school=cls.school,
                pupil=child,
                requested_by=who.user,
                first_day=dt.date(2026, 11, 2),
                last_day=dt.date(2026, 11, 2),
                reason="Bruiloft",
                school_days=1,
                attachment=b"%PDF-1.4\n%%EOF",
                attachment_type="application/pdf",
                attachment_name="brief.pdf",
            )
            for who, child in ((cls.paula, cls.sam), (cls.dirk, cls.sam), (cls.otto, cls.olivia))
        )
        cls.own_schedule, cls.other_schedule = (
            ModuleSchedule.objects.create(school=s, module=Module.PLANS, enabled=True, starts_on=dt.date(2027, 1, 4))
            for s in (cls.school, cls.other_school)
        )

    def id_cases(self) -> list[IdCase]:
        """For every portal route with an id: ids of objects that exist but that the persona does
        not see, each with the reason."""
        sam, olivia, other = self.sam.pk, self.olivia.pk, self.other_pupil.pk
        cases = [IdCase("paula", "dashboard-image", {"school_id": self.other_school.pk}, "another school's image")]
        child_pages = ("child-about", "child-group", "child-absences", "child-notes", "child-plans", "child-tests")
        for route in (*child_pages, "child-privacy", "child-absence-report", "child-leave"):
            cases += [
                IdCase("paula", route, {"pupil_id": olivia}, "another family's child", {"pupil_id": sam}),
                IdCase("paula", route, {"pupil_id": other}, "a child at another school", {"pupil_id": sam}),
                IdCase("gerda", route, {"pupil_id": sam}, "no portal access right"),
                IdCase("lars", route, {"pupil_id": self.lotte.pk}, "a child who left"),
            ]
        cases.append(IdCase("paula", "child-reports", {"pupil_id": olivia}, "another child", {"pupil_id": sam}))
        note, report = self.note.pk, self.report.pk
        own_report, other_report = self.paulas_report.pk, self.olivia_absence.pk
        cases += [
            IdCase(
                "paula",
                "child-absence-withdraw",
                {"pupil_id": sam, "absence_id": other_report},
                "another family's child's absence under her own child",
            ),
            IdCase(
                "paula", "child-absence-withdraw", {"pupil_id": olivia, "absence_id": other_report}, "another child"
            ),
            IdCase("otto", "child-absence-withdraw", {"pupil_id": sam, "absence_id": own_report}, "not his child"),
            IdCase(
                "paula",
                "child-leave-attachment",
                {"pupil_id": sam, "leave_id": self.dirks_leave.pk},
                "the other parent's own leave request",
                {"pupil_id": sam, "leave_id": self.paulas_leave.pk},
            ),
            IdCase(
                "paula",
                "child-leave-attachment",
                {"pupil_id": olivia, "leave_id": self.ottos_leave.pk},
                "another family's leave request",
            ),
            IdCase(
                "paula",
                "child-leave-attachment",
                {"pupil_id": sam, "leave_id": self.ottos_leave.pk},
                "another family's leave request under her own child",
            ),
            IdCase(
                "dirk",
                "child-note-reply",
                {"pupil_id": sam, "note_id": self.paulas_reply.pk},
                "the other parent's own reply",
                {"pupil_id": sam, "note_id": note},
            ),
            IdCase(
                "paula",
                "child-note-reply",
                {"pupil_id": sam, "note_id": self.olivia_note.pk},
                "another child's note under his own child",
                {"pupil_id": sam, "note_id": note},
            ),
            IdCase("paula", "child-note-reply", {"pupil_id": olivia, "note_id": self.olivia_note.pk}, "another child"),
            IdCase(
                "paula",
                "child-report-pdf",
                {"pupil_id": sam, "report_id": self.draft_report.pk},
                "a report that is not locked yet",
                {"pupil_id": sam, "report_id": report},
            ),
            IdCase(
                "paula",
                "child-report-pdf",
                {"pupil_id": sam, "report_id": self.olivia_report.pk},
                "another child's report under his own child",
                {"pupil_id": sam, "report_id": report},
            ),
            IdCase("paula", "settings-schedule-delete", {"schedule_id": self.own_schedule.pk}, "a guardian"),
            # The instruction letter: only the groups the teacher may invite.
            IdCase(
                "tess",
                "letter-group-pdf",
                {"group_id": self.group5.pk},
                "a group she does not teach",
                {"group_id": self.group3.pk},
            ),
            IdCase(
                "tess",
                "letter-group-send",
                {"group_id": self.other_group.pk},
                "another school's group",
                {"group_id": self.group3.pk},
                visible_method="post",
            ),
            # After the guardian's case: its visible check deletes the school's own planned switch.
            IdCase(
                "ada",
                "settings-schedule-delete",
                {"schedule_id": self.other_schedule.pk},
                "another school's planned switch",
                {"schedule_id": self.own_schedule.pk},
                visible_method="post",
            ),
        ]

        def correction(target: str, object_id: int, name: str) -> dict[str, Any]:
            return {"target": target, "object_id": object_id, "field": name}

        cases += [
            IdCase(
                "dirk",
                "correction",
                correction("emergency_contact", self.paulas_number.pk, "phone"),
                "the other parent's own number, listed as emergency number",
                correction("emergency_contact", self.contact.pk, "phone"),
            ),
            IdCase(
                "paula",
                "correction",
                correction("emergency_contact", self.olivia_contact.pk, "phone"),
                "another family's emergency number",
            ),
            IdCase(
                "dirk",
                "correction",
                correction("guardian", self.paula.record.pk, "phone_mobile"),
                "the other parent's record",
                correction("guardian", self.dirk.record.pk, "phone_mobile"),
            ),
            IdCase("gerda", "correction", correction("guardian", self.gerda.record.pk, "phone_mobile"), "no child"),
            IdCase(
                "paula",
                "correction",
                correction("pupil", olivia, "called_name"),
                "another family's child",
                correction("pupil", sam, "called_name"),
            ),
            IdCase("paula", "correction", correction("pupil", other, "called_name"), "a child at another school"),
            IdCase(
                "paula",
                "correction",
                correction("medical", self.olivia_medical.pk, "allergies"),
                "another family's medical data",
                correction("medical", self.medical.pk, "allergies"),
            ),
        ]
        return cases

    def sam_urls(self) -> dict[str, str]:
        s = self.sam.pk
        return {
            "child-about": reverse("portal:child-about", args=[s]),
            "child-group": reverse("portal:child-group", args=[s]),
            "child-absences": reverse("portal:child-absences", args=[s]),
            "child-notes": reverse("portal:child-notes", args=[s]),
            "child-absence-report": reverse("portal:child-absence-report", args=[s]),
            "child-absence-withdraw": reverse("portal:child-absence-withdraw", args=[s, self.paulas_report.pk]),
            "child-leave": reverse("portal:child-leave", args=[s]),
            "child-leave-attachment": reverse("portal:child-leave-attachment", args=[s, self.paulas_leave.pk]),
            "child-note-reply": reverse("portal:child-note-reply", args=[s, self.note.pk]),
            "child-plans": reverse("portal:child-plans", args=[s]),
            "child-tests": reverse("portal:child-tests", args=[s]),
            "child-privacy": reverse("portal:child-privacy", args=[s]),
            "child-reports": reverse("portal:child-reports", args=[s]),
            "child-report-pdf": reverse("portal:child-report-pdf", args=[s, self.report.pk]),
            "correction": reverse("portal:correction", args=["pupil", s, "called_name"]),
            "correction-emergency": reverse("portal:correction", args=["emergency_contact", self.contact.pk, "phone"]),
            "correction-medical": reverse("portal:correction", args=["medical", self.medical.pk, "allergies"]),
            "dashboard-image": reverse("portal:dashboard-image", args=[self.school.pk]),
        }

    def login(self, persona: Persona) -> Client:
        client = Client()
        if persona.account.is_staff_member:
            verified_login(client, persona.account)
        else:
            client.force_login(persona.account)
        return client

    def test_the_matrix_covers_every_portal_url(self) -> None:
        names = {p.name for p in portal_urls.urlpatterns}
        covered = set(self.sam_urls()) | OWN_PAGES | STAFF_PAGES
        self.assertEqual(names - covered, set(), "add new portal URLs to the privacy matrix")

    def test_every_portal_route_with_an_id_is_tried_with_hidden_objects(self) -> None:
        cases = self.id_cases()
        self.assertEqual(
            portal_routes_with_an_id() - {c.route for c in cases},
            set(),
            "a portal route takes an id but id_cases() tries no hidden object on it",
        )
        targets = {c.kwargs["target"] for c in cases if c.route == "correction"}
        self.assertEqual(set(CorrectionRequest.Target.values) - targets, set(), "a correctable kind has no case")

    def test_objects_that_exist_but_are_hidden_answer_404_to_every_method(self) -> None:
        data = {"text": "x", "proposed_value": "0570 999999"}
        for case in self.id_cases():
            client = self.login(getattr(self, case.who))
            url = reverse(f"portal:{case.route}", kwargs=case.kwargs)
            # The same address with ids that exist nowhere: hidden must look exactly like missing.
            missing = {k: 987654321 if isinstance(v, int) else v for k, v in case.kwargs.items()}
            missing_url = reverse(f"portal:{case.route}", kwargs=missing)
            for method in ("get", "post"):
                status = getattr(client, method)(url, data).status_code
                label = f"{case.who} {method.upper()} {url}: {case.why}"
                # 405 only where the route refuses the method whatever the id (POST-only actions).
                self.assertIn(status, (404, 405), label)
                self.assertEqual(status, getattr(client, method)(missing_url, data).status_code, label)
            if case.visible is not None:
                response = getattr(client, case.visible_method)(reverse(f"portal:{case.route}", kwargs=case.visible))
                self.assertIn(response.status_code, (200, 302), f"{case.who} {case.route} {case.visible}")
        self.assertFalse(CorrectionRequest.objects.exists())
        self.assertFalse(Note.objects.filter(in_reply_to__isnull=False).exclude(pk=self.paulas_reply.pk).exists())
        self.assertTrue(ModuleSchedule.objects.filter(pk=self.other_schedule.pk).exists())
        # Nothing withdrawn, reported or requested through a hidden id.
        self.assertTrue(Absence.objects.filter(pk__in=[self.paulas_report.pk, self.olivia_absence.pk]).count() == 2)
        self.assertEqual(LeaveRequest.objects.count(), 3)

    def test_sams_pages_answer_404_to_everyone_but_his_guardians(self) -> None:
        from schoolbrug.portal.tests.helpers import set_settings

        set_settings(self.school, dashboard_image="portal/dashboard/x.png")
        strangers = {
            "otto": self.otto,
            "gerda": self.gerda,
            "lars": self.lars,
            "tess": self.tess,
            "wim": self.wim,
            "ada": self.ada,
        }
        for who, persona in strangers.items():
            client = self.login(persona)
            for name, url in self.sam_urls().items():
                if name == "dashboard-image" and who in ("otto", "gerda", "lars", "ada", "tess"):
                    continue  # the school's own image is for all its guardians and staff
                for method in ("get", "post"):
                    response = getattr(client, method)(url, {"text": "x", "proposed_value": "x"})
                    self.assertEqual(response.status_code, 404, f"{who} {method} {name}")

    def test_staff_get_404_on_guardian_pages_and_guardians_on_staff_pages(self) -> None:
        for persona in (self.tess, self.ada, self.wim, self.pim):
            client = self.login(persona)
            for name in sorted(OWN_PAGES):
                self.assertEqual(client.get(reverse(f"portal:{name}")).status_code, 404, (persona.account.email, name))
        for persona in (self.paula, self.otto):
            client = self.login(persona)
            for name in ("settings", "impersonate"):
                self.assertEqual(client.get(reverse(f"portal:{name}")).status_code, 404)
            self.assertEqual(client.post(reverse("portal:settings-module", args=["notes"])).status_code, 404)

    def test_pupil_who_left_is_out_of_reach_of_his_guardian(self) -> None:
        client = self.login(self.lars)
        for name in ("child-about", "child-absences", "child-reports"):
            self.assertEqual(client.get(reverse(f"portal:{name}", args=[self.lotte.pk])).status_code, 404)

    def test_divorced_guardians_never_see_each_others_data(self) -> None:
        pages = [reverse(f"portal:{name}") for name in ("home", "account", "school")]
        pages += [
            url
            for name, url in self.sam_urls().items()
            if name
            not in (
                "child-note-reply",
                "child-report-pdf",
                "dashboard-image",
                "child-absence-withdraw",  # a button's address: GET leads back to the absences page
                "child-leave-attachment",  # Paula's own file (Dirk gets 404: see id_cases)
            )
        ]
        for persona, other in ((self.dirk, PAULA_DATA), (self.paula, DIRK_DATA)):
            client = self.login(persona)
            for url in pages:
                response = client.get(url)
                self.assertEqual(response.status_code, 200, url)
                for text in other:
                    self.assertNotContains(response, text, msg_prefix=f"{persona.account.email} {url}")
        client = self.login(self.dirk)
        paula_record = reverse("portal:correction", args=["guardian", self.paula.record.pk, "phone_mobile"])
        self.assertEqual(client.get(paula_record).status_code, 404)

    def test_emergency_numbers_never_show_the_other_guardians_number(self) -> None:
        # Schools list both parents as emergency contacts; each parent sees only his own entry.
        EmergencyContact.objects.create(pupil=self.sam, name="Paula Bakker (moeder)", phone="06-11111111")
        EmergencyContact.objects.create(pupil=self.sam, name="Vader", phone="+31 6 22222222")
        about = reverse("portal:child-about", args=[self.sam.pk])
        dirk_page = self.login(self.dirk).get(about)
        self.assertContains(dirk_page, "Buurvrouw Els")
        self.assertContains(dirk_page, "+31 6 22222222")
        self.assertNotContains(dirk_page, "06-11111111")
        self.assertNotContains(dirk_page, "Paula")
        paula_page = self.login(self.paula).get(about)
        self.assertContains(paula_page, "06-11111111")
        self.assertNotContains(paula_page, "22222222")

    def test_a_grandmothers_emergency_number_is_shown_to_both_parents(self) -> None:
        # Gerda is a guardian record of Sam too, but without parental authority or access right:
        # the number the family gave for her is an emergency number like any other.
        Guardian.objects.filter(pk=self.gerda.record.pk).update(phone_mobile="06 44444444")
        grandmother = EmergencyContact.objects.create(
            pupil=self.sam, name="Oma Gerda", relation="grootmoeder", phone="06-44444444"
        )
        about = reverse("portal:child-about", args=[self.sam.pk])
        for persona in (self.paula, self.dirk):
            client = self.login(persona)
            self.assertContains(client.get(about), "Oma Gerda (grootmoeder): 06-44444444")
            correction = reverse("portal:correction", args=["emergency_contact", grandmother.pk, "phone"])
            self.assertEqual(client.get(correction).status_code, 200)
        # Once she is given the access right, she and the parents keep their numbers to themselves.
        Guardianship.objects.filter(guardian=self.gerda.record).update(portal_access=True)
        self.assertNotContains(self.login(self.paula).get(about), "06-44444444")

    def test_the_relation_is_printed_once(self) -> None:
        EmergencyContact.objects.create(pupil=self.sam, name="Paula Bakker (moeder)", relation="moeder", phone="06 1")
        EmergencyContact.objects.create(pupil=self.sam, name="Buurman Piet", relation="buurman", phone="0570 2")
        page = self.login(self.paula).get(reverse("portal:child-about", args=[self.sam.pk]))
        self.assertContains(page, "Paula Bakker (moeder): 06 1")
        self.assertNotContains(page, "(moeder) (moeder)")
        self.assertContains(page, "Buurman Piet (buurman): 0570 2")

    def test_a_guardians_reply_is_seen_by_her_alone(self) -> None:
        reply = note_reply_from_guardian(
            guardian_account=self.paula.user, note=self.note, text="Alleen voor school: we verhuizen"
        )
        notes_url = reverse("portal:child-notes", args=[self.sam.pk])
        home_url = reverse("portal:home")
        paula = self.login(self.paula)
        self.assertContains(paula.get(notes_url), f'data-testid="note-{reply.pk}"')
        self.assertIn(reply.subject, [item.title for item in paula.get(home_url).context["items"]])
        dirk = self.login(self.dirk)
        for url in (notes_url, home_url, home_url + "?type=notes", home_url + f"?child={self.sam.pk}"):
            response = dirk.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotContains(response, f'data-testid="note-{reply.pk}"', msg_prefix=url)
            self.assertNotContains(response, "we verhuizen", msg_prefix=url)
            self.assertNotContains(response, reply.subject, msg_prefix=url)  # "Re: Leesniveau"
        self.assertContains(dirk.get(notes_url), f'data-testid="note-{self.note.pk}"')  # the school's note stays
        # Nor can he answer it.
        reply_url = reverse("portal:child-note-reply", args=[self.sam.pk, reply.pk])
        self.assertEqual(dirk.post(reply_url, {"text": "x"}).status_code, 404)
        self.assertEqual(Note.objects.filter(in_reply_to=reply).count(), 0)

    def test_every_guardian_page_is_sent_with_no_store(self) -> None:
        from schoolbrug.portal.tests.helpers import set_settings

        set_settings(self.school, dashboard_image="portal/dashboard/missing.png")
        client = self.login(self.paula)
        urls = [reverse(f"portal:{name}") for name in sorted(OWN_PAGES)] + list(self.sam_urls().values())
        for url in urls:
            response = client.get(url)
            if url == reverse("portal:dashboard-image", args=[self.school.pk]):
                self.assertEqual(response.status_code, 404)  # a file lost from storage is not a 500
                continue
            self.assertIn(response.status_code, (200, 302), url)
            self.assertIn("no-store", response.get("Cache-Control", ""), url)
