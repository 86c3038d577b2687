"""Guardian account overview (ACC-5) and bulk invitations (ACC-2): filters, paging, access,
fixed query counts, the confirmation, and sending in the task worker."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from unittest import mock

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.activation import ActivationToken, activation_token_issue
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis import policies
from schoolbrug.sis.guardian_accounts import selectors
from schoolbrug.sis.guardian_accounts.batch_models import InvitationBatch, InvitationBatchItem
from schoolbrug.sis.guardian_accounts.batch_services import invitation_batch_run
from schoolbrug.sis.guardian_accounts.forms import GuardianAccountFilters
from schoolbrug.sis.guardian_accounts.invitations import REASON_ALREADY_SENT, guardian_reference
from schoolbrug.sis.guardian_accounts.tasks import send_invitation_batch
from schoolbrug.sis.models import Group, Guardian, Guardianship, Placement, Pupil
from schoolbrug.sis.testing import SchoolTestCase

OVERVIEW = "staff:guardian-accounts"
EN = {"accept-language": "en"}


def make_guardians(group: Group, count: int, *, email: str | None = None, prefix: str = "Ouder") -> list[Guardian]:
    """`count` guardians without an account, each with a child in `group` (bulk, for big sizes)."""
    school = group.school
    pupils = Pupil.objects.bulk_create(
        Pupil(school=school, first_name=f"Kind{i}", last_name=f"{prefix}{i:04d}", birth_date=dt.date(2019, 1, 1))
        for i in range(count)
    )
    Placement.objects.bulk_create(Placement(pupil=p, group=group, year_id=group.year_id) for p in pupils)
    guardians = Guardian.objects.bulk_create(
        Guardian(
            school=school,
            first_name=f"Ouder{i}",
            last_name=f"{prefix}{i:04d}",
            email=f"{prefix.lower()}{i}@example.nl" if email is None else email,
        )
        for i in range(count)
    )
    Guardianship.objects.bulk_create(
        Guardianship(pupil=p, guardian=g, relation="parent") for p, g in zip(pupils, guardians, strict=True)
    )
    return guardians


class GuardianAccountsTestCase(SchoolTestCase):
    def login(self, persona: Any) -> None:
        if persona.user.is_staff_member:
            verified_login(self.client, persona.user)
        else:
            self.client.force_login(persona.user)

    def ids(self, response: Any) -> set[int]:
        return {row.guardian_id for row in response.context["rows"]}

    def invite_token(self, guardian: Guardian, *, used: bool = False) -> None:
        activation_token_issue(account=guardian.account, reference=guardian_reference(guardian))
        if used:
            ActivationToken.objects.filter(reference=guardian_reference(guardian)).update(used_at=timezone.now())


class AccessTests(GuardianAccountsTestCase):
    def test_only_application_administrators_of_the_school_get_in(self) -> None:
        batch = InvitationBatch.objects.create(school=self.school, created_by=self.ada.user, client_key=uuid.uuid4())
        get_urls = [
            reverse(OVERVIEW),
            reverse("staff:guardian-accounts-export"),
            reverse("staff:guardian-accounts-batch", args=[batch.pk]),
        ]
        post_urls = [
            reverse("staff:guardian-accounts-confirm"),
            reverse("staff:guardian-accounts-send"),
            reverse("staff:guardian-accounts-batch-resume", args=[batch.pk]),
        ]
        for persona in (self.tess, self.pim, self.paula, self.otto):
            self.login(persona)
            for url in get_urls:
                self.assertEqual(self.client.get(url).status_code, 404, (persona.user.email, url))
            for url in post_urls:
                data = {"guardian": [self.paula.record.pk], "client_key": str(uuid.uuid4())}
                self.assertEqual(self.client.post(url, data).status_code, 404, (persona.user.email, url))
        self.assertEqual(InvitationBatch.objects.count(), 1)
        self.assertFalse(ActivationToken.objects.exists())

        self.login(self.ada)
        for url in get_urls[:1] + get_urls[2:]:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_administrator_of_another_school_sees_none_of_ours(self) -> None:
        batch = InvitationBatch.objects.create(school=self.school, created_by=self.ada.user, client_key=uuid.uuid4())
        self.login(self.wim)
        response = self.client.get(reverse(OVERVIEW))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.ids(response), set())
        self.assertEqual(self.client.get(reverse("staff:guardian-accounts-batch", args=[batch.pk])).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("staff:guardian-accounts-batch-resume", args=[batch.pk])).status_code, 404
        )
        # Our guardians' ids posted by him drop out: nothing to confirm, nothing to send.
        response = self.client.post(reverse("staff:guardian-accounts-confirm"), {"guardian": [self.paula.record.pk]})
        self.assertRedirects(response, reverse(OVERVIEW), fetch_redirect_response=False)
        response = self.client.post(
            reverse("staff:guardian-accounts-send"),
            {"guardian": [self.paula.record.pk], "client_key": str(uuid.uuid4())},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(InvitationBatch.objects.filter(created_by=self.wim.user).count(), 0)
        # A group of our school is not one of his filter choices.
        response = self.client.get(reverse(OVERVIEW), {"group": self.group3.pk})
        self.assertIn("group", response.context["form"].errors)

    def test_anonymous_visitor_is_sent_to_login(self) -> None:
        response = self.client.get(reverse(OVERVIEW))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_nav_link_only_for_application_administrators(self) -> None:
        href = f'href="{reverse(OVERVIEW)}"'
        self.login(self.ada)
        self.assertContains(self.client.get(reverse("staff:groups")), href)
        self.login(self.tess)
        self.assertNotContains(self.client.get(reverse("staff:groups")), href)


class OverviewTests(GuardianAccountsTestCase):
    def test_lists_every_guardian_of_the_school_with_pupils_and_groups(self) -> None:
        self.login(self.ada)
        response = self.client.get(reverse(OVERVIEW))
        ours = {p.record.pk for p in (self.paula, self.dirk, self.gerda, self.otto, self.lars)}
        self.assertEqual(self.ids(response), ours)
        paula = next(r for r in response.context["rows"] if r.guardian_id == self.paula.record.pk)
        self.assertEqual(paula.pupils_text, "Sam Bakker (Groep 3)")
        self.assertEqual(paula.email, "paula@test.nl")
        self.assertTrue(paula.account_active)
        lars = next(r for r in response.context["rows"] if r.guardian_id == self.lars.record.pk)
        self.assertEqual(lars.pupils_text, "Lotte Vos")  # left: no group this year

    def test_filter_on_group(self) -> None:
        self.login(self.ada)
        response = self.client.get(reverse(OVERVIEW), {"group": self.group5.pk})
        self.assertEqual(self.ids(response), {self.otto.record.pk})
        response = self.client.get(reverse(OVERVIEW), {"group": self.group3.pk})
        self.assertEqual(self.ids(response), {self.paula.record.pk, self.dirk.record.pk, self.gerda.record.pk})

    def test_group_filter_offers_only_this_years_groups(self) -> None:
        self.login(self.ada)
        response = self.client.get(reverse(OVERVIEW), {"group": self.old_group2.pk}, headers=EN)
        self.assertEqual(self.ids(response), set())
        self.assertEqual(response.context["form"].errors["group"], ["Choose one of this school year's groups."])
        self.assertContains(response, 'id="id_group_error"')

    def test_filter_on_name_parts(self) -> None:
        self.login(self.ada)
        self.assertEqual(
            self.ids(self.client.get(reverse(OVERVIEW), {"name": "bakker"})),
            {self.paula.record.pk, self.dirk.record.pk},
        )
        self.assertEqual(self.ids(self.client.get(reverse(OVERVIEW), {"name": "Paula Bak"})), {self.paula.record.pk})
        Guardian.objects.filter(pk=self.otto.record.pk).update(prefix="van der")
        self.assertEqual(self.ids(self.client.get(reverse(OVERVIEW), {"name": "van der"})), {self.otto.record.pk})

    def test_filter_on_account_active(self) -> None:
        Account.objects.filter(pk=self.lars.user.pk).update(is_active=False)
        no_account = make_guardians(self.group5, 1, prefix="Zonder")[0]
        self.login(self.ada)
        inactive = self.ids(self.client.get(reverse(OVERVIEW), {"active": "no"}))
        self.assertEqual(inactive, {self.lars.record.pk, no_account.pk})
        active = self.ids(self.client.get(reverse(OVERVIEW), {"active": "yes"}))
        self.assertEqual(active, {p.record.pk for p in (self.paula, self.dirk, self.gerda, self.otto)})

    def test_filter_on_invited(self) -> None:
        self.invite_token(self.paula.record)
        self.login(self.ada)
        self.assertEqual(self.ids(self.client.get(reverse(OVERVIEW), {"invited": "yes"})), {self.paula.record.pk})
        self.assertNotIn(self.paula.record.pk, self.ids(self.client.get(reverse(OVERVIEW), {"invited": "no"})))
        self.assertEqual(len(self.ids(self.client.get(reverse(OVERVIEW), {"invited": "no"}))), 4)

    def test_filter_on_activated(self) -> None:
        self.invite_token(self.paula.record, used=True)  # redeemed link
        Account.objects.filter(pk=self.otto.user.pk).update(last_login=timezone.now())  # logged in
        self.invite_token(self.dirk.record)  # invited, not yet used
        self.login(self.ada)
        activated = self.ids(self.client.get(reverse(OVERVIEW), {"activated": "yes"}))
        self.assertEqual(activated, {self.paula.record.pk, self.otto.record.pk})
        not_activated = self.ids(self.client.get(reverse(OVERVIEW), {"activated": "no"}))
        self.assertEqual(not_activated, {self.dirk.record.pk, self.gerda.record.pk, self.lars.record.pk})

    def test_filter_on_reachable_in_app(self) -> None:
        # Reachable: the one rule (access right, app flag, enrolled child) and an activated,
        # active account. Paula and Otto logged in; Gerda logged in too but has no access right;
        # Lars logged in but his child left; Dirk has the rights but never activated.
        Account.objects.filter(
            pk__in=[self.paula.user.pk, self.otto.user.pk, self.gerda.user.pk, self.lars.user.pk]
        ).update(last_login=timezone.now())
        self.login(self.ada)
        reachable = self.ids(self.client.get(reverse(OVERVIEW), {"reachable": "yes"}))
        self.assertEqual(reachable, {self.paula.record.pk, self.otto.record.pk})
        unreachable = self.ids(self.client.get(reverse(OVERVIEW), {"reachable": "no"}))
        self.assertEqual(unreachable, {self.dirk.record.pk, self.gerda.record.pk, self.lars.record.pk})
        # The app invitation flag off, or the account switched off: no longer reachable.
        Guardianship.objects.filter(guardian=self.otto.record).update(app_invitation=False)
        Account.objects.filter(pk=self.paula.user.pk).update(is_active=False)
        self.assertEqual(self.ids(self.client.get(reverse(OVERVIEW), {"reachable": "yes"})), set())
        response = self.client.get(reverse(OVERVIEW), {"reachable": "no"}, headers=EN)
        self.assertContains(response, 'data-reachable="no"', count=5)

    def test_filters_combine(self) -> None:
        self.invite_token(self.dirk.record)
        self.login(self.ada)
        response = self.client.get(reverse(OVERVIEW), {"group": str(self.group3.pk), "invited": "no", "name": "bakker"})
        self.assertEqual(self.ids(response), {self.paula.record.pk})

    def test_bad_tri_state_value_is_a_field_error(self) -> None:
        self.login(self.ada)
        response = self.client.get(reverse(OVERVIEW), {"active": "maybe"})
        self.assertIn("active", response.context["form"].errors)
        self.assertEqual(self.ids(response), set())

    def test_paging_keeps_the_filters(self) -> None:
        make_guardians(self.group5, 60, prefix="Pagina")
        self.login(self.ada)
        response = self.client.get(reverse(OVERVIEW), {"name": "pagina"})
        self.assertEqual(len(response.context["rows"]), 50)
        self.assertEqual(response.context["page"].paginator.count, 60)
        self.assertContains(response, 'href="?name=pagina&amp;page=2"')
        response = self.client.get(reverse(OVERVIEW), {"name": "pagina", "page": "2"})
        self.assertEqual(len(response.context["rows"]), 10)
        # The export link carries the filters too.
        self.assertContains(response, f'href="{reverse("staff:guardian-accounts-export")}?name=pagina"')

    def test_query_count_is_fixed(self) -> None:
        self.login(self.ada)
        make_guardians(self.group3, 10, prefix="Klein")
        self.client.get(reverse(OVERVIEW))  # warm the session and the staff member
        with count_queries() as small:
            self.assertEqual(self.client.get(reverse(OVERVIEW)).status_code, 200)
        make_guardians(self.group5, 190, prefix="Groot")
        with count_queries() as large:
            self.assertEqual(self.client.get(reverse(OVERVIEW)).status_code, 200)
        assert_same_query_count(small, large, "guardian account overview")
        # The same with the "reachable in app" filter (ACC-5).
        with count_queries() as filtered:
            self.assertEqual(self.client.get(reverse(OVERVIEW), {"reachable": "no"}).status_code, 200)
        assert_same_query_count(small, filtered, "guardian account overview, reachable filter")

    def test_selector_is_one_query_plus_fixed_prefetches(self) -> None:
        def fetch() -> int:
            user = Account.objects.get(pk=self.ada.user.pk)
            policies.require_application_admin(user)  # caches the staff member
            with count_queries() as queries:
                rows = selectors.rows_of(selectors.guardian_account_rows(user=user, filters=GuardianAccountFilters()))
            self.assertTrue(all(row.pupils for row in rows))
            return len(queries)

        make_guardians(self.group3, 10, prefix="Klein")
        small = fetch()
        make_guardians(self.group5, 190, prefix="Groot")
        self.assertEqual(fetch(), small)
        self.assertEqual(small, 3)  # guardians with flags, their links with pupils, placements with groups

    def test_the_overview_finds_invitations_by_the_services_reference(self) -> None:
        # The overview builds the reference in SQL; it must match the service's own.
        self.invite_token(self.paula.record)
        rows = selectors.rows_of(selectors.guardian_account_rows(user=self.ada.user, filters=GuardianAccountFilters()))
        invited = {row.guardian_id for row in rows if row.invited}
        self.assertEqual(invited, {self.paula.record.pk})


class ConfirmAndSendTests(GuardianAccountsTestCase):
    def confirm(self, data: dict[str, Any]) -> Any:
        return self.client.post(reverse("staff:guardian-accounts-confirm"), data, headers=EN)

    def test_confirmation_states_how_many_will_be_sent(self) -> None:
        Guardian.objects.filter(pk=self.gerda.record.pk).update(email="")
        self.login(self.ada)
        ticked = [self.paula.record.pk, self.dirk.record.pk, self.gerda.record.pk, self.wim.user.pk + 9999]
        response = self.confirm({"guardian": ticked})
        summary = response.context["summary"]
        self.assertEqual((summary.total, summary.to_send, summary.without_email), (3, 2, 1))
        self.assertContains(response, "2 invitations will be sent.")
        self.assertContains(response, "1 selected guardian has no valid e-mail address and will be skipped.")
        self.assertFalse(InvitationBatch.objects.exists())  # confirming sends nothing

    def test_all_filtered_counts_every_page(self) -> None:
        make_guardians(self.group5, 70, prefix="Alle")
        make_guardians(self.group5, 3, prefix="Kapot", email="geen-adres")
        self.login(self.ada)
        response = self.confirm({"name": "alle", "all_filtered": "1"})
        self.assertEqual(response.context["summary"].to_send, 70)
        self.assertContains(response, "70 invitations will be sent.")
        self.assertContains(response, '<input type="hidden" name="name" value="alle">')
        response = self.confirm({"name": "kapot", "all_filtered": "1"})
        self.assertEqual(response.context["summary"].without_email, 3)

    def test_nothing_selected_gives_a_clear_message(self) -> None:
        self.login(self.ada)
        response = self.client.post(reverse("staff:guardian-accounts-confirm"), {"name": "bakker"}, headers=EN)
        self.assertRedirects(response, reverse(OVERVIEW) + "?name=bakker", fetch_redirect_response=False)
        response = self.client.get(response["Location"], headers=EN)
        self.assertContains(response, "Select at least one guardian")

    def test_repeated_confirm_creates_one_batch(self) -> None:
        self.login(self.ada)
        data = {"guardian": [self.paula.record.pk, self.dirk.record.pk], "client_key": str(uuid.uuid4())}
        first = self.client.post(reverse("staff:guardian-accounts-send"), data)
        second = self.client.post(reverse("staff:guardian-accounts-send"), data)
        batch = InvitationBatch.objects.get()
        self.assertEqual(batch.total, 2)
        self.assertEqual(InvitationBatchItem.objects.count(), 2)
        url = reverse("staff:guardian-accounts-batch", args=[batch.pk])
        self.assertRedirects(first, url, fetch_redirect_response=False)
        self.assertRedirects(second, url, fetch_redirect_response=False)

    def test_invalid_client_key_is_refused(self) -> None:
        self.login(self.ada)
        response = self.client.post(
            reverse("staff:guardian-accounts-send"), {"guardian": [self.paula.record.pk], "client_key": "x"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(InvitationBatch.objects.exists())

    @override_settings(SCHOOLBRUG_INVITATION_BATCHES_PER_HOUR=2)
    def test_too_many_batches_per_hour_answers_429(self) -> None:
        self.login(self.ada)
        for _ in range(2):
            data = {"guardian": [self.paula.record.pk], "client_key": str(uuid.uuid4())}
            self.assertEqual(self.client.post(reverse("staff:guardian-accounts-send"), data).status_code, 302)
        data = {"guardian": [self.paula.record.pk], "client_key": str(uuid.uuid4())}
        response = self.client.post(reverse("staff:guardian-accounts-send"), data, headers=EN)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "2 invitation batches in the past hour", status_code=429)
        self.assertEqual(InvitationBatch.objects.count(), 2)

    def test_400_guardians_are_only_queued_by_the_request_then_sent_by_the_worker(self) -> None:
        make_guardians(self.group5, 390, prefix="Veel")
        make_guardians(self.group5, 6, prefix="Leeg", email="")
        make_guardians(self.group5, 4, prefix="Fout", email="geen-apenstaartje.nl")
        self.login(self.ada)
        key = str(uuid.uuid4())
        data = {"group": self.group5.pk, "all_filtered": "1", "client_key": key}
        with (
            mock.patch("schoolbrug.sis.guardian_accounts.invitations.guardian_invite") as invite,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(reverse("staff:guardian-accounts-send"), data)
        batch = InvitationBatch.objects.get()
        self.assertRedirects(
            response, reverse("staff:guardian-accounts-batch", args=[batch.pk]), fetch_redirect_response=False
        )
        # The request wrote the batch and enqueued the task for the database worker; no worker
        # runs here, so nothing has been sent yet.
        invite.assert_not_called()
        self.assertEqual(len(mail.outbox), 0)
        self.assertFalse(ActivationToken.objects.exists())
        self.assertEqual((batch.total, batch.status), (401, InvitationBatch.Status.QUEUED))  # + otto
        task = DBTaskResult.objects.get()
        self.assertTrue(task.task_path.endswith("tasks.send_invitation_batch"))
        self.assertEqual(task.args_kwargs["args"], [batch.pk])

        with self.captureOnCommitCallbacks(execute=True):
            send_invitation_batch.call(batch.pk)
        batch.refresh_from_db()
        self.assertEqual(batch.status, InvitationBatch.Status.DONE)
        self.assertEqual((batch.sent_count, batch.skipped_count), (391, 10))
        self.assertEqual(len(mail.outbox), 391)
        self.assertEqual(ActivationToken.objects.filter(batch_key=str(batch.pk)).count(), 391)
        reasons = dict(InvitationBatchItem.objects.filter(state="skipped").values_list("guardian__last_name", "reason"))
        self.assertEqual(reasons["Leeg0000"], selectors.NO_EMAIL)
        self.assertEqual(reasons["Fout0000"], selectors.INVALID_EMAIL)

        # The batch page lists the skipped guardians with the reason.
        response = self.client.get(reverse("staff:guardian-accounts-batch", args=[batch.pk]), headers=EN)
        self.assertContains(response, 'data-sent="391"')
        self.assertContains(response, "no e-mail address", count=6)
        self.assertContains(response, "invalid e-mail address", count=4)
        self.assertNotContains(response, "hx-trigger")  # done: polling stops

        # Running it again (a retried task) sends nothing twice.
        invitation_batch_run(batch_id=batch.pk)
        batch.status = InvitationBatch.Status.RUNNING
        batch.save(update_fields=["status"])
        with self.captureOnCommitCallbacks(execute=True):
            invitation_batch_run(batch_id=batch.pk)
        self.assertEqual(len(mail.outbox), 391)
        batch.refresh_from_db()
        self.assertEqual((batch.sent_count, batch.skipped_count), (391, 10))


class BatchProgressTests(GuardianAccountsTestCase):
    def make_batch(self, *guardians: Guardian, **fields: Any) -> InvitationBatch:
        batch = InvitationBatch.objects.create(
            school=self.school, created_by=self.ada.user, client_key=uuid.uuid4(), total=len(guardians), **fields
        )
        InvitationBatchItem.objects.bulk_create(InvitationBatchItem(batch=batch, guardian=g) for g in guardians)
        return batch

    def test_progress_partial_polls_while_sending(self) -> None:
        batch = self.make_batch(self.paula.record, self.dirk.record, status=InvitationBatch.Status.RUNNING)
        InvitationBatch.objects.filter(pk=batch.pk).update(sent_count=1, heartbeat_at=timezone.now())
        self.login(self.ada)
        url = reverse("staff:guardian-accounts-batch", args=[batch.pk])
        response = self.client.get(url, headers={"HX-Request": "true"})
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<section id="batch-progress"'))
        self.assertIn(f'hx-get="{url}"', html)
        self.assertIn('hx-trigger="every 2s"', html)
        self.assertIn('data-sent="1"', html)
        self.assertNotIn("<html", html)
        self.assertNotIn("resume-batch", html)

    def test_a_stalled_batch_can_be_resumed_without_sending_twice(self) -> None:
        batch = self.make_batch(self.paula.record, self.dirk.record)
        InvitationBatch.objects.filter(pk=batch.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=30), status=InvitationBatch.Status.RUNNING
        )
        with self.captureOnCommitCallbacks(execute=True):
            from schoolbrug.sis.guardian_accounts.invitations import guardian_invite

            guardian_invite(actor=self.ada.user, guardian=self.paula.record, batch_key=str(batch.pk))
        InvitationBatchItem.objects.filter(guardian=self.paula.record).update(state="sent")
        self.login(self.ada)
        url = reverse("staff:guardian-accounts-batch", args=[batch.pk])
        self.assertContains(self.client.get(url), "resume-batch")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("staff:guardian-accounts-batch-resume", args=[batch.pk]))
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(DBTaskResult.objects.get().args_kwargs["args"], [batch.pk])
        with self.captureOnCommitCallbacks(execute=True):
            invitation_batch_run(batch_id=batch.pk)
        self.assertEqual([m.to for m in mail.outbox], [["paula@test.nl"], ["dirk@test.nl"]])

    def test_batch_page_query_count_is_fixed(self) -> None:
        def page_queries(count: int, prefix: str) -> Any:
            guardians = make_guardians(self.group5, count, prefix=prefix, email="")
            batch = self.make_batch(*guardians)
            invitation_batch_run(batch_id=batch.pk)
            url = reverse("staff:guardian-accounts-batch", args=[batch.pk])
            self.client.get(url)
            with count_queries() as queries:
                response = self.client.get(url)
            self.assertEqual(len(response.context["skipped"]), count)
            return queries

        self.login(self.ada)
        assert_same_query_count(page_queries(3, "Weinig"), page_queries(80, "Veel"), "invitation batch page")

    def test_a_vanished_batch_is_not_an_error_for_the_worker(self) -> None:
        with self.assertLogs("schoolbrug.sis.guardian_accounts.tasks", "WARNING") as logs:
            send_invitation_batch.call(987654)  # returns instead of raising: nothing to retry
        self.assertIn("Invitation batch 987654 no longer exists.", logs.output[0])
        self.assertEqual(len(mail.outbox), 0)

    def test_invitation_service_skips_are_reported(self) -> None:
        batch = self.make_batch(self.paula.record)
        # A worker that died after issuing her token: the invitation service itself skips her now.
        activation_token_issue(
            account=self.paula.user, reference=guardian_reference(self.paula.record), batch_key=str(batch.pk)
        )
        invitation_batch_run(batch_id=batch.pk)
        item = batch.items.get()
        self.assertEqual((item.state, item.reason), ("skipped", str(REASON_ALREADY_SENT)))
        self.assertEqual(len(mail.outbox), 0)

    def test_nothing_is_sent_when_the_creator_is_no_longer_administrator(self) -> None:
        batch = self.make_batch(self.paula.record)
        self.ada.record.is_application_admin = False
        self.ada.record.save()
        invitation_batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
        self.assertEqual(batch.status, InvitationBatch.Status.FAILED)
        self.assertEqual(batch.items.get().state, "pending")
        self.assertEqual(len(mail.outbox), 0)


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}})
class ImmediateTaskTests(GuardianAccountsTestCase):
    def test_confirm_to_done_with_the_immediate_backend(self) -> None:
        self.login(self.ada)
        data = {"guardian": [self.paula.record.pk, self.otto.record.pk], "client_key": str(uuid.uuid4())}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("staff:guardian-accounts-send"), data)
        batch = InvitationBatch.objects.get()
        self.assertEqual((batch.status, batch.sent_count), (InvitationBatch.Status.DONE, 2))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["otto@test.nl", "paula@test.nl"])
