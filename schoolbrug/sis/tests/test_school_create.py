"""`manage.py school_create`: the first start of a real school without the demo."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.models import Account
from schoolbrug.sis.management.commands.school_create import Command
from schoolbrug.sis.models import Board, School, SchoolYear, StaffMember
from schoolbrug.sis.tests.test_invitations import NEW_PASSWORD, link_in

OPTIONS: dict[str, Any] = {
    "board": "Stichting Primair",
    "school": "OBS De Linde",
    "brin": "12ab",
    "branch_code": "00",
    "time_zone": "Europe/Amsterdam",
    "admin_email": "Beheer@DeLinde.nl",
    "admin_first_name": "Anna",
    "admin_prefix": "de",
    "admin_last_name": "Boer",
}


class SchoolCreateTests(TestCase):
    def run_command(self, **overrides: Any) -> str:
        out = io.StringIO()
        options = {**OPTIONS, **overrides}
        with self.captureOnCommitCallbacks(execute=True):
            call_command("school_create", interactive=False, stdout=out, stderr=io.StringIO(), **options)
        return out.getvalue()

    def test_creates_board_school_year_and_administrator_who_gets_an_activation_mail(self) -> None:
        output = self.run_command()
        school = School.objects.get()
        self.assertEqual((school.board.name, school.name), ("Stichting Primair", "OBS De Linde"))
        self.assertEqual((school.brin, school.branch_code, school.time_zone), ("12AB", "00", "Europe/Amsterdam"))
        year = SchoolYear.objects.get(school=school)
        self.assertTrue(year.is_current)
        self.assertEqual(year.start_date.weekday(), 0)  # a Monday
        self.assertEqual(year.end_date.weekday(), 4)  # a Friday
        admin = StaffMember.objects.get(school=school)
        self.assertTrue(admin.is_application_admin)
        self.assertFalse(admin.group_authorisation)
        self.assertEqual(admin.full_name, "Anna de Boer")
        assert admin.account is not None
        self.assertEqual(admin.account.kind, Account.Kind.STAFF)
        self.assertEqual(admin.account.email, "beheer@delinde.nl")
        self.assertFalse(admin.account.has_usable_password())
        [message] = mail.outbox
        self.assertEqual(message.to, ["beheer@delinde.nl"])
        self.assertIn("tweestapsverificatie", message.body)  # Dutch, the default language
        self.assertIn("Activation e-mail sent to beheer@delinde.nl", output)

    def test_the_administrator_activates_and_must_set_up_two_factor_at_first_login(self) -> None:
        self.run_command()
        url, _token = link_in(mail.outbox[0])
        path = url.split("://", 1)[1].split("/", 1)[1]
        response = self.client.post(f"/{path}", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(response, reverse("accounts:login"))
        self.client.post(reverse("accounts:login"), {"username": "beheer@delinde.nl", "password": NEW_PASSWORD})
        account = Account.objects.get(kind=Account.Kind.STAFF, email="beheer@delinde.nl")
        self.assertEqual(self.client.session[SESSION_KEY], str(account.pk))
        response = self.client.get(reverse("staff:setup-school"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor-setup")))

    def test_running_again_creates_nothing_and_says_so(self) -> None:
        self.run_command()
        with self.assertRaisesMessage(CommandError, "already exists; nothing was changed"):
            self.run_command(admin_email="iemand.anders@delinde.nl")
        self.assertEqual(
            (Board.objects.count(), School.objects.count(), StaffMember.objects.count(), len(mail.outbox)), (1, 1, 1, 1)
        )

    def test_resend_invites_the_first_administrator_again_until_he_has_activated(self) -> None:
        self.run_command()
        self.run_command(resend_invitation=True)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(StaffMember.objects.count(), 1)
        # Only the newest link works.
        self.assertEqual(ActivationToken.objects.filter(revoked_at__isnull=True).count(), 1)
        account = Account.objects.get(kind=Account.Kind.STAFF)
        account.set_password(NEW_PASSWORD)
        account.save()
        with self.assertRaisesMessage(CommandError, "already activated"):
            self.run_command(resend_invitation=True)

    def test_a_second_school_of_the_same_board_shares_the_board(self) -> None:
        self.run_command()
        self.run_command(school="OBS De Eik", brin="12AB", branch_code="01", admin_email="eik@delinde.nl")
        self.assertEqual(Board.objects.count(), 1)
        self.assertEqual(School.objects.count(), 2)

    def test_invalid_values_are_all_reported_and_nothing_is_written(self) -> None:
        with self.assertRaises(CommandError) as caught:
            self.run_command(brin="ABCDEF", branch_code="x", admin_email="geen-adres", admin_prefix="x" * 21)
        message = str(caught.exception)
        for part in ("brin:", "branch_code:", "admin_email:", "admin_prefix:", "Nothing was created"):
            self.assertIn(part, message)
        self.assertFalse(School.objects.exists() or Board.objects.exists() or Account.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_unknown_time_zone_is_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "Unknown time zone"):
            self.run_command(time_zone="Europe/Atlantis")
        self.assertFalse(School.objects.exists())

    def test_without_a_terminal_missing_values_are_named(self) -> None:
        with self.assertRaisesMessage(CommandError, "Missing: --school, --admin-email"):
            self.run_command(school="", admin_email="")

    def test_missing_values_are_asked_for_in_a_terminal(self) -> None:
        answers = iter(["", "OBS Gevraagd", "beheer@gevraagd.nl"])
        asked: list[str] = []

        def ask(question: str) -> str:
            asked.append(question)
            return next(answers)

        command = Command(stdout=io.StringIO(), stderr=io.StringIO())
        options = {**OPTIONS, "school": None, "admin_email": None}
        values = command.collect(options, interactive=True, ask=ask)
        self.assertEqual((values["school"], values["admin_email"]), ("OBS Gevraagd", "beheer@gevraagd.nl"))
        # An empty answer to a required question is asked again.
        self.assertEqual(asked[0], asked[1])
