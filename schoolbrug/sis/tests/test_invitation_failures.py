"""A mail server that refuses an invitation: the failure is shown, recorded and can be retried."""

from __future__ import annotations

import smtplib
import types
from collections.abc import Sequence
from typing import Any, ClassVar

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.guardian_accounts.batch_models import InvitationBatch, InvitationBatchItem
from schoolbrug.sis.guardian_accounts.batch_services import invitation_batch_resume, invitation_batch_run
from schoolbrug.sis.guardian_accounts.invitations import guardian_invite
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.testing import SchoolTestCase, build_personas

EN = {"accept-language": "en"}


class RefusingBackend(LocmemBackend):
    """Delivers like locmem, except to the addresses in `refused`, as a mail server that says no."""

    refused: ClassVar[set[str]] = set()

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            if set(message.recipients()) & self.refused:
                raise smtplib.SMTPRecipientsRefused({r: (550, b"mailbox unavailable") for r in message.recipients()})
        return super().send_messages(messages)


REFUSING = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}


def refuse(*addresses: str) -> None:
    RefusingBackend.refused = set(addresses)


@override_settings(MAILERS=REFUSING)
class SingleInvitationFailureTests(SchoolTestCase):
    def setUp(self) -> None:
        self.addCleanup(refuse)

    def test_a_refused_mail_is_reported_and_its_link_withdrawn_so_it_can_be_sent_again(self) -> None:
        refuse("dirk@test.nl")
        with self.captureOnCommitCallbacks(execute=True):
            outcome = guardian_invite(actor=self.ada.user, guardian=self.dirk.record, batch_key="single:abc")
        self.assertTrue(outcome.delivery.failed)
        self.assertIn("mailbox unavailable", outcome.delivery.error)
        self.assertEqual(mail.outbox, [])
        token = ActivationToken.objects.get()
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(token.batch_key, "")
        # The same form (same key) may try again: nothing was sent the first time.
        refuse()
        with self.captureOnCommitCallbacks(execute=True):
            again = guardian_invite(actor=self.ada.user, guardian=self.dirk.record, batch_key="single:abc")
        self.assertTrue(again.sent)
        self.assertFalse(again.delivery.failed)
        self.assertEqual([m.to for m in mail.outbox], [["dirk@test.nl"]])


@override_settings(MAILERS=REFUSING)
class FamilyPageFailureTests(TransactionTestCase):
    """A real commit (no test transaction around the request), as in production."""

    def setUp(self) -> None:
        self.addCleanup(refuse)
        self.p = types.SimpleNamespace()
        build_personas(self.p)

    def test_the_page_says_the_mail_could_not_be_sent(self) -> None:
        p = self.p
        refuse("dirk@test.nl")
        guardianship = Guardianship.objects.get(pupil=p.sam, guardian=p.dirk.record)
        url = reverse("staff:guardianship-edit", args=[p.sam.pk, guardianship.pk])
        verified_login(self.client, p.ada.user)
        form = self.client.get(url)
        data: dict[str, Any] = {"invitation_key": form.context["invitation_key"], "send_invitation": "1"}
        for bound in (form.context["guardian_form"], form.context["relation_form"]):
            for name, field in bound.fields.items():
                value = bound.initial.get(name, field.initial)
                if isinstance(value, bool):
                    if value:
                        data[bound.add_prefix(name)] = "on"
                else:
                    data[bound.add_prefix(name)] = "" if value is None else value
        response = self.client.post(url, data, headers=EN)
        self.assertEqual(response.status_code, 302)
        texts = [(m.level_tag, str(m)) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
        self.assertNotIn(("success", "The login details have been sent to dirk@test.nl."), texts)
        [error] = [text for tag, text in texts if tag == "error"]
        self.assertTrue(error.startswith("The e-mail with the login details could not be sent"), error)
        self.assertEqual(mail.outbox, [])


@override_settings(MAILERS=REFUSING)
class BatchFailureTests(SchoolTestCase):
    def setUp(self) -> None:
        self.addCleanup(refuse)
        self.batch = InvitationBatch.objects.create(
            school=self.school, created_by=self.ada.user, client_key="00000000-0000-0000-0000-000000000001", total=2
        )
        for persona in (self.paula, self.dirk):
            InvitationBatchItem.objects.create(batch=self.batch, guardian=persona.record)

    def run_batch(self) -> InvitationBatch:
        with self.captureOnCommitCallbacks(execute=True):
            invitation_batch_run(batch_id=self.batch.pk)
        self.batch.refresh_from_db()
        return self.batch

    def states(self) -> dict[str, tuple[str, str]]:
        items = InvitationBatchItem.objects.filter(batch=self.batch).select_related("guardian")
        return {i.guardian.email: (i.state, i.reason) for i in items}

    def test_a_refused_mail_is_a_failed_item_with_the_reason_and_resume_retries_only_those(self) -> None:
        refuse("dirk@test.nl")
        batch = self.run_batch()
        self.assertEqual((batch.sent_count, batch.skipped_count, batch.failed_count), (1, 0, 1))
        states = self.states()
        self.assertEqual(states["paula@test.nl"], ("sent", ""))
        self.assertEqual(states["dirk@test.nl"][0], "failed")
        self.assertIn("mailbox unavailable", states["dirk@test.nl"][1])
        self.assertEqual([m.to for m in mail.outbox], [["paula@test.nl"]])

        # The batch page lists the failed guardian and offers to send again.
        verified_login(self.client, self.ada.user)
        page = self.client.get(reverse("staff:guardian-accounts-batch", args=[batch.pk]), headers=EN)
        self.assertContains(page, 'data-testid="failed"')
        self.assertContains(page, f'data-guardian="{self.dirk.record.pk}"')
        self.assertContains(page, "mailbox unavailable")
        self.assertContains(page, "resume-batch")

        refuse()
        with self.captureOnCommitCallbacks(execute=True):
            invitation_batch_resume(actor=self.ada.user, batch=batch)
        batch = self.run_batch()
        self.assertEqual((batch.sent_count, batch.failed_count, batch.status), (2, 0, InvitationBatch.Status.DONE))
        self.assertEqual(self.states()["dirk@test.nl"], ("sent", ""))
        # Paula is not sent a second e-mail; Dirk gets his first.
        self.assertEqual([m.to for m in mail.outbox], [["paula@test.nl"], ["dirk@test.nl"]])
        self.assertEqual(ActivationToken.objects.filter(batch_key=str(batch.pk)).count(), 2)

    def test_a_batch_without_failures_offers_no_resume(self) -> None:
        batch = self.run_batch()
        verified_login(self.client, self.ada.user)
        page = self.client.get(reverse("staff:guardian-accounts-batch", args=[batch.pk]))
        self.assertNotContains(page, "resume-batch")
        self.assertNotContains(page, 'data-testid="failed"')
