"""Fan-out at scale (AC11): publishing costs the same number of queries for 2 and for 2,000
recipients; every row is written with bulk inserts in the post's transaction."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolbrug.accounts.models import Account
from schoolbrug.messaging.models import Receipt
from schoolbrug.messaging.testing import add_families
from schoolbrug.notifications.models import Delivery, Notification
from schoolbrug.sis.testing import Persona, SchoolTestCase, make_group

from .helpers import post


class FanOutTests(SchoolTestCase):
    def author(self) -> Persona:
        return Persona(Account.objects.get(pk=self.tess.user.pk), self.tess.record)

    def test_the_same_number_of_queries_for_2_and_2000_recipients(self) -> None:
        small = make_group(self.school, self.year, "Groep 7", 7)
        big = make_group(self.school, self.year, "Groep 8", 8)
        add_families(small, 2, "klein")
        add_families(big, 2000, "groot")
        # A fresh author object each time: the staff record is cached on the account per request.
        with CaptureQueriesContext(connection) as few:
            made_small = post(self.author(), small.space)
        self.assertEqual(made_small.recipient_count, 2)
        with self.assertNumQueries(len(few.captured_queries)):
            made_big = post(self.author(), big.space)
        self.assertEqual(made_big.recipient_count, 2000)
        self.assertEqual(Receipt.objects.filter(post=made_big).count(), 2000)
        self.assertEqual(Notification.objects.filter(dedupe_key=f"announcement:{made_big.pk}").count(), 2000)
        self.assertGreaterEqual(
            Delivery.objects.filter(notification__dedupe_key=f"announcement:{made_big.pk}").count(), 2000
        )
