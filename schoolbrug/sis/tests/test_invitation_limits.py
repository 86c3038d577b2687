"""SECURITY 2.4.1: single invitations from the family page are capped per administrator per hour."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from unittest import mock

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.guardian_accounts import batch_services
from schoolbrug.sis.guardian_accounts.invitations import guardian_invite
from schoolbrug.sis.guardian_accounts.limits import LimitReached
from schoolbrug.sis.models import Guardianship
from schoolbrug.sis.testing import SchoolTestCase, make_staff_account

LIMIT = 2
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(SCHOOLBRUG_SINGLE_INVITATIONS_PER_HOUR=LIMIT)
class SingleInvitationLimitTests(SchoolTestCase):
    def setUp(self) -> None:
        self.guardianship = Guardianship.objects.get(pupil=self.sam, guardian=self.dirk.record)
        self.url = reverse("staff:guardianship-edit", args=[self.sam.pk, self.guardianship.pk])
        verified_login(self.client, self.ada.user)

    def form_data(self, **changes: Any) -> dict[str, Any]:
        response = self.client.get(self.url)
        data: dict[str, Any] = {}
        for form in (response.context["guardian_form"], response.context["relation_form"]):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if isinstance(value, bool):
                    if value:
                        data[form.add_prefix(name)] = "on"
                else:
                    data[form.add_prefix(name)] = "" if value is None else value
        data["invitation_key"] = response.context["invitation_key"]
        data["send_invitation"] = "1"
        data.update(changes)
        return data

    def invite(self, **changes: Any) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, self.form_data(**changes), headers={"accept-language": "en"})

    def test_the_next_invitation_within_the_hour_is_refused_and_works_again_an_hour_later(self) -> None:
        for _ in range(LIMIT):
            self.assertEqual(self.invite().status_code, 302)  # a fresh form key each time
        self.assertEqual(len(mail.outbox), LIMIT)
        tokens = ActivationToken.objects.count()

        refused = self.invite(**{"guardian-phone_mobile": "06 12345678"})
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, f"You have sent {LIMIT} invitations one by one in the past hour", status_code=429)
        self.assertEqual(len(mail.outbox), LIMIT)  # nothing sent
        self.assertEqual(ActivationToken.objects.count(), tokens)  # and no new link
        sent = AuditEvent.objects.filter(kind=AuditEvent.Kind.INVITATION_SENT, actor_id=self.ada.user.pk)
        self.assertEqual(sent.count(), LIMIT)
        # The data are saved all the same; only the e-mail was refused.
        self.dirk.record.refresh_from_db()
        self.assertEqual(self.dirk.record.phone_mobile, "06 12345678")

        # The audit log is append-only, so the clock moves on instead of the rows moving back.
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(hours=1, minutes=1)):
            self.assertEqual(self.invite().status_code, 302)
        self.assertEqual(len(mail.outbox), LIMIT + 1)

    def test_the_limit_is_per_administrator(self) -> None:
        for _ in range(LIMIT):
            guardian_invite(actor=self.ada.user, guardian=self.dirk.record, batch_key="")
        with self.assertRaises(LimitReached):
            guardian_invite(actor=self.ada.user, guardian=self.paula.record, batch_key="")
        other = make_staff_account(self.school, "beheer@test.nl", "Bea", "Beheer", is_application_admin=True).user
        self.assertTrue(guardian_invite(actor=other, guardian=self.paula.record, batch_key="").sent)

    @override_settings(TASKS=IMMEDIATE)
    def test_batches_are_not_held_back_by_the_single_limit(self) -> None:
        # The append-only log cannot be backdated, so the clock moves: the single invitations go
        # out 40 minutes before the batch, the last one 30 minutes after it.
        now = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=now - dt.timedelta(minutes=40)):
            for _ in range(LIMIT):
                guardian_invite(actor=self.ada.user, guardian=self.dirk.record, batch_key="")
        guardians = [self.paula.record.pk, self.otto.record.pk, self.dirk.record.pk]
        with self.captureOnCommitCallbacks(execute=True):
            batch = batch_services.invitation_batch_start(
                actor=self.ada.user, guardian_ids=guardians, client_key=uuid.uuid4()
            )
        batch.refresh_from_db()
        self.assertEqual(batch.sent_count, 3)
        # ...and batch invitations do not use up the single ones either.
        with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(minutes=30)):
            self.assertTrue(guardian_invite(actor=self.ada.user, guardian=self.dirk.record, batch_key="").sent)
