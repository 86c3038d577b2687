"""Two administrators deactivating each other at the same moment: one of them stays (PostgreSQL).

SQLite serialises writers on its own, so the race can only happen, and be tested, where rows are
locked one by one.
"""

from __future__ import annotations

import threading
import unittest

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test import TransactionTestCase

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.setup.staff import staff_member_deactivate
from schoolbrug.sis.testing import make_school, make_staff_account


@unittest.skipUnless(connection.vendor == "postgresql", "row locks are what is tested")
class LastAdministratorRaceTests(TransactionTestCase):
    def test_of_two_administrators_deactivating_each_other_one_stays(self) -> None:
        school, _previous, _current = make_school("OBS Race")
        anna = make_staff_account(school, "anna@race.nl", "Anna", "A", is_application_admin=True)
        bert = make_staff_account(school, "bert@race.nl", "Bert", "B", is_application_admin=True)
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def deactivate(actor: Account, target: StaffMember, name: str) -> None:
            try:
                actor = Account.objects.get(pk=actor.pk)
                barrier.wait()
                staff_member_deactivate(actor=actor, staff=target)
                outcomes[name] = "done"
            except ValidationError as error:
                outcomes[name] = error.code or "refused"
            except PermissionDenied:  # the other one came first: he is no administrator any more
                outcomes[name] = "refused"
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=deactivate, args=(anna.account, bert.record, "anna")),
            threading.Thread(target=deactivate, args=(bert.account, anna.record, "bert")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        active = StaffMember.objects.filter(school=school, is_application_admin=True, is_active=True).count()
        self.assertEqual(active, 1, outcomes)
        self.assertEqual(len(outcomes), 2, outcomes)
        self.assertEqual(list(outcomes.values()).count("done"), 1, outcomes)
