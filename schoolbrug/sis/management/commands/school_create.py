"""`manage.py school_create`: start a real school without the demo (see README, "Starting for real").

Every value can be given as a flag; a missing one is asked for when the command runs in a
terminal, and is an error with --no-input (for scripts). Nothing is written unless everything is
valid; running it again for the same school creates nothing (see sis.setup.first_start).
"""

from __future__ import annotations

import sys
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from schoolbrug.core.outgoing import site_base_url
from schoolbrug.sis.setup.first_start import (
    NewSchool,
    SchoolCreated,
    SchoolExists,
    resend_first_invitation,
    school_create,
)

DEFAULT_TIME_ZONE = "Europe/Amsterdam"

# (option, question, required) in the order they are asked.
FIELDS: list[tuple[str, str, bool]] = [
    ("board", "Board (bestuur) name", True),
    ("school", "School name", True),
    ("brin", "BRIN code (e.g. 12AB, empty if none)", False),
    ("branch_code", "Branch code (vestigingsnummer, e.g. 00, empty if none)", False),
    ("time_zone", f"Time zone [{DEFAULT_TIME_ZONE}]", False),
    ("admin_email", "E-mail address of the first application administrator", True),
    ("admin_first_name", "His or her first name", True),
    ("admin_prefix", "Prefix (tussenvoegsel, empty if none)", False),
    ("admin_last_name", "Last name", True),
]


class Command(BaseCommand):
    help = (
        "Creates a board, a school with its current school year and its first application "
        "administrator, who receives an activation e-mail. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--board", help="Name of the board (created when it does not exist yet).")
        parser.add_argument("--school", help="Name of the school.")
        parser.add_argument("--brin", help="BRIN code, e.g. 12AB.")
        parser.add_argument("--branch-code", dest="branch_code", help="Branch code (vestigingsnummer), e.g. 00.")
        parser.add_argument("--time-zone", dest="time_zone", help=f"Time zone (default {DEFAULT_TIME_ZONE}).")
        parser.add_argument("--admin-email", dest="admin_email", help="E-mail address of the first administrator.")
        parser.add_argument("--admin-first-name", dest="admin_first_name")
        parser.add_argument("--admin-prefix", dest="admin_prefix", help="Name prefix, e.g. 'van der'.")
        parser.add_argument("--admin-last-name", dest="admin_last_name")
        parser.add_argument(
            "--resend-invitation",
            action="store_true",
            help="For a school that exists: invite its first administrator again (before he has activated).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never ask; fail when a value is missing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The operator reads English, as in Django's own commands; the e-mail itself is written
        # in the administrator's language (see staff_invitations).
        with translation.override("en"):
            self.create(options)

    def create(self, options: dict[str, Any]) -> None:
        interactive = options["interactive"] and sys.stdin.isatty()
        values = self.collect(options, interactive=interactive, ask=input)
        data = NewSchool(
            board_name=values["board"],
            school_name=values["school"],
            brin=values["brin"].upper(),
            branch_code=values["branch_code"],
            time_zone=values["time_zone"] or DEFAULT_TIME_ZONE,
            admin_email=values["admin_email"].lower(),
            admin_first_name=values["admin_first_name"],
            admin_prefix=values["admin_prefix"],
            admin_last_name=values["admin_last_name"],
        )
        base_url = site_base_url()
        try:
            result = school_create(data, base_url=base_url)
        except ValidationError as error:
            raise CommandError(self.describe(error)) from None
        except SchoolExists as exists:
            if not options["resend_invitation"]:
                raise CommandError(
                    f"School {exists.school.name!r} (id {exists.school.pk}) already exists; nothing was changed. "
                    "Use --resend-invitation to invite its first administrator again."
                ) from None
            try:
                result = resend_first_invitation(exists.school, base_url=base_url)
            except ValidationError as error:
                raise CommandError(self.describe(error)) from None
        self.report(result)

    def collect(self, options: dict[str, Any], *, interactive: bool, ask: Callable[[str], str]) -> dict[str, str]:
        values: dict[str, str] = {}
        missing = []
        for name, question, required in FIELDS:
            value = (options.get(name) or "").strip()
            while not value and interactive:
                value = ask(f"{question}: ").strip()
                if value or not required:
                    break
                self.stderr.write("  A value is needed.")
            if required and not value:
                missing.append("--" + name.replace("_", "-"))
            values[name] = value
        if missing:
            raise CommandError("Missing: " + ", ".join(missing) + " (give them as options, or run in a terminal).")
        if values["time_zone"] and values["time_zone"] not in zoneinfo.available_timezones():
            raise CommandError(f"Unknown time zone {values['time_zone']!r}; use a name such as {DEFAULT_TIME_ZONE}.")
        return values

    @staticmethod
    def describe(error: ValidationError) -> str:
        if hasattr(error, "error_dict"):
            lines = [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
            return "Nothing was created:\n  " + "\n  ".join(lines)
        return "Nothing was created: " + " ".join(error.messages)

    def report(self, result: SchoolCreated) -> None:
        school, admin = result.school, result.administrator
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Created school {school.name!r} (id {school.pk}) of {school.board.name!r}.")
            )
            year = school.years.get(is_current=True)
            self.stdout.write(
                f"Current school year {year.name}: {year.start_date:%d-%m-%Y} to {year.end_date:%d-%m-%Y}."
            )
        invitation = result.invitation
        if invitation is not None and invitation.delivery.failed:
            raise CommandError(
                f"The activation e-mail to {admin.email} could not be sent: {invitation.delivery.error}. "
                "Fix the mail settings and run this command again with --resend-invitation."
            )
        self.stdout.write(f"Activation e-mail sent to {admin.email} ({admin.full_name}); the link is valid for 7 days.")
