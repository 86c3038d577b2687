"""The audit log is append-only (SECURITY.md 16.4.2): no code path, and on PostgreSQL no SQL at
all, changes or removes a row once it is written."""

from __future__ import annotations

import unittest

from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from schoolbrug.accounts.audit import AuditEvent, AuditLogIsAppendOnly, record


class AppendOnlyTests(TestCase):
    def setUp(self) -> None:
        self.first = record(AuditEvent.Kind.LOGIN_FAILED, subject="eerste@test.nl", data={"known": False})
        self.second = record(AuditEvent.Kind.LOGOUT, subject="tweede@test.nl")

    def assert_log_untouched(self) -> None:
        rows = list(AuditEvent.objects.order_by("pk").values_list("pk", "kind", "subject"))
        self.assertEqual(
            rows,
            [
                (self.first.pk, AuditEvent.Kind.LOGIN_FAILED, "eerste@test.nl"),
                (self.second.pk, AuditEvent.Kind.LOGOUT, "tweede@test.nl"),
            ],
        )

    def test_new_events_are_written(self) -> None:
        self.assertEqual(AuditEvent.objects.count(), 2)
        self.assertIsNotNone(self.first.at)

    def test_bulk_update_is_refused(self) -> None:
        with self.assertRaises(AuditLogIsAppendOnly):
            AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT).update(subject="weggepoetst")
        with self.assertRaises(AuditLogIsAppendOnly):
            AuditEvent.objects.all().update(actor_label="iemand anders")
        self.first.subject = "veranderd"
        # bulk_update runs in Django's own atomic block; the savepoint keeps the test's usable.
        with self.assertRaises(AuditLogIsAppendOnly), transaction.atomic():
            AuditEvent.objects.bulk_update([self.first], ["subject"])
        self.assert_log_untouched()

    def test_bulk_delete_is_refused(self) -> None:
        with self.assertRaises(AuditLogIsAppendOnly):
            AuditEvent.objects.filter(pk=self.first.pk).delete()
        with self.assertRaises(AuditLogIsAppendOnly):
            AuditEvent.objects.all().delete()
        self.assert_log_untouched()

    def test_saving_or_deleting_an_existing_row_is_refused(self) -> None:
        event = AuditEvent.objects.get(pk=self.second.pk)
        event.subject = "weggepoetst"
        with self.assertRaises(AuditLogIsAppendOnly):
            event.save()
        with self.assertRaises(AuditLogIsAppendOnly):
            event.save(update_fields=["subject"])
        with self.assertRaises(AuditLogIsAppendOnly):
            event.delete()
        self.assert_log_untouched()

    def test_refusal_is_a_permission_error(self) -> None:
        # Callers that guard against PermissionError (the model's earlier contract) still do.
        with self.assertRaises(PermissionError):
            AuditEvent.objects.all().delete()


@unittest.skipUnless(connection.vendor == "postgresql", "the database trigger exists on PostgreSQL only")
class DatabaseTriggerTests(TestCase):
    """Raw SQL passes the ORM by: the database itself refuses."""

    def setUp(self) -> None:
        self.event = record(AuditEvent.Kind.LOGIN_SUCCEEDED, subject="ouder@test.nl")
        self.assertEqual(AuditEvent._meta.db_table, "accounts_auditevent")

    def run_sql(self, sql: str, params: list[str | int]) -> None:
        # A savepoint, so the refused statement does not break the test's transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    def test_raw_update_is_refused(self) -> None:
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            self.run_sql("UPDATE accounts_auditevent SET subject = %s WHERE id = %s", ["weg", self.event.pk])
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            self.run_sql("UPDATE accounts_auditevent SET at = at - interval '1 day'", [])
        self.assertEqual(AuditEvent.objects.get(pk=self.event.pk).subject, "ouder@test.nl")

    def test_raw_delete_is_refused(self) -> None:
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            self.run_sql("DELETE FROM accounts_auditevent WHERE id = %s", [self.event.pk])
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            self.run_sql("DELETE FROM accounts_auditevent", [])
        self.assertTrue(AuditEvent.objects.filter(pk=self.event.pk).exists())

    def test_inserting_still_works_through_sql(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_auditevent (at, kind, actor_label, subject, data)"
                " VALUES (now(), %s, '', %s, '{}')",
                [AuditEvent.Kind.LOGOUT, "sql@test.nl"],
            )
        self.assertTrue(AuditEvent.objects.filter(subject="sql@test.nl").exists())
