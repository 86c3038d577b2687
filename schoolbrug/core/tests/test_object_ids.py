"""Every route that takes an object id answers 404, never 500, to an id no row can have.

The test walks the URL resolver, so a route added later is checked without being listed here:
each is requested by a persona who may use it, with a number past 64 bits (longer than any id)
and with the largest 64-bit number (which reaches the view and its lookup).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.forms import BaseForm, ModelMultipleChoiceField
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

import schoolbrug
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.consent.models import ConsentQuestion
from schoolbrug.conversations.models import Attachment as ConversationAttachment
from schoolbrug.conversations.models import Message
from schoolbrug.conversations.services import start_conversation
from schoolbrug.core.converters import MAX_OBJECT_ID, ObjectIdConverter, parse_object_id
from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.core.mail import OutgoingMail
from schoolbrug.media.models import StoredFile
from schoolbrug.messaging.models import Attachment, PostKind
from schoolbrug.messaging.tests.helpers import post as announcement
from schoolbrug.notifications.models import Notification, NotificationKind
from schoolbrug.notifications.push.models import PushSubscription
from schoolbrug.portal.models import ModuleSchedule
from schoolbrug.portal.modules import Module
from schoolbrug.portal.tests import records_data as rd
from schoolbrug.portal.tests.helpers import enable_module
from schoolbrug.records.models import CorrectionRequest, LeaveRequest, StandardisedTest
from schoolbrug.sis.guardian_accounts.batch_models import InvitationBatch
from schoolbrug.sis.models import Branch, EmergencyContact, Guardianship, TimetableEntry
from schoolbrug.sis.sync.upload_models import SyncUpload
from schoolbrug.sis.testing import Persona, SchoolTestCase

ICS_ONE_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//NL\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
    "DTSTAMP:20261101T100000Z\r\nDTSTART:20261210T130000Z\r\nSUMMARY:Sportdag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def agenda_objects(cls: Any) -> dict[str, int]:
    from schoolbrug.agenda.booking import Choice, book
    from schoolbrug.agenda.models import Event, IcsImport, Slot
    from schoolbrug.agenda.tests.helpers import make_round
    from schoolbrug.messaging.models import Space

    now = timezone.now()
    space = Space.objects.get(group=cls.group3)
    conference = make_round(cls.school, [cls.group3], [cls.tess])
    slot = Slot.objects.filter(round=conference).first()
    assert slot is not None
    booking = book(actor=cls.paula.user, conference=conference, choices=[Choice(cls.sam.pk, slot.pk)])[0]
    return {
        "event_id": Event.objects.create(
            school=cls.school, space=space, title="Uitje", starts_at=now, ends_at=now + dt.timedelta(hours=1)
        ).pk,
        "round_id": conference.pk,
        "booking_id": booking.pk,
        "import_id": IcsImport.objects.create(
            school=cls.school, space=space, text=ICS_ONE_EVENT, created_by=cls.ada.user
        ).pk,
    }


HUGE_IDS = ("9" * 23, str(MAX_OBJECT_ID + 1), str(MAX_OBJECT_ID))
# Portal pages of application administrators; every other portal page belongs to a guardian.
PORTAL_STAFF_PAGES = {"portal:settings-schedule-delete", "portal:letter-group-pdf", "portal:letter-group-send"}
# Guardian pages outside the portal namespace (the agenda's); its staff pages are "agenda-staff:".
GUARDIAN_NAMESPACES = ("portal:", "agenda:")
# Text parameters of routes that also take an id.
TEXT_ARGUMENTS = {"target": "pupil", "field": "called_name"}
# With valid ids these routes still answer 404: no image file in the test storage.
NO_CONTENT_IN_TESTS = {
    "portal:dashboard-image",
    "staff:pupil-photo",
    "messaging:author-photo",
    "messaging:file",
    "conversations:file",
    "agenda:event-file",
}


@dataclass
class Route:
    name: str  # "namespace:name"
    route: str
    ids: list[str]
    texts: list[str]
    with_int: bool  # Django's `int` converter: any length gets through to the view


def _routes(patterns: list[URLPattern | URLResolver], namespace: str = "", prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner, route)
            continue
        converters = pattern.pattern.converters  # type: ignore[attr-defined]
        ids = [name for name, conv in converters.items() if isinstance(conv, ObjectIdConverter | IntConverter)]
        if ids and pattern.name:
            texts = [name for name in converters if name not in ids]
            with_int = any(isinstance(conv, IntConverter) for conv in converters.values())
            yield Route(f"{namespace}{pattern.name}", route, ids, texts, with_int)


def id_routes() -> list[Route]:
    return [r for r in _routes(get_resolver().url_patterns) if not r.name.startswith("admin:")]


class ObjectIdConverterTests(SchoolTestCase):
    def test_ids_parse_only_within_the_64_bit_range(self) -> None:
        self.assertEqual(parse_object_id("42"), 42)
        self.assertEqual(parse_object_id(str(MAX_OBJECT_ID)), MAX_OBJECT_ID)
        for value in (str(MAX_OBJECT_ID + 1), "9" * 23, "", "-1", "4.2", "١٢", " ", "12a"):
            self.assertIsNone(parse_object_id(value), value)

    def test_every_product_route_takes_ids_through_the_id_converter(self) -> None:
        with_int = [route.route for route in id_routes() if route.with_int]
        self.assertEqual(with_int, [], "use <id:...> for object ids: <int:...> lets any length through")


class HugeIdsAnswer404Tests(SchoolTestCase):
    valid: dict[str, int]
    removable_test_id: int
    standardised_test_id: int
    group_batch_id: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for module in Module.values:
            enable_module(cls.school, module, replies_allowed=True, show_addresses=True, show_contact=True)
        day = dt.date(2026, 10, 5)
        report = rd.report(cls.sam, cls.year, "Rapport 1", locked=True)
        curriculum = rd.curriculum(cls.sam, cls.year, "Blok 1", "8.0").test
        curriculum.group = cls.group3
        curriculum.save()
        cls.valid = {
            "pupil_id": cls.sam.pk,
            "group_id": cls.group3.pk,
            "school_id": cls.school.pk,
            "absence_id": rd.absence(cls.sam, cls.year, day, rd.reason(cls.school)).pk,
            "reason_id": rd.reason(cls.school, "Ziek").pk,
            "note_id": rd.note(cls.sam, cls.year, "Lezen", day, rd.category(cls.school)).pk,
            "category_id": rd.category(cls.school, published=False).pk,
            "plan_id": rd.plan(cls.sam, "Leesplan", day).pk,
            "activity_id": rd.activity(cls.school, "Ouderavond", True).pk,
            "news_id": rd.news(cls.school, "Nieuws", day).pk,
            "test_id": curriculum.pk,
            "report_id": report.pk,
            "period_id": report.period_id,
            "object_id": cls.sam.pk,
            "guardianship_id": Guardianship.objects.get(guardian=cls.paula.record, pupil=cls.sam).pk,
            "contact_id": EmergencyContact.objects.get(pupil=cls.sam).pk,
            "schedule_id": ModuleSchedule.objects.create(
                school=cls.school, module=Module.NOTES, enabled=True, starts_on=dt.date(2030, 1, 1)
            ).pk,
            "mail_id": OutgoingMail.objects.create(
                to="x@test.nl", subject="Hallo", body="x", school_id=cls.school.pk
            ).pk,
            "batch_id": InvitationBatch.objects.create(
                school=cls.school, created_by=cls.ada.user, client_key="0" * 32
            ).pk,
            # School set-up (sis.setup): a branch, a lesson of the group above, a year, a teacher.
            "branch_id": Branch.objects.create(school=cls.school, name="Dependance").pk,
            "entry_id": TimetableEntry.objects.create(
                group=cls.group3, weekday=1, start_time=dt.time(8, 30), end_time=dt.time(10), subject="Rekenen"
            ).pk,
            "year_id": cls.year.pk,
            "staff_id": cls.tess.record.pk,
            "upload_id": SyncUpload.objects.create(school=cls.school, created_by=cls.ada.user).pk,
            "correction_id": CorrectionRequest.objects.create(
                school=cls.school,
                pupil=cls.sam,
                target=CorrectionRequest.Target.PUPIL,
                object_id=cls.sam.pk,
                field_name="called_name",
                proposed_value="Sammy",
                requested_by=cls.paula.user,
            ).pk,
            "notification_id": Notification.objects.create(
                recipient=cls.ada.account, kind=NotificationKind.PORTAL, title="Nieuw plan"
            ).pk,
            # A leave request of Paula's with an attachment: the principal's and her own download.
            "leave_id": LeaveRequest.objects.create(
                school=cls.school,
                pupil=cls.sam,
                requested_by=cls.paula.user,
                first_day=day,
                last_day=day,
                reason="Bruiloft",
                school_days=1,
                attachment=b"%PDF-1.4\n%%EOF",
                attachment_type="application/pdf",
                attachment_name="brief.pdf",
            ).pk,
            # Messaging: a group's space, a teacher's announcement in it, a kind of post of the school.
            "space_id": cls.group3.space.pk,
            "post_id": (posted := announcement(cls.tess, cls.group3.space)).pk,
            "file_id": Attachment.objects.create(
                post=posted,
                file=StoredFile.objects.create(
                    school=cls.school, kind="image", original_name="a.jpg", content_type="image/jpeg", size=1
                ),
            ).file_id,
            "kind_id": PostKind.objects.filter(school=cls.school).first().pk,  # type: ignore[union-attr]
            # The route walk uses the administrator for every route outside the portal: his device.
            "question_id": ConsentQuestion.objects.create(school=cls.school, text="Foto's in de app?").pk,
            "subscription_id": PushSubscription.objects.create(
                account=cls.ada.user, endpoint="https://fcm.googleapis.com/fcm/send/x", p256dh="x", auth="x"
            ).pk,
            # Conversations: the administrator's group conversation (so it can be left) in group 3
            # (whose space is the `space_id` above).
            "conversation_id": start_conversation(
                cls.ada.user,
                cls.group3.space,
                teachers=True,
                people=[cls.paula.user],
                title="Ouderavond",
                body="Hallo",
                client_id=uuid.uuid4(),
            ).pk,
        }
        # A group's app invitation (MSG-8) is shown under its own group only.
        cls.group_batch_id = InvitationBatch.objects.create(
            school=cls.school, group=cls.group3, created_by=cls.ada.user, client_key="1" * 32
        ).pk
        # A photo row of that conversation (no bytes in the test storage, hence NO_CONTENT_IN_TESTS).
        photo = StoredFile.objects.create(
            school=cls.school, kind=StoredFile.Kind.IMAGE, original_name="foto.jpg", content_type="image/jpeg", size=1
        )
        ConversationAttachment.objects.create(
            message=Message.objects.get(conversation_id=cls.valid["conversation_id"]), file=photo
        )
        cls.valid["file_id"] = photo.pk
        # The agenda: an event of Sam's group, a conference round with Paula's booking, an import.
        agenda = agenda_objects(cls)
        cls.valid.update(agenda)
        cls.standardised_test_id = rd.standardised(cls.sam, cls.year, "Cito M3").test_id
        # Only its creator may remove a test, and only while it has no results.
        cls.removable_test_id = StandardisedTest.objects.create(
            school=cls.school, year=cls.year, name="Cito M4", date=day, created_by=cls.ada.user
        ).pk

    def setUp(self) -> None:
        self.clients: dict[int, Client] = {}

    def persona_for(self, route: Route) -> Persona:
        if route.name.startswith(GUARDIAN_NAMESPACES) and route.name not in PORTAL_STAFF_PAGES:
            return self.paula
        return self.ada  # application administrator of the whole school: every staff page is his

    def client_for(self, persona: Persona) -> Client:
        if persona.account.pk in self.clients:
            return self.clients[persona.account.pk]
        client = self.clients[persona.account.pk] = Client()
        if persona.account.is_staff_member:
            verified_login(client, persona.account)
        else:
            client.force_login(persona.account)
        return client

    def valid_id(self, route: Route, name: str) -> str:
        if route.name == "records:standardised-entry" and name == "test_id":
            return str(self.standardised_test_id)
        if route.name == "records:standardised-test-delete" and name == "test_id":
            return str(self.removable_test_id)
        if route.name == "staff:group-invite-batch" and name == "batch_id":
            return str(self.group_batch_id)
        self.assertIn(name, self.valid, f"{route.name}: give `{name}` a valid id in setUpTestData")
        return str(self.valid[name])

    def url(self, route: Route, ids: dict[str, str]) -> str:
        # Built by hand: reverse() would refuse the ids the converter does not accept.
        path = "/" + route.route
        for name in route.ids:
            path = path.replace(f"<id:{name}>", ids[name]).replace(f"<int:{name}>", ids[name])
        for name in route.texts:
            path = path.replace(f"<str:{name}>", TEXT_ARGUMENTS[name])
        return path

    def test_the_walk_finds_the_object_routes_of_every_app(self) -> None:
        names = {route.name for route in id_routes()}
        for expected in ("portal:dashboard-image", "staff:pupil", "records:note-detail", "staff:outbox-mail"):
            self.assertIn(expected, names)

    def test_the_personas_reach_every_route_with_valid_ids(self) -> None:
        # Otherwise a 404 below could come from a closed door instead of the lookup.
        for route in id_routes():
            if route.name in NO_CONTENT_IN_TESTS:
                continue
            client = self.client_for(self.persona_for(route))
            url = self.url(route, {name: self.valid_id(route, name) for name in route.ids})
            self.assertNotEqual(client.get(url).status_code, 404, f"{route.name} {url}")

    def test_every_route_answers_404_to_ids_no_row_can_have(self) -> None:
        for route in id_routes():
            client = self.client_for(self.persona_for(route))
            for huge in HUGE_IDS:
                cases = [dict.fromkeys(route.ids, huge)]
                if len(route.ids) > 1:  # each id alone too, so every lookup meets it
                    cases += [
                        {n: huge if n == name else self.valid_id(route, n) for n in route.ids} for name in route.ids
                    ]
                for ids in cases:
                    url = self.url(route, ids)
                    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
                    self.assertIn(404, statuses.values(), f"{route.name} {url} {statuses}")
                    # The other method may be refused (405) or sent to the form's page (302).
                    self.assertLessEqual(set(statuses.values()), {302, 404, 405}, f"{route.name} {url} {statuses}")


def _product_forms() -> list[type[BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(schoolbrug.__path__, "schoolbrug."):
        if ".tests" in module_info.name or ".forms" not in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        found += [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, BaseForm) and obj.__module__ == module.__name__
        ]
    return found


class IdsInFormsAndQueryStringsTests(SchoolTestCase):
    def setUp(self) -> None:
        verified_login(self.client, self.ada.user)

    def test_a_chosen_row_past_64_bits_is_a_form_error(self) -> None:
        huge = HUGE_IDS[0]
        posts = [
            (reverse("records:news-new"), "groups"),
            (reverse("records:activity-new"), "groups"),
            (reverse("records:group-absence-new", args=[self.group3.pk]), "pupils"),
        ]
        for url, field in posts:
            response = self.client.post(url, {field: [huge]})
            self.assertEqual(response.status_code, 200, url)  # the form again, with its errors
            codes = [error.code for error in response.context["form"].errors.as_data()[field]]
            self.assertEqual(codes, ["invalid_pk_value"], url)

    def test_ticked_guardians_past_64_bits_are_left_out(self) -> None:
        for name in ("staff:guardian-accounts-confirm", "staff:guardian-accounts-send"):
            data = {"guardian": [HUGE_IDS[0], HUGE_IDS[1]], "client_key": "0" * 32}
            response = self.client.post(reverse(name), data)
            self.assertEqual(response.status_code, 302, name)  # back to the overview: nobody was chosen
        self.assertFalse(InvitationBatch.objects.exists())

    def test_query_string_ids_past_64_bits_are_404_or_ignored(self) -> None:
        for url in (
            reverse("records:absences"),
            reverse("records:tests"),
            reverse("staff:group", args=[self.group3.pk]),
            reverse("records:news"),
            reverse("staff:guardian-accounts"),
        ):
            for parameter in ("year", "group"):
                status = self.client.get(url, {parameter: HUGE_IDS[0]}).status_code
                self.assertIn(status, (200, 404), f"{url}?{parameter}")

    def test_every_multiple_choice_of_rows_refuses_impossible_ids(self) -> None:
        forms = _product_forms()
        self.assertTrue(forms)
        unsafe = [
            f"{form.__module__}.{form.__name__}.{name}"
            for form in forms
            for name, field in form.base_fields.items()  # type: ignore[attr-defined]
            if isinstance(field, ModelMultipleChoiceField) and not isinstance(field, ModelMultipleIdChoiceField)
        ]
        self.assertEqual(unsafe, [], "use schoolbrug.core.forms.ModelMultipleIdChoiceField")
