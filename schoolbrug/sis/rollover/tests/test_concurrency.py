"""Two confirms at the same moment (a double click reaching two server processes): one applies,
the other waits for it and then does nothing. Needs real concurrent transactions: PostgreSQL."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from unittest import skipUnless

from django.db import connection
from django.test import TransactionTestCase

from schoolbrug.sis.models import Group, SchoolYear
from schoolbrug.sis.rollover.services import RolloverChoices, RolloverOutcome, rollover_apply, rollover_plan
from schoolbrug.sis.testing import build_personas


@skipUnless(connection.vendor == "postgresql", "SQLite serialises every write; the row lock matters on PostgreSQL")
class SimultaneousConfirmTests(TransactionTestCase):
    def test_two_simultaneous_confirms_apply_once(self) -> None:
        school = SimpleNamespace()
        build_personas(school)
        plan = rollover_plan(school.school)
        assert plan.source_year is not None
        choices = RolloverChoices(
            fingerprint=plan.fingerprint,
            leave_date=plan.source_year.end_date,
            make_current=True,
            source_year_id=plan.source_year.pk,
        )
        barrier = threading.Barrier(2)
        outcomes: list[RolloverOutcome] = []
        errors: list[BaseException] = []

        def confirm() -> None:
            try:
                barrier.wait()
                outcomes.append(rollover_apply(school.ada.user, school.school, choices))
            except BaseException as error:  # reported below, with the outcome of the other thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(outcome.applied for outcome in outcomes), [False, True])
        year = SchoolYear.objects.get(school=school.school, name="2027-2028")
        self.assertEqual(Group.objects.filter(year=year).count(), 2)
