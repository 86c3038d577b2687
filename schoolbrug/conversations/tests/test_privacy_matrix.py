"""Every conversation route against every persona: a conversation or space that exists but is
another family's or another school's answers 404 on GET and POST, the same as a missing one."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.conversations import services
from schoolbrug.conversations.models import Conversation, Message
from schoolbrug.sis.testing import Persona, SchoolTestCase

from .helpers import add_second_family, group_settings, with_teachers

CONVERSATION_ROUTES = ("detail", "send", "updates", "leave", "pause")
SPACE_ROUTES = ("start-in-space", "group-settings", "families")


class PrivacyMatrixTests(SchoolTestCase):
    mira: Persona
    group_chat: Conversation
    otto_chat: Conversation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_second_family(cls)
        group_settings(cls.group3.space, guardians_may_start_with_each_other=True).contact_parents.add(
            cls.paula.account
        )
        # Paula's group conversation with Dirk (so it can be left) and the teachers of group 3.
        cls.group_chat = services.start_conversation(
            cls.paula.account,
            cls.group3.space,
            teachers=True,
            people=[cls.dirk.account],
            title="Verjaardag",
            body="Trakteren?",
            client_id=uuid.uuid4(),
        )
        # Otto's conversation in another group.
        cls.otto_chat = with_teachers(cls.otto, cls.group5.space, "Olivia is ziek")

    def client_for(self, persona: Persona) -> Client:
        client = Client()
        if persona.account.is_staff_member:
            verified_login(client, persona.account)
        else:
            client.force_login(persona.account)
        return client

    def assert_hidden(self, persona: Persona, urls: list[str]) -> None:
        client = self.client_for(persona)
        for url in urls:
            get = client.get(url).status_code
            post = client.post(url, {"body": "x", "client_id": str(uuid.uuid4()), "confirm": "yes"}).status_code
            self.assertIn(404, {get, post}, f"{persona.account} {url}")
            self.assertLessEqual({get, post}, {404, 405}, f"{persona.account} {url}")

    def conversation_urls(self, conversation_id: int) -> list[str]:
        return [reverse(f"conversations:{name}", args=[conversation_id]) for name in CONVERSATION_ROUTES]

    def test_another_familys_conversation_is_hidden_from_every_other_guardian_and_school(self) -> None:
        for persona in (self.mira, self.otto, self.gerda, self.lars, self.wim):
            self.assert_hidden(persona, self.conversation_urls(self.group_chat.pk))
        for persona in (self.paula, self.dirk, self.mira, self.tess, self.wim):
            self.assert_hidden(persona, self.conversation_urls(self.otto_chat.pk))
        self.assertEqual(Message.objects.count(), 2)

    def test_the_participants_reach_it(self) -> None:
        for persona in (self.paula, self.dirk, self.tess):
            client = self.client_for(persona)
            for name in ("detail", "updates", "leave"):
                url = reverse(f"conversations:{name}", args=[self.group_chat.pk])
                self.assertEqual(client.get(url).status_code, 200, f"{persona.account} {name}")

    def test_another_groups_or_schools_space_is_hidden(self) -> None:
        group5 = [reverse(f"conversations:{name}", args=[self.group5.space.pk]) for name in SPACE_ROUTES]
        elsewhere = [reverse(f"conversations:{name}", args=[self.other_group.space.pk]) for name in SPACE_ROUTES]
        for persona in (self.paula, self.mira, self.lars):
            self.assert_hidden(persona, group5 + elsewhere)
        self.assert_hidden(self.tess, elsewhere)
        # Guardians never change a group's rules nor start its family conversations.
        own = [reverse(f"conversations:{name}", args=[self.group3.space.pk]) for name in SPACE_ROUTES[1:]]
        self.assert_hidden(self.paula, own)

    def test_no_other_guardians_phone_or_email_on_any_page(self) -> None:
        client = self.client_for(self.dirk)
        pages = [
            reverse("conversations:list"),
            reverse("conversations:detail", args=[self.group_chat.pk]),
            reverse("conversations:start-in-space", args=[self.group3.space.pk]),
        ]
        for url in pages:
            content = client.get(url).content.decode()
            for secret in ("06 11111111", "paula@test.nl", "06 44444444", "mira@test.nl"):
                self.assertNotIn(secret, content, url)
