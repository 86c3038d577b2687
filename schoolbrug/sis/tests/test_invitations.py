"""Single invitations (ACC-2) from the family page, and the outbox page where sent mail shows."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.mail import OutgoingMail
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis import policies
from schoolbrug.sis.guardian_accounts.invitations import guardian_invite
from schoolbrug.sis.models import Guardian, Guardianship
from schoolbrug.sis.testing import PASSWORD, SchoolTestCase, link, make_guardian_account, make_school

LINK = re.compile(r"https?://\S+/accounts/activate/([A-Za-z0-9_-]+)/")
NEW_PASSWORD = "mijn nieuwe lange wachtwoord"


def link_in(message: Any) -> tuple[str, str]:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(0), match.group(1)


class InvitationServiceTests(SchoolTestCase):
    def setUp(self) -> None:
        # A guardian the school has just registered: no account yet.
        self.mila = Guardian.objects.create(
            school=self.school, first_name="Mila", prefix="de", last_name="Vries", email="Mila@Test.nl", language="en"
        )
        link(self.mila, self.olivia, "mother")

    def invite(self, guardian: Guardian, **kwargs: Any) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return guardian_invite(actor=self.ada.user, guardian=guardian, **kwargs)

    def test_creates_the_account_links_it_and_sends_the_link(self) -> None:
        outcome = self.invite(self.mila)
        self.assertTrue(outcome.sent)
        self.assertEqual(outcome.skipped_reason, "")
        account = Account.objects.get(kind=Account.Kind.GUARDIAN, email="mila@test.nl")
        self.assertEqual(outcome.account, account)
        self.assertEqual((account.first_name, account.last_name, account.language), ("Mila", "de Vries", "en"))
        self.assertFalse(account.has_usable_password())
        self.mila.refresh_from_db()
        self.assertEqual(self.mila.account, account)
        [message] = mail.outbox
        self.assertEqual(message.to, ["mila@test.nl"])
        url, _token = link_in(message)
        self.assertTrue(url.startswith("http://127.0.0.1:8000/accounts/activate/"))
        self.assertEqual(message.extra_headers["X-Schoolbrug-School"], str(self.school.pk))
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.INVITATION_SENT)
        self.assertEqual(
            (event.actor_id, event.school_id, event.data["guardian_id"]),
            (self.ada.user.pk, self.school.pk, self.mila.pk),
        )

    def test_link_sets_the_password_and_the_guardian_logs_in_with_his_address(self) -> None:
        self.invite(self.mila)
        url, _token = link_in(mail.outbox[0])
        path = url.removeprefix("http://127.0.0.1:8000")
        response = self.client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(response, reverse("accounts:login"))
        self.client.post(reverse("accounts:login"), {"username": "mila@test.nl", "password": NEW_PASSWORD})
        self.mila.refresh_from_db()
        self.assertEqual(self.client.session[SESSION_KEY], str(self.mila.account_id))
        self.assertEqual(self.client.get(reverse("portal:home")).context["children"], [self.olivia])

    def test_mail_is_in_the_guardians_language_signed_by_the_sender_and_the_school(self) -> None:
        self.invite(self.mila)
        self.invite(self.dirk.record)
        english, dutch = mail.outbox
        for message, language in ((english, "en"), (dutch, "nl")):
            self.assertEqual(message.extra_headers["Content-Language"], language)
            token = ActivationToken.objects.filter(account__email=message.to[0]).latest("created_at")
            with translation.override(language):
                until = dateformat.format(timezone.localtime(token.expires_at), "l j F Y, H:i")
            self.assertIn(until, message.body)
            self.assertTrue(message.body.rstrip().endswith("Ada Beheer\nOBS Testschool"), message.body)
            self.assertIn("OBS Testschool", message.subject)
        self.assertIn("Mila de Vries", english.body)
        self.assertIn("mila@test.nl", english.body)  # the username

    def test_sending_activates_an_inactive_account(self) -> None:
        Account.objects.filter(pk=self.dirk.user.pk).update(is_active=False)
        self.assertTrue(self.invite(self.dirk.record).sent)
        self.dirk.user.refresh_from_db()
        self.assertTrue(self.dirk.user.is_active)

    def known_elsewhere(self) -> Any:
        elsewhere, _prev, _year = make_school("CBS Tweede")
        return make_guardian_account(elsewhere, "mila@test.nl", "Mila", "de Vries")

    def test_an_address_already_used_by_a_guardian_account_is_the_same_person(self) -> None:
        known = self.known_elsewhere()
        before = Account.objects.count()
        outcome = self.invite(self.mila)
        # Invited as the same person (no second account) but not linked before he accepts.
        self.assertEqual(outcome.account, known.account)
        self.assertEqual(Account.objects.count(), before)
        self.mila.refresh_from_db()
        self.assertIsNone(self.mila.account)
        token = ActivationToken.objects.get(account=known.account, used_at=None, revoked_at=None)
        self.assertEqual(token.reference, f"sis.guardian:{self.mila.pk}")
        [message] = mail.outbox
        self.assertEqual(message.to, ["mila@test.nl"])
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.INVITATION_SENT)
        self.assertEqual((event.data["linked"], event.data["account_created"]), (False, False))

    def test_the_existing_account_reaches_the_child_only_after_confirming_with_its_password(self) -> None:
        known = self.known_elsewhere()
        self.invite(self.mila)
        self.assertNotIn(self.olivia, policies.pupils_visible_to(known.account))
        self.assertIn("confirm with your current password", mail.outbox[0].body)  # Mila reads English
        url, _token = link_in(mail.outbox[0])
        path = url.removeprefix("http://127.0.0.1:8000")
        page = self.client.get(path)
        # The link asks for the current password; it offers no way to choose a new one.
        self.assertTemplateUsed(page, "accounts/activate_confirm.html")
        self.assertNotContains(page, "new_password1")
        response = self.client.post(path, {"password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:login"))
        self.mila.refresh_from_db()
        self.assertEqual(self.mila.account, known.account)
        self.assertIn(self.olivia, policies.pupils_visible_to(known.account))
        known.account.refresh_from_db()
        self.assertTrue(known.account.check_password(PASSWORD))
        self.assertEqual(self.client.get(path).status_code, 410)  # used up

    def test_a_wrong_password_is_refused_and_links_nothing(self) -> None:
        known = self.known_elsewhere()
        self.invite(self.mila)
        url, _token = link_in(mail.outbox[0])
        path = url.removeprefix("http://127.0.0.1:8000")
        response = self.client.post(path, {"password": "niet het wachtwoord"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("password", response.context["form"].errors)
        # Trying to set a new password through the same link changes nothing either.
        self.client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.mila.refresh_from_db()
        self.assertIsNone(self.mila.account)
        self.assertNotIn(self.olivia, policies.pupils_visible_to(known.account))
        known.account.refresh_from_db()
        self.assertTrue(known.account.check_password(PASSWORD))
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, actor_id=known.account.pk))
        self.assertIsNone(ActivationToken.objects.get(account=known.account, revoked_at=None).used_at)

    def test_an_inactive_account_of_someone_else_stays_inactive_until_redeemed(self) -> None:
        known = self.known_elsewhere()
        Account.objects.filter(pk=known.account.pk).update(is_active=False)
        self.invite(self.mila)
        known.account.refresh_from_db()
        self.assertFalse(known.account.is_active)
        url, _token = link_in(mail.outbox[0])
        path = url.removeprefix("http://127.0.0.1:8000")
        self.client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        known.account.refresh_from_db()
        self.assertTrue(known.account.is_active)
        self.mila.refresh_from_db()
        self.assertEqual(self.mila.account, known.account)

    def test_a_corrected_address_becomes_the_username(self) -> None:
        Guardian.objects.filter(pk=self.dirk.record.pk).update(email="dirk.bakker@test.nl")
        outcome = self.invite(Guardian.objects.get(pk=self.dirk.record.pk))
        self.assertEqual(outcome.account.pk, self.dirk.user.pk)
        self.assertEqual(outcome.account.email, "dirk.bakker@test.nl")
        self.assertEqual(mail.outbox[0].to, ["dirk.bakker@test.nl"])

    def test_missing_or_malformed_address_is_skipped_with_a_reason(self) -> None:
        for email, reason in (("", "no e-mail address"), ("dirk@@test", "invalid e-mail address")):
            Guardian.objects.filter(pk=self.dirk.record.pk).update(email=email)
            with translation.override("en"):
                outcome = self.invite(Guardian.objects.get(pk=self.dirk.record.pk))
            self.assertEqual((outcome.sent, outcome.skipped_reason), (False, reason))
        self.assertEqual(mail.outbox, [])
        self.assertFalse(ActivationToken.objects.exists())

    def test_same_batch_sends_once_and_a_new_batch_replaces_the_link(self) -> None:
        first = self.invite(self.mila, batch_key="batch-1")
        with translation.override("en"):
            repeat = self.invite(self.mila, batch_key="batch-1")
        self.assertTrue(first.sent)
        self.assertEqual(
            (repeat.sent, repeat.skipped_reason, repeat.account), (False, "already sent in this batch", first.account)
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(self.invite(self.mila, batch_key="batch-2").sent)
        self.assertEqual(len(mail.outbox), 2)
        old_url, _ = link_in(mail.outbox[0])
        self.assertEqual(self.client.get(old_url.removeprefix("http://127.0.0.1:8000")).status_code, 410)

    def test_only_an_application_administrator_of_the_school_may_invite(self) -> None:
        for persona in (self.tess, self.pim, self.wim, self.paula):
            with self.assertRaises(PermissionDenied, msg=persona.user.email):
                guardian_invite(actor=persona.user, guardian=self.mila)
        self.assertEqual(mail.outbox, [])


class FamilyPageInvitationTests(SchoolTestCase):
    def setUp(self) -> None:
        self.guardianship = Guardianship.objects.get(pupil=self.sam, guardian=self.dirk.record)
        self.url = reverse("staff:guardianship-edit", args=[self.sam.pk, self.guardianship.pk])

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
        data.update(changes)
        return data

    def test_save_and_send_login_details(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.form_data(**{"guardian-email": "dirk.nieuw@test.nl", "send_invitation": "1"})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, data, headers={"accept-language": "en"})
        self.assertRedirects(response, reverse("staff:pupil", args=[self.sam.pk]), fetch_redirect_response=False)
        [message] = mail.outbox
        self.assertEqual(message.to, ["dirk.nieuw@test.nl"])
        messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
        self.assertIn("The login details have been sent to dirk.nieuw@test.nl.", messages)

    def test_a_repeated_submit_sends_nothing_twice(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.form_data(send_invitation="1")
        for _ in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.url, data)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(ActivationToken.objects.count(), 1)

    def test_plain_save_sends_nothing(self) -> None:
        verified_login(self.client, self.ada.user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, self.form_data())
        self.assertEqual(mail.outbox, [])

    def test_malformed_address_is_a_field_error_and_nothing_is_saved_or_sent(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.form_data(**{"guardian-email": "dirk@", "send_invitation": "1"})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["guardian_form"].errors["email"])
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Guardian.objects.get(pk=self.dirk.record.pk).email, "dirk@test.nl")

    def test_guardian_without_address_gets_a_clear_message(self) -> None:
        verified_login(self.client, self.ada.user)
        data = self.form_data(**{"guardian-email": "", "send_invitation": "1"})
        response = self.client.post(self.url, data, headers={"accept-language": "en"}, follow=True)
        self.assertContains(response, "No login details were sent: no e-mail address.")
        self.assertEqual(mail.outbox, [])

    def test_the_page_shows_both_buttons_and_the_account_state(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.client.get(self.url)
        self.assertContains(response, 'name="send_invitation"')
        self.assertContains(response, 'data-state="active"')
        self.assertContains(
            response, reverse("staff:guardian-account-deactivate", args=[self.sam.pk, self.guardianship.pk])
        )


class GuardianWithoutAccessRightTests(SchoolTestCase):
    def test_activates_and_sees_his_profile_but_no_pupil(self) -> None:
        gerda = self.gerda.record
        Account.objects.filter(pk=self.gerda.user.pk).update(password="!")  # never logged in yet
        with self.captureOnCommitCallbacks(execute=True):
            guardian_invite(actor=self.ada.user, guardian=gerda)
        url, _token = link_in(mail.outbox[0])
        self.client.post(
            url.removeprefix("http://127.0.0.1:8000"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.client.post(reverse("accounts:login"), {"username": "gerda@test.nl", "password": NEW_PASSWORD})
        response = self.client.get(reverse("portal:home"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["children"], [])
        self.assertIsNone(response.context["selected"])
        self.assertEqual(list(response.context["guardian_records"]), [gerda])
        self.assertNotContains(response, "Sam")


@override_settings(
    MAILERS={
        "default": {
            "BACKEND": "schoolbrug.core.mail.RecordingBackend",
            "OPTIONS": {"delivery_backend": "django.core.mail.backends.locmem.EmailBackend", "record_secrets": True},
        }
    }
)
class OutboxPageTests(SchoolTestCase):
    def send_invitations(self, count: int) -> None:
        for _ in range(count):
            with self.captureOnCommitCallbacks(execute=True):
                guardian_invite(actor=self.ada.user, guardian=self.otto.record)

    def test_administrator_sees_her_schools_mail_newest_first_and_opens_the_link(self) -> None:
        self.send_invitations(2)
        OutgoingMail.objects.create(to="x@elders.nl", subject="Elders", body="", school_id=self.other_school.pk)
        verified_login(self.client, self.ada.user)
        response = self.client.get(reverse("staff:outbox"))
        mails = list(response.context["page"].object_list)
        self.assertEqual([m.to for m in mails], ["otto@test.nl", "otto@test.nl"])
        self.assertGreater(mails[0].pk, mails[1].pk)
        self.assertNotContains(response, "x@elders.nl")
        detail = self.client.get(reverse("staff:outbox-mail", args=[mails[0].pk]))
        url, _token = link_in(mail.outbox[-1])
        self.assertContains(detail, f'href="{url}"')

    def test_without_record_secrets_the_outbox_hides_the_link(self) -> None:
        mailers = {
            "default": {
                "BACKEND": "schoolbrug.core.mail.RecordingBackend",
                "OPTIONS": {"delivery_backend": "django.core.mail.backends.locmem.EmailBackend"},
            }
        }
        with override_settings(MAILERS=mailers):
            self.send_invitations(1)
        _url, token = link_in(mail.outbox[-1])
        stored = OutgoingMail.objects.get()
        self.assertNotIn(token, stored.body)
        self.assertIn("[hidden]", stored.body)
        self.assertIn("otto@test.nl", stored.body)  # the rest of the mail is kept

    def test_the_nav_link_is_for_application_administrators_only(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertContains(self.client.get(reverse("staff:overview")), reverse("staff:outbox"))
        for persona in (self.tess, self.pim):
            self.client.force_login(persona.user)
            self.assertNotContains(self.client.get(reverse("staff:overview")), reverse("staff:outbox"))

    def test_wrong_personas_get_404(self) -> None:
        self.send_invitations(1)
        mail_id = OutgoingMail.objects.get().pk
        urls = [reverse("staff:outbox"), reverse("staff:outbox-mail", args=[mail_id])]
        for persona in (self.tess, self.pim, self.paula, self.otto):
            self.client.force_login(persona.user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
        verified_login(self.client, self.wim.user)  # administrator of another school
        self.assertEqual(self.client.get(urls[1]).status_code, 404)
        self.assertEqual(list(self.client.get(urls[0]).context["page"].object_list), [])

    def test_list_keeps_a_fixed_query_count_and_pages(self) -> None:
        verified_login(self.client, self.ada.user)
        self.send_invitations(2)
        with count_queries() as small:
            self.client.get(reverse("staff:outbox"))
        OutgoingMail.objects.bulk_create(
            OutgoingMail(to=f"o{i}@test.nl", subject="Uitnodiging", body="", school_id=self.school.pk)
            for i in range(60)
        )
        with count_queries() as large:
            response = self.client.get(reverse("staff:outbox"))
        assert_same_query_count(small, large, "outbox")
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertEqual(len(self.client.get(reverse("staff:outbox") + "?page=2").context["page"].object_list), 12)
