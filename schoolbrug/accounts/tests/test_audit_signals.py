"""Authentication events reach the audit log with who, when and IP, and never a password."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase

LOGIN = "/accounts/login/"


class AuthenticationAuditTests(SchoolTestCase):
    def setUp(self) -> None:
        cache.clear()

    def kinds(self, account_id: int | None) -> list[str]:
        return list(AuditEvent.objects.filter(actor_id=account_id).order_by("pk").values_list("kind", flat=True))

    def test_login_and_logout_are_recorded_with_ip(self) -> None:
        self.client.post(LOGIN, {"username": "paula@test.nl", "password": PASSWORD}, REMOTE_ADDR="10.2.3.4")
        self.client.post("/accounts/logout/")
        self.assertEqual(self.kinds(self.paula.user.pk), [AuditEvent.Kind.LOGIN_SUCCEEDED, AuditEvent.Kind.LOGOUT])
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_SUCCEEDED)
        self.assertEqual((event.ip_address, event.actor_label), ("10.2.3.4", "paula@test.nl"))

    def test_failed_login_is_recorded_without_the_password(self) -> None:
        self.client.post(LOGIN, {"username": "paula@test.nl", "password": "Geheim-fout-123"})
        self.client.post(LOGIN, {"username": "niemand@test.nl", "password": "Geheim-fout-456"})
        failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED)
        self.assertEqual(failed.filter(actor_id=self.paula.user.pk).count(), 1)
        self.assertEqual(failed.get(actor_id=None).subject, "niemand@test.nl")
        for event in AuditEvent.objects.all():
            self.assertNotIn("Geheim", str(event.data) + event.subject + event.actor_label)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_lockout_is_recorded(self) -> None:
        for _ in range(3):
            self.client.post(LOGIN, {"username": "otto@test.nl", "password": "fout"})
        self.assertTrue(
            AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_LOCKED_OUT, actor_id=self.otto.user.pk).exists()
        )

    def test_audit_events_cannot_be_changed_or_deleted(self) -> None:
        self.client.post(LOGIN, {"username": "paula@test.nl", "password": PASSWORD})
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_SUCCEEDED)
        event.subject = "anders"
        with self.assertRaises(PermissionError):
            event.save()
        with self.assertRaises(PermissionError):
            event.delete()
        self.assertEqual(AuditEvent.objects.get(pk=event.pk).subject, "paula@test.nl")
