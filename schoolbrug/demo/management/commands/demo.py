"""`manage.py demo`: load the demo schools (idempotent; runs on every `make run`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from schoolbrug.accounts.models import Account
from schoolbrug.agenda.demo import load_demo_agenda
from schoolbrug.consent.demo import load_demo_consent
from schoolbrug.conversations.demo import load_demo_conversations
from schoolbrug.messaging.demo import load_demo_messaging
from schoolbrug.notifications.demo import load_demo_notifications
from schoolbrug.portal.demo import load_demo_portal
from schoolbrug.records.demo import load_demo_records
from schoolbrug.records.demo_results import load_demo_results
from schoolbrug.sis.demo import DEMO_PASSWORD, build_demo
from schoolbrug.sis.demo.schools import GUARDIAN_EMAILS, PARENT_EMAIL, STAFF_EMAILS, TEACHER_EMAIL
from schoolbrug.sis.guardian_accounts.demo import load_demo_app_reach
from schoolbrug.sis.models import School

# Schools whose pupil file and portal get demo content (the benchmark schools stay bare).
SHOWCASE_SCHOOLS = ("demo-regenboog",)


class Command(BaseCommand):
    help = (
        "Load the demo school OBS De Regenboog (and CBS De Wegwijzer) with pupils, guardians, staff and "
        "demo accounts. Schools that are already there are left unchanged. With --schools N, also build N "
        "benchmark schools of --pupils-per-school pupils each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=0, help="Number of extra benchmark schools (default 0).")
        parser.add_argument(
            "--pupils-per-school", type=int, default=250, help="Enrolled pupils per benchmark school (default 250)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schools, pupils = options["schools"], options["pupils_per_school"]
        if schools < 0 or pupils < 1:
            raise CommandError("--schools must be 0 or more and --pupils-per-school at least 1.")
        verbose = options["verbosity"] >= 1
        started = time.perf_counter()
        result = build_demo(extra_schools=schools, pupils_per_school=pupils)
        if result.changed:
            with transaction.atomic():
                for school in School.objects.filter(external_key__in=SHOWCASE_SCHOOLS):
                    load_demo_records(school)
                    load_demo_results(school)
                    load_demo_portal(school)
                    load_demo_messaging(school)
                    load_demo_consent(school)
                    load_demo_app_reach(school)
                    load_demo_conversations(school, TEACHER_EMAIL, PARENT_EMAIL)
                    load_demo_agenda(school)
                load_demo_notifications(
                    Account.objects.filter(email__in=(*GUARDIAN_EMAILS, *STAFF_EMAILS), is_active=True)
                )
        elapsed = time.perf_counter() - started
        if not verbose:
            return
        if not result.changed:
            self.stdout.write(f"Demo data already loaded ({', '.join(result.skipped)}); nothing changed.")
            return
        for summary in result.built:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {summary.name} ({summary.key}): {summary.groups} groups, {summary.enrolled} enrolled "
                    f"pupils, {summary.guardians} guardians."
                )
            )
        if result.skipped:
            self.stdout.write(f"Already loaded, left unchanged: {', '.join(result.skipped)}.")
        self.stdout.write(f"{result.pupils} pupils in {elapsed:.1f} s.")
        if result.accounts:
            demo_accounts = [email for email in (*STAFF_EMAILS, *GUARDIAN_EMAILS) if email in result.accounts]
            self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}): {', '.join(demo_accounts)}")
