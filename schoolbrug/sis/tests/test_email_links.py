"""One rule for every link in e-mail (docs/decisions/0010-links-in-email.md): invitations from
the family page, bulk invitations sent by the task worker and password resets all follow
SCHOOLBRUG_BASE_URL when it is set, else the address the administrator or guardian used, and
their raw messages carry the link whole."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from typing import Any

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.models import Guardian, Guardianship
from schoolbrug.sis.testing import SchoolTestCase, link

HOST = "localhost:8123"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ACTIVATION = re.compile(r"\S+/accounts/activate/[A-Za-z0-9_-]+/")
RESET = re.compile(r"\S+/accounts/password/reset/\S+/")


def only_link(pattern: re.Pattern[str], message: Any) -> str:
    links = pattern.findall(message.body)
    assert len(links) == 1, message.body
    return str(links[0])


def raw_bytes(message: Any) -> bytes:
    return bytes(message.message(policy=email.policy.SMTP).as_bytes())


@override_settings(SCHOOLBRUG_BASE_URL="", TASKS=IMMEDIATE)
class LinksFollowTheRequestTests(SchoolTestCase):
    def setUp(self) -> None:
        self.client.defaults["HTTP_HOST"] = HOST
        self.mila = Guardian.objects.create(
            school=self.school, first_name="Mila", last_name="Vries", email="mila@test.nl", language="nl"
        )
        link(self.mila, self.olivia, "mother")

    def invite_from_the_family_page(self) -> Any:
        verified_login(self.client, self.ada.user)
        guardianship = Guardianship.objects.get(pupil=self.sam, guardian=self.dirk.record)
        url = reverse("staff:guardianship-edit", args=[self.sam.pk, guardianship.pk])
        page = self.client.get(url)
        data: dict[str, Any] = {}
        for form in (page.context["guardian_form"], page.context["relation_form"]):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if isinstance(value, bool):
                    if value:
                        data[form.add_prefix(name)] = "on"
                else:
                    data[form.add_prefix(name)] = "" if value is None else value
        data |= {"invitation_key": page.context["invitation_key"], "send_invitation": "1"}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, data)
        [message] = mail.outbox
        return message

    def test_an_invitation_links_to_the_address_the_administrator_uses(self) -> None:
        message = self.invite_from_the_family_page()
        url = only_link(ACTIVATION, message)
        self.assertTrue(url.startswith(f"http://{HOST}/accounts/activate/"), url)
        data = raw_bytes(message)
        self.assertIn(url.encode(), data)
        self.assertIn(b"Content-Transfer-Encoding: 8bit", data)
        self.assertNotIn(b"quoted-printable", data)

    def test_a_bulk_invitation_sent_by_the_worker_uses_the_address_captured_at_enqueue(self) -> None:
        verified_login(self.client, self.ada.user)
        data = {"guardian": [self.mila.pk], "client_key": str(uuid.uuid4())}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("staff:guardian-accounts-send"), data)
        [message] = mail.outbox
        url = only_link(ACTIVATION, message)
        self.assertTrue(url.startswith(f"http://{HOST}/accounts/activate/"), url)
        self.assertIn(url.encode(), raw_bytes(message))

    def test_a_password_reset_links_to_the_same_address(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("accounts:password-reset"), {"email": "paula@test.nl"})
        [message] = mail.outbox
        url = only_link(RESET, message)
        self.assertTrue(url.startswith(f"http://{HOST}/accounts/password/reset/"), url)
        data = raw_bytes(message)
        self.assertIn(url.encode(), data)
        self.assertNotIn(b"quoted-printable", data)
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        self.assertIn(url, parsed.get_content())  # type: ignore[attr-defined]


@override_settings(SCHOOLBRUG_BASE_URL="https://schoolbrug.example.nl", TASKS=IMMEDIATE)
class ConfiguredAddressTests(SchoolTestCase):
    def setUp(self) -> None:
        self.client.defaults["HTTP_HOST"] = HOST

    def test_every_link_uses_the_configured_address_whatever_the_request(self) -> None:
        verified_login(self.client, self.ada.user)
        data = {"guardian": [self.dirk.record.pk], "client_key": str(uuid.uuid4())}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("staff:guardian-accounts-send"), data)
            self.client.post(reverse("accounts:password-reset"), {"email": "paula@test.nl"})
        invitation, reset = sorted(mail.outbox, key=lambda m: m.to[0])
        self.assertTrue(only_link(ACTIVATION, invitation).startswith("https://schoolbrug.example.nl/accounts/"))
        self.assertTrue(only_link(RESET, reset).startswith("https://schoolbrug.example.nl/accounts/"))


@override_settings(SCHOOLBRUG_BASE_URL="")
class CapturedAtEnqueueTests(SchoolTestCase):
    def test_the_queued_task_carries_the_request_address(self) -> None:
        self.client.defaults["HTTP_HOST"] = HOST
        verified_login(self.client, self.ada.user)
        data = {"guardian": [self.dirk.record.pk], "client_key": str(uuid.uuid4())}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("staff:guardian-accounts-send"), data)
        task = DBTaskResult.objects.get()
        self.assertEqual(task.args_kwargs["kwargs"], {"base_url": f"http://{HOST}"})
