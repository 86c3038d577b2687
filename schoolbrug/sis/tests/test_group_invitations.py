"""Inviting a group to the app (MSG-8): pre-ticking, who gets which e-mail (sent by the task
worker), double submit, access (404), tampered forms, fixed query count."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.activation import ActivationToken, activation_token_issue
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries, run_task_worker
from schoolbrug.sis.guardian_accounts import group_invitations
from schoolbrug.sis.guardian_accounts.batch_models import InvitationBatch
from schoolbrug.sis.guardian_accounts.invitations import guardian_reference
from schoolbrug.sis.models import GroupStaff, Guardian, Guardianship, Pupil, StaffMember
from schoolbrug.sis.testing import SchoolTestCase, link, make_pupil

from .test_guardian_accounts import make_guardians

EN = {"accept-language": "en"}


class GroupInviteTestCase(SchoolTestCase):
    """Group 3 holds Sam (Paula, Dirk, grandmother Gerda without access right) and Noor, whose
    family shows every case: no account, an expired link, a valid link, an activated account
    whose app flag is off, no e-mail address, and a grandmother with the access right."""

    noor: Pupil
    fresh: Guardian
    oma: Guardian
    noemail: Guardian
    dirk_token_at: dt.datetime

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.noor = make_pupil(cls.school, "Noor", "Jansen", cls.group3)

        def guardian(first: str, email: str) -> Guardian:
            return Guardian.objects.create(school=cls.school, first_name=first, last_name="Jansen", email=email)

        cls.fresh = guardian("Fenna", "fenna@test.nl")  # no account yet
        Guardian.objects.filter(pk=cls.fresh.pk).update(language="en")  # reads English; the rest Dutch
        cls.oma = guardian("Oma", "oma@test.nl")
        cls.noemail = guardian("Nico", "")
        link(cls.fresh, cls.noor, "mother")
        link(cls.oma, cls.noor, "grandparent", has_custody=False)
        link(cls.noemail, cls.noor, "stepparent")
        # Paula is in the app: an activated (logged in) account and the flags of the one rule.
        type(cls.paula.user).objects.filter(pk=cls.paula.user.pk).update(last_login=timezone.now())
        cls.dirk_token_at = timezone.now() - dt.timedelta(days=8)

    def setUp(self) -> None:
        # Dirk got a link 8 days ago that he never used: expired.
        activation_token_issue(account=self.dirk.user, reference=guardian_reference(self.dirk.record))
        ActivationToken.objects.filter(account=self.dirk.user).update(
            created_at=self.dirk_token_at, expires_at=self.dirk_token_at + dt.timedelta(days=7)
        )

    def url(self, group: Any = None) -> str:
        return reverse("staff:group-invite", args=[(group or self.group3).pk])

    def link_of(self, guardian: Guardian) -> Guardianship:
        return Guardianship.objects.get(guardian=guardian, pupil__placements__group=self.group3)

    def post(self, *guardians: Guardian, key: str | None = None, **extra: Any) -> Any:
        data = {
            "guardianship": [self.link_of(g).pk for g in guardians],
            "client_key": key or str(uuid.uuid4()),
            **extra,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url(), data, headers=EN)

    def run_worker(self) -> None:
        # The batch task, then the mail queue's delivery tasks it enqueued.
        for _round in range(4):
            with self.captureOnCommitCallbacks(execute=True):
                if not run_task_worker():
                    return

    def mails_to(self, address: str) -> list[Any]:
        return [m for m in mail.outbox if address in m.to]


class PageTests(GroupInviteTestCase):
    def test_pre_ticking_rule_and_reasons(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(self.url(), headers=EN)
        self.assertEqual(response.status_code, 200)
        by_guardian = {
            invitee.guardian_id: invitee for pupil in response.context["reach"].pupils for invitee in pupil.invitees
        }
        ticked = {gid for gid, i in by_guardian.items() if i.ticked}
        self.assertEqual(ticked, {self.dirk.record.pk, self.fresh.pk, self.oma.pk})
        self.assertTrue(by_guardian[self.paula.record.pk].in_app)
        self.assertEqual(by_guardian[self.paula.record.pk].note, "already in the app")
        self.assertEqual(by_guardian[self.gerda.record.pk].blocked, "no access right")
        self.assertEqual(by_guardian[self.noemail.pk].blocked, "no e-mail address")
        # The HTML: blocked ones cannot be ticked, the pre-ticked ones are checked.
        gerda = self.link_of(self.gerda.record).pk
        self.assertContains(response, f'name="guardianship" value="{gerda}" disabled')
        self.assertContains(response, f'name="guardianship" value="{self.link_of(self.oma).pk}" checked')
        self.assertNotContains(response, f'name="guardianship" value="{self.link_of(self.paula.record).pk}" checked')

    def test_guardian_without_the_app_flag_is_unticked_with_the_reason(self) -> None:
        Guardianship.objects.filter(pk=self.link_of(self.oma).pk).update(app_invitation=False)
        verified_login(self.client, self.tess.user)
        response = self.client.get(self.url(), headers=EN)
        oma = next(i for p in response.context["reach"].pupils for i in p.invitees if i.guardian_id == self.oma.pk)
        self.assertFalse(oma.ticked)
        self.assertEqual(oma.note, "not invited for the app yet")

    def test_share_of_families_reachable(self) -> None:
        verified_login(self.client, self.tess.user)
        response = self.client.get(self.url(), headers=EN)
        # Sam's family (Paula in the app) and Noor's (nobody yet): 1 of 2.
        self.assertContains(response, "1 of 2 families reachable in the app")
        # A twin of Sam in the same group is the same family.
        twin = make_pupil(self.school, "Saar", "Bakker", self.group3)
        link(self.paula.record, twin, "mother")
        response = self.client.get(self.url(), headers=EN)
        self.assertEqual((response.context["reach"].families, response.context["reach"].families_in_app), (2, 1))

    def test_group_page_links_to_the_invitation_for_its_teacher_only(self) -> None:
        verified_login(self.client, self.tess.user)
        self.assertContains(self.client.get(reverse("staff:group", args=[self.group3.pk])), self.url())
        verified_login(self.client, self.pim.user)
        self.assertNotContains(self.client.get(reverse("staff:group", args=[self.group3.pk])), self.url())

    def test_query_count_is_fixed_at_two_group_sizes(self) -> None:
        verified_login(self.client, self.tess.user)
        self.client.get(self.url())
        with count_queries() as small:
            self.assertEqual(self.client.get(self.url()).status_code, 200)
        make_guardians(self.group3, 60, prefix="Groot")
        with count_queries() as large:
            response = self.client.get(self.url())
        self.assertEqual(len(response.context["reach"].pupils), 62)
        assert_same_query_count(small, large, "group invitation page")


class SendingTests(GroupInviteTestCase):
    def test_worker_sends_app_invitation_and_activation_only_where_needed(self) -> None:
        verified_login(self.client, self.tess.user)
        # Oma is unticked (she picks up twice a week); Paula is ticked again on purpose.
        response = self.post(self.dirk.record, self.fresh, self.paula.record)
        batch = InvitationBatch.objects.get()
        self.assertRedirects(
            response,
            reverse("staff:group-invite-batch", args=[self.group3.pk, batch.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual((batch.group_id, batch.total), (self.group3.pk, 3))
        # The request only queued the work.
        self.assertEqual(len(mail.outbox), 0)
        self.assertTrue(DBTaskResult.objects.filter(task_path__endswith="send_invitation_batch").exists())

        self.run_worker()
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.sent_count), (InvitationBatch.Status.DONE, 3))
        self.assertEqual(self.mails_to("oma@test.nl"), [])
        subjects = {
            address: sorted(m.subject for m in self.mails_to(address))
            for address in ("fenna@test.nl", "dirk@test.nl", "paula@test.nl")
        }
        app_subject = "OBS Testschool uses Schoolbrug: install the app"
        app_subject_nl = "OBS Testschool gebruikt Schoolbrug: installeer de app"
        # No account yet and an expired link: app invitation and activation e-mail.
        self.assertEqual(len(subjects["fenna@test.nl"]), 2)
        self.assertEqual(len(subjects["dirk@test.nl"]), 2)
        # Paula's account is activated: the app invitation only.
        self.assertEqual(subjects["paula@test.nl"], [app_subject_nl])
        fenna_app = next(m for m in self.mails_to("fenna@test.nl") if m.subject == app_subject)
        self.assertIn("Noor", fenna_app.body)
        self.assertIn(reverse("accounts:login"), fenna_app.body)
        self.assertIn("separate e-mail with a link to choose your password", fenna_app.body)
        self.assertIn("Tess Leraar", fenna_app.body)
        paula_app = self.mails_to("paula@test.nl")[0]
        self.assertIn("Gebruik het wachtwoord dat u al heeft", paula_app.body)
        self.assertIn("Zet op beginscherm", paula_app.body)
        self.assertTrue(Guardian.objects.get(pk=self.fresh.pk).account_id)
        activated = dict(batch.items.values_list("guardian_id", "activation_sent"))
        self.assertEqual(activated, {self.dirk.record.pk: True, self.fresh.pk: True, self.paula.record.pk: False})

        # A retried task sends nothing twice.
        InvitationBatch.objects.filter(pk=batch.pk).update(status=InvitationBatch.Status.RUNNING)
        sent = len(mail.outbox)
        with self.captureOnCommitCallbacks(execute=True):
            from schoolbrug.sis.guardian_accounts.tasks import send_invitation_batch

            send_invitation_batch.call(batch.pk)
        self.run_worker()
        self.assertEqual(len(mail.outbox), sent)

    def test_a_valid_link_gets_no_new_activation_mail(self) -> None:
        ActivationToken.objects.filter(account=self.dirk.user).update(
            created_at=timezone.now() - dt.timedelta(days=2), expires_at=timezone.now() + dt.timedelta(days=5)
        )
        verified_login(self.client, self.tess.user)
        self.post(self.dirk.record)
        self.run_worker()
        self.assertEqual(
            [m.subject for m in self.mails_to("dirk@test.nl")],
            ["OBS Testschool gebruikt Schoolbrug: installeer de app"],
        )
        self.assertEqual(ActivationToken.objects.filter(account=self.dirk.user).count(), 1)

    def test_needs_activation(self) -> None:
        def needs(guardian: Guardian) -> bool:
            return group_invitations.needs_activation(Guardian.objects.select_related("account").get(pk=guardian.pk))

        self.assertTrue(needs(self.fresh))  # no account
        self.assertTrue(needs(self.dirk.record))  # link expired
        self.assertFalse(needs(self.paula.record))  # activated
        type(self.paula.user).objects.filter(pk=self.paula.user.pk).update(is_active=False)
        self.assertTrue(needs(self.paula.record))  # switched off: the link reactivates it

    def test_double_submit_sends_once(self) -> None:
        verified_login(self.client, self.tess.user)
        key = str(uuid.uuid4())
        first = self.post(self.fresh, key=key)
        second = self.post(self.fresh, key=key)
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(InvitationBatch.objects.count(), 1)
        self.run_worker()
        self.assertEqual(len(self.mails_to("fenna@test.nl")), 2)

    def test_ticking_a_guardian_without_the_flag_turns_it_on(self) -> None:
        Guardianship.objects.filter(pk=self.link_of(self.oma).pk).update(app_invitation=False)
        verified_login(self.client, self.tess.user)
        self.post(self.oma)
        self.assertTrue(self.link_of(self.oma).app_invitation)
        self.run_worker()
        self.assertEqual(len(self.mails_to("oma@test.nl")), 2)

    def test_a_guardian_who_cannot_be_invited_is_refused(self) -> None:
        verified_login(self.client, self.tess.user)
        for guardian, reason in ((self.gerda.record, "no access right"), (self.noemail, "no e-mail address")):
            response = self.post(self.fresh, guardian)
            self.assertContains(response, reason, status_code=400)
        self.assertFalse(InvitationBatch.objects.exists())
        response = self.post()
        self.assertContains(response, "Tick at least one guardian.", status_code=400)

    def test_communication_administrator_may_invite(self) -> None:
        StaffMember.objects.filter(pk=self.pim.record.pk).update(is_communication_admin=True)
        verified_login(self.client, self.pim.user)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        verified_login(self.client, self.ada.user)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_nothing_is_sent_when_the_teacher_left_the_group_meanwhile(self) -> None:
        verified_login(self.client, self.tess.user)
        self.post(self.fresh)
        GroupStaff.objects.filter(staff_member=self.tess.record).delete()
        self.run_worker()
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(InvitationBatch.objects.get().status, InvitationBatch.Status.FAILED)


class AccessTests(GroupInviteTestCase):
    def test_404_for_groups_outside_the_users_reach(self) -> None:
        cases = [
            (self.tess, self.group5),  # not his group
            (self.tess, self.other_group),  # another school
            (self.tess, self.old_group2),  # an earlier year
            (self.pim, self.group3),  # principal, not a communication administrator
            (self.wim, self.group3),  # another school's administrator
        ]
        GroupStaff.objects.create(group=self.old_group2, staff_member=self.tess.record)
        for persona, group in cases:
            verified_login(self.client, persona.user)
            self.assertEqual(self.client.get(self.url(group)).status_code, 404, (persona.user.email, group))
            response = self.client.post(
                self.url(group), {"guardianship": [self.link_of(self.fresh).pk], "client_key": str(uuid.uuid4())}
            )
            self.assertEqual(response.status_code, 404, (persona.user.email, group))
        self.client.force_login(self.paula.user)
        self.assertIn(self.client.get(self.url()).status_code, (302, 404))
        self.assertFalse(InvitationBatch.objects.exists())

    def test_a_guardianship_of_another_group_in_the_form_is_refused(self) -> None:
        verified_login(self.client, self.tess.user)
        otto = Guardianship.objects.get(guardian=self.otto.record)
        data = {"guardianship": [self.link_of(self.fresh).pk, otto.pk], "client_key": str(uuid.uuid4())}
        self.assertEqual(self.client.post(self.url(), data).status_code, 404)
        data["guardianship"] = ["not-an-id"]
        self.assertEqual(self.client.post(self.url(), data).status_code, 404)
        self.assertFalse(InvitationBatch.objects.exists())

    def test_batch_page_only_under_its_own_group(self) -> None:
        verified_login(self.client, self.tess.user)
        self.post(self.fresh)
        batch = InvitationBatch.objects.get()
        self.assertEqual(
            self.client.get(reverse("staff:group-invite-batch", args=[self.group3.pk, batch.pk])).status_code, 200
        )
        GroupStaff.objects.create(group=self.group5, staff_member=self.tess.record)
        self.assertEqual(
            self.client.get(reverse("staff:group-invite-batch", args=[self.group5.pk, batch.pk])).status_code, 404
        )
