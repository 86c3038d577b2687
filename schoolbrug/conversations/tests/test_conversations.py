"""Conversations over HTTP: who sees what, the school's rules, bulk family threads, reading,
unread counts, paging, leaving, idempotent sending, limits, availability and query counts."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.conversations import services
from schoolbrug.conversations.models import MESSAGE_MAX, Conversation, Message, Participant, SchoolChatSettings
from schoolbrug.conversations.selectors import conversations_visible_to
from schoolbrug.media.models import StoredFile
from schoolbrug.media.testing import jpeg_upload, pdf_upload
from schoolbrug.messaging.models import Space
from schoolbrug.notifications.models import Notification, NotificationKind, QuietHours
from schoolbrug.sis.models import GroupStaff, Pupil
from schoolbrug.sis.testing import Persona, SchoolTestCase, link, make_guardian_account, make_pupil, make_staff_account

from .helpers import add_second_family, group_settings, say, with_teachers


class ConversationTestCase(SchoolTestCase):
    space3: Space
    noor: Pupil
    mira: Persona

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_second_family(cls)
        cls.space3 = cls.group3.space

    def login(self, persona: Persona) -> Client:
        client = Client()
        if persona.account.is_staff_member:
            verified_login(client, persona.account)
        else:
            client.force_login(persona.account)
        return client


class VisibilityTests(ConversationTestCase):
    def test_a_participant_sees_the_conversation_and_others_get_404_on_every_route(self) -> None:
        conversation = with_teachers(self.paula, self.space3)
        self.assertEqual(
            self.login(self.paula).get(reverse("conversations:detail", args=[conversation.pk])).status_code, 200
        )
        self.assertEqual(
            self.login(self.tess).get(reverse("conversations:detail", args=[conversation.pk])).status_code, 200
        )
        for outsider in (self.mira, self.dirk, self.otto, self.wim, self.pim):
            client = self.login(outsider)
            for name in ("detail", "send", "updates", "leave", "pause"):
                url = reverse(f"conversations:{name}", args=[conversation.pk])
                statuses = {
                    client.get(url).status_code,
                    client.post(url, {"body": "x", "client_id": uuid.uuid4()}).status_code,
                }
                self.assertIn(404, statuses, f"{outsider.account} {name}")
                self.assertLessEqual(statuses, {404, 405}, f"{outsider.account} {name}")
        self.assertEqual(Message.objects.filter(conversation=conversation).count(), 1)

    def test_the_teachers_of_the_group_are_resolved_when_asked(self) -> None:
        conversation = with_teachers(self.paula, self.space3)
        newcomer = make_staff_account(self.school, "nina@test.nl", "Nina", "Nieuw")
        self.assertFalse(conversations_visible_to(newcomer.account).filter(pk=conversation.pk).exists())
        GroupStaff.objects.create(group=self.group3, staff_member=newcomer.record)
        self.assertTrue(conversations_visible_to(newcomer.account).filter(pk=conversation.pk).exists())
        say(self.paula.account, conversation, "Wie is er vandaag?")
        self.assertTrue(
            Notification.objects.filter(recipient=newcomer.account, kind=NotificationKind.CONVERSATION).exists()
        )
        GroupStaff.objects.filter(staff_member=self.tess.record).delete()
        self.assertFalse(conversations_visible_to(self.tess.account).filter(pk=conversation.pk).exists())

    def test_a_guardian_who_loses_the_access_right_loses_the_conversation(self) -> None:
        conversation = with_teachers(self.paula, self.space3)
        self.paula.record.guardianships.update(portal_access=False)
        self.assertFalse(conversations_visible_to(self.paula.account).filter(pk=conversation.pk).exists())


class StartingTests(ConversationTestCase):
    def start(self, persona: Persona, **data: object) -> HttpResponseBase:
        payload = {"body": "Hallo", "client_id": str(uuid.uuid4()), **data}
        return self.login(persona).post(reverse("conversations:start-in-space", args=[self.space3.pk]), payload)

    def test_a_guardian_starts_a_conversation_with_the_teachers_of_the_group(self) -> None:
        response = self.start(self.paula, teachers="on")
        conversation = Conversation.objects.get()
        self.assertRedirects(response, reverse("conversations:detail", args=[conversation.pk]))
        self.assertEqual(conversation.teachers_of, self.group3)
        self.assertEqual(conversation.kind, Conversation.Kind.DIRECT)

    def test_a_start_the_group_does_not_allow_is_refused_with_a_clear_error(self) -> None:
        group_settings(self.space3, guardians_may_start_with_teacher=False)
        response = self.start(self.paula, teachers="on")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Conversation.objects.exists())
        # Guardians reaching each other is off by default: nothing is left to start.
        response = self.start(self.paula, people=[self.mira.account.pk])
        self.assertContains(response, "start-not-allowed")
        self.assertFalse(Conversation.objects.exists())
        self.assertContains(
            self.login(self.paula).get(reverse("conversations:start-in-space", args=[self.space3.pk])),
            "start-not-allowed",
        )

    def test_guardians_reach_each_other_when_allowed_without_seeing_phone_or_email(self) -> None:
        group_settings(self.space3, guardians_may_start_with_each_other=True)
        page = self.login(self.paula).get(reverse("conversations:start-in-space", args=[self.space3.pk]))
        self.assertContains(page, "Mira Jansen")
        for secret in ("mira@test.nl", "06 44444444"):
            self.assertNotContains(page, secret)
        self.start(self.paula, people=[self.mira.account.pk])
        conversation = Conversation.objects.get()
        for persona in (self.paula, self.mira):
            page = self.login(persona).get(reverse("conversations:detail", args=[conversation.pk]))
            self.assertEqual(page.status_code, 200)
            for secret in ("mira@test.nl", "06 44444444", "paula@test.nl", "06 11111111"):
                self.assertNotContains(page, secret)

    def test_only_contact_parents_start_group_conversations_among_guardians(self) -> None:
        rules = group_settings(self.space3, guardians_may_start_with_each_other=True)
        several = [self.mira.account.pk, self.dirk.account.pk]
        response = self.start(self.paula, people=several)
        self.assertContains(response, "Alleen contactouders")
        self.assertFalse(Conversation.objects.exists())
        rules.contact_parents.add(self.paula.account)
        self.start(self.paula, people=several, title="Hulp bij de excursie")
        self.assertEqual(Conversation.objects.get().kind, Conversation.Kind.GROUP)

    def test_a_guardian_of_another_group_is_no_choice(self) -> None:
        group_settings(self.space3, guardians_may_start_with_each_other=True)
        response = self.start(self.paula, people=[self.otto.account.pk])
        self.assertContains(response, "field-error")
        self.assertFalse(Conversation.objects.exists())

    def test_a_space_of_another_family_or_school_is_404(self) -> None:
        for space in (self.group5.space, self.other_group.space):
            url = reverse("conversations:start-in-space", args=[space.pk])
            self.assertEqual(self.login(self.paula).get(url).status_code, 404)


class FamilyConversationTests(ConversationTestCase):
    def test_one_per_pupil_with_both_guardians_and_the_group_teachers_and_again_adds_nothing(self) -> None:
        client = self.login(self.tess)
        url = reverse("conversations:families", args=[self.space3.pk])
        self.assertContains(client.get(url), "confirm")
        client.post(url, {"confirm": "yes"})
        made = Conversation.objects.filter(kind=Conversation.Kind.FAMILY)
        self.assertEqual(sorted(c.pupil_id for c in made), sorted([self.sam.pk, self.noor.pk]))
        sam = made.get(pupil=self.sam)
        members = set(Participant.objects.filter(conversation=sam).values_list("account_id", flat=True))
        self.assertEqual(members, {self.paula.account.pk, self.dirk.account.pk})  # not Gerda: no access right
        self.assertEqual(sam.teachers_of, self.group3)
        self.assertTrue(conversations_visible_to(self.tess.account).filter(pk=sam.pk).exists())
        self.assertEqual(services.create_family_conversations(self.tess.account, self.space3), 0)

    def test_one_per_household_when_the_school_says_so(self) -> None:
        SchoolChatSettings.objects.create(school=self.school, family_split=SchoolChatSettings.FamilySplit.PER_HOUSEHOLD)
        services.create_family_conversations(self.tess.account, self.space3)
        sams = Conversation.objects.filter(pupil=self.sam)
        self.assertEqual(sams.count(), 2)
        for conversation in sams:
            self.assertEqual(Participant.objects.filter(conversation=conversation).count(), 1)

    def test_a_fixed_number_of_queries_however_large_the_group(self) -> None:
        def run() -> int:
            Conversation.objects.all().delete()
            teacher = Account.objects.get(pk=self.tess.account.pk)  # nothing cached from an earlier run
            with self.assertNumQueries(self.expected) as context:
                services.create_family_conversations(teacher, self.space3)
            return len(context.captured_queries)

        self.expected = 10
        run()
        for n in range(4):
            pupil = make_pupil(self.school, f"Kind{n}", "Extra", self.group3)
            link(make_guardian_account(self.school, f"g{n}@test.nl", "G", f"{n}").record, pupil, "mother")
        run()
        self.assertEqual(Conversation.objects.count(), 6)

    def test_only_the_group_teacher_or_communication_admin_may(self) -> None:
        url = reverse("conversations:families", args=[self.space3.pk])
        for persona in (self.pim, self.paula):
            self.assertEqual(self.login(persona).post(url, {"confirm": "yes"}).status_code, 404)
        self.pim.record.is_communication_admin = True
        self.pim.record.save()
        self.assertEqual(self.login(self.pim).post(url, {"confirm": "yes"}).status_code, 302)


class GroupSettingsTests(ConversationTestCase):
    def test_the_group_teacher_changes_them_others_get_404(self) -> None:
        url = reverse("conversations:group-settings", args=[self.space3.pk])
        for persona in (self.pim, self.paula, self.otto, self.wim):
            self.assertEqual(self.login(persona).get(url).status_code, 404)
        response = self.login(self.tess).post(
            url, {"guardians_may_start_with_each_other": "on", "contact_parents": [self.mira.account.pk]}
        )
        self.assertEqual(response.status_code, 302)
        rules = self.space3.chat_settings
        self.assertFalse(rules.guardians_may_start_with_teacher)
        self.assertTrue(rules.guardians_may_start_with_each_other)
        self.assertEqual(list(rules.contact_parents.all()), [self.mira.account])

    def test_a_contact_parent_must_be_a_guardian_of_the_group(self) -> None:
        url = reverse("conversations:group-settings", args=[self.space3.pk])
        response = self.login(self.tess).post(url, {"contact_parents": [self.otto.account.pk]})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(hasattr(self.space3, "chat_settings") and self.space3.chat_settings.pk)


class MessagingTests(ConversationTestCase):
    def setUp(self) -> None:
        self.conversation = with_teachers(self.paula, self.space3, "Sam is ziek")

    def url(self, name: str) -> str:
        return reverse(f"conversations:{name}", args=[self.conversation.pk])

    def test_the_sender_sees_read_by_once_the_teacher_opened_it(self) -> None:
        paula = self.login(self.paula)
        self.assertContains(paula.get(self.url("detail")), "Verzonden")
        self.login(self.tess).get(self.url("detail"))
        page = paula.get(self.url("detail"))
        self.assertContains(page, "Gelezen door Tess Leraar")

    def test_unread_counts_in_the_list_until_opened(self) -> None:
        say(self.paula.account, self.conversation, "Nog iets")
        tess = self.login(self.tess)
        self.assertContains(tess.get(reverse("conversations:list")), f'data-testid="unread-{self.conversation.pk}"')
        self.assertContains(tess.get(reverse("conversations:list")), "2 ongelezen")
        tess.get(self.url("detail"))
        self.assertNotContains(tess.get(reverse("conversations:list")), "unread-")
        # His own messages are never unread to him.
        say(self.tess.account, self.conversation, "Beterschap!")
        self.assertNotContains(tess.get(reverse("conversations:list")), "unread-")
        self.assertContains(self.login(self.paula).get(reverse("conversations:list")), "1 ongelezen")

    def test_paging_back_through_history(self) -> None:
        for n in range(34):
            say(self.paula.account, self.conversation, f"Bericht {n}")
        page = self.login(self.tess).get(self.url("detail"))
        self.assertEqual(len(page.context["rows"]), 30)
        older = page.context["older_than"]
        self.assertIsNotNone(older)
        back = self.login(self.tess).get(self.url("detail"), {"before": older})
        bodies = [row["message"].body for row in back.context["rows"]]
        self.assertEqual(bodies, ["Sam is ziek", "Bericht 0", "Bericht 1", "Bericht 2", "Bericht 3"])
        self.assertIsNone(back.context["older_than"])

    def test_sending_twice_with_one_client_id_stores_one_message(self) -> None:
        client = self.login(self.paula)
        data = {"body": "Dubbel geklikt", "client_id": str(uuid.uuid4())}
        client.post(self.url("send"), data)
        response = client.post(self.url("send"), data, headers={"Accept": "application/json"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Message.objects.filter(body="Dubbel geklikt").count(), 1)
        self.assertEqual(response.json()["id"], Message.objects.get(body="Dubbel geklikt").pk)
        self.assertEqual(Notification.objects.filter(recipient=self.tess.account).count(), 2)

    def test_a_message_over_the_limit_is_refused_and_nothing_stored(self) -> None:
        client = self.login(self.paula)
        response = client.post(self.url("send"), {"body": "x" * (MESSAGE_MAX + 1), "client_id": str(uuid.uuid4())})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "hoogstens", status_code=400)
        response = client.post(
            self.url("send"),
            {"body": "x" * (MESSAGE_MAX + 1), "client_id": str(uuid.uuid4())},
            headers={"Accept": "application/json"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("hoogstens", response.json()["error"])
        self.assertEqual(Message.objects.count(), 1)

    def test_paused_replies_refuse_guardians_but_not_staff(self) -> None:
        self.login(self.tess).post(self.url("pause"))
        self.conversation.refresh_from_db()
        self.assertTrue(self.conversation.replies_paused)
        response = self.login(self.paula).post(self.url("send"), {"body": "Mag ik?", "client_id": str(uuid.uuid4())})
        self.assertContains(response, "Reacties zijn in dit gesprek gepauzeerd", status_code=400)
        self.assertFalse(Message.objects.filter(body="Mag ik?").exists())
        self.assertEqual(self.login(self.paula).post(self.url("pause")).status_code, 404)
        say(self.tess.account, self.conversation, "Even geen reacties graag")

    def test_the_refresh_gives_newer_messages_and_read_marks(self) -> None:
        first = Message.objects.get()
        self.login(self.tess).get(self.url("detail"))
        later = say(self.tess.account, self.conversation, "Beterschap")
        data = self.login(self.paula).get(self.url("updates"), {"after": first.pk}).json()
        self.assertEqual([m["id"] for m in data["messages"]], [later.pk])
        self.assertEqual(data["reads"][0]["name"], "Tess Leraar")
        self.assertGreaterEqual(data["reads"][0]["up_to"], first.pk)

    def test_leaving_a_group_conversation(self) -> None:
        group_settings(self.space3, guardians_may_start_with_each_other=True, guardians_may_start_with_teacher=True)
        rules = self.space3.chat_settings
        rules.contact_parents.add(self.paula.account)
        group = services.start_conversation(
            self.paula.account,
            self.space3,
            teachers=False,
            people=[self.mira.account, self.dirk.account],
            title="Excursie",
            body="Wie rijdt?",
            client_id=uuid.uuid4(),
        )
        url = reverse("conversations:leave", args=[group.pk])
        mira = self.login(self.mira)
        self.assertContains(mira.get(url), "Dit gesprek verlaten?")
        self.assertRedirects(mira.post(url, {"confirm": "yes"}), reverse("conversations:list"))
        self.assertEqual(mira.get(reverse("conversations:detail", args=[group.pk])).status_code, 404)
        # A one-to-one conversation cannot be left.
        self.assertEqual(self.login(self.paula).post(self.url("leave"), {"confirm": "yes"}).status_code, 404)


class AvailabilityTests(ConversationTestCase):
    @time_machine.travel(dt.datetime(2026, 12, 5, 21, 0, tzinfo=dt.UTC))  # a Saturday evening
    def test_the_conversation_says_until_when_the_teacher_is_not_available_and_still_delivers(self) -> None:
        QuietHours.objects.filter(account=self.tess.account).delete()
        QuietHours.objects.bulk_create(
            QuietHours(account=self.tess.account, weekday=day, available=day == 0, start=dt.time(8), end=dt.time(17))
            for day in range(7)
        )
        conversation = with_teachers(self.paula, self.space3, "Vraagje")
        page = self.login(self.paula).get(reverse("conversations:detail", args=[conversation.pk]))
        self.assertContains(page, "Tess Leraar is niet bereikbaar tot maandag 08:00")
        notification = Notification.objects.get(recipient=self.tess.account, kind=NotificationKind.CONVERSATION)
        self.assertEqual(notification.text, "Vraagje")


class QueryCountTests(ConversationTestCase):
    def queries(self, url: str, client: Client) -> int:
        client.get(url)  # warm the session and caches the first request fills
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            self.assertEqual(client.get(url).status_code, 200)
        return len(context.captured_queries)

    def test_the_list_and_a_conversation_page_are_fixed_at_two_sizes(self) -> None:
        group_settings(self.space3, guardians_may_start_with_each_other=True)
        client = self.login(self.paula)
        first = with_teachers(self.paula, self.space3)
        small_list = self.queries(reverse("conversations:list"), client)
        small_page = self.queries(reverse("conversations:detail", args=[first.pk]), client)
        for n in range(6):
            other = with_teachers(self.paula, self.space3, f"Vraag {n}")
            say(self.tess.account, other, "Antwoord")
            say(self.tess.account, first, f"Antwoord {n}")
        services.start_conversation(
            self.paula.account,
            self.space3,
            teachers=False,
            people=[self.mira.account],
            title="",
            body="Hoi",
            client_id=uuid.uuid4(),
        )
        self.assertEqual(self.queries(reverse("conversations:list"), client), small_list)
        self.assertEqual(self.queries(reverse("conversations:detail", args=[first.pk]), client), small_page)


class AttachmentTests(ConversationTestCase):
    def setUp(self) -> None:
        self.conversation = with_teachers(self.paula, self.space3, "Kijk")

    def send(
        self, persona: Persona, conversation: Conversation, *files: object, client_id: str = ""
    ) -> HttpResponseBase:
        data = {"body": "", "client_id": client_id or str(uuid.uuid4()), "attachments": list(files)}
        return self.login(persona).post(reverse("conversations:send", args=[conversation.pk]), data)

    def test_photos_and_documents_are_served_only_to_participants(self) -> None:
        response = self.send(self.paula, self.conversation, jpeg_upload("tekening.jpg"), pdf_upload("brief.pdf"))
        self.assertEqual(response.status_code, 302)
        message = Message.objects.latest("id")
        photo, document = (a.file for a in message.attachments.all())
        url = reverse("conversations:file", args=[self.conversation.pk, photo.pk])
        shown = self.login(self.tess).get(url)
        self.assertEqual((shown.status_code, shown["Content-Type"]), (200, "image/jpeg"))
        self.assertEqual(self.login(self.tess).get(url, {"rendition": "thumbnail"}).status_code, 200)
        self.assertEqual(self.login(self.tess).get(url, {"rendition": "../x"}).status_code, 404)
        download = self.login(self.paula).get(reverse("conversations:file", args=[self.conversation.pk, document.pk]))
        self.assertIn("attachment", download["Content-Disposition"])
        for outsider in (self.mira, self.dirk, self.otto, self.wim):
            self.assertEqual(self.login(outsider).get(url).status_code, 404)
        # A file of this conversation asked through another one the person does see: 404.
        other = with_teachers(self.mira, self.space3, "Andere vraag")
        self.assertEqual(
            self.login(self.mira).get(reverse("conversations:file", args=[other.pk, photo.pk])).status_code, 404
        )
        page = self.login(self.tess).get(reverse("conversations:detail", args=[self.conversation.pk]))
        self.assertContains(page, "brief.pdf")
        self.assertContains(page, f"{url}?rendition=thumbnail")

    def test_photos_where_photos_are_off_are_refused_and_nothing_is_stored(self) -> None:
        rules = group_settings(self.space3, guardians_may_start_with_each_other=True, guardians_may_share_photos=False)
        rules.contact_parents.add(self.paula.account)
        group = services.start_conversation(
            self.paula.account,
            self.space3,
            teachers=True,
            people=[self.mira.account],
            title="Excursie",
            body="Wie rijdt?",
            client_id=uuid.uuid4(),
        )
        before = (Message.objects.count(), StoredFile.objects.count())
        response = self.send(self.mira, group, jpeg_upload(), pdf_upload())
        self.assertContains(response, "geen foto&#x27;s delen", status_code=400)
        self.assertEqual((Message.objects.count(), StoredFile.objects.count()), before)
        # Documents are still fine, and staff may share photos.
        self.assertEqual(self.send(self.mira, group, pdf_upload()).status_code, 302)
        self.assertEqual(self.send(self.tess, group, jpeg_upload()).status_code, 302)

    def test_a_file_that_is_not_a_photo_or_document_is_refused(self) -> None:
        fake = SimpleUploadedFile("foto.jpg", b"just text", content_type="image/jpeg")
        response = self.send(self.paula, self.conversation, fake)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(StoredFile.objects.count(), 0)

    def test_resending_with_files_stores_them_once(self) -> None:
        client_id = str(uuid.uuid4())
        self.send(self.paula, self.conversation, jpeg_upload(), client_id=client_id)
        self.send(self.paula, self.conversation, jpeg_upload(), client_id=client_id)
        self.assertEqual(StoredFile.objects.count(), 1)
        self.assertEqual(Message.objects.filter(conversation=self.conversation).count(), 2)


class SchoolSettingsTests(ConversationTestCase):
    def test_the_communication_administrator_chooses_one_conversation_per_household(self) -> None:
        url = reverse("conversations:school-settings")
        for persona in (self.tess, self.paula, self.pim):
            self.assertEqual(self.login(persona).post(url, {"family_split": "per_household"}).status_code, 404)
        self.assertFalse(SchoolChatSettings.objects.exists())
        response = self.login(self.ada).post(url, {"family_split": "per_household"})
        self.assertRedirects(response, url)
        self.assertEqual(SchoolChatSettings.objects.get(school=self.school).family_split, "per_household")
        self.assertEqual(self.login(self.ada).post(url, {"family_split": "nonsense"}).status_code, 200)
