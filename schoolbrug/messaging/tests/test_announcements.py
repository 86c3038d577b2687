"""Announcements (MSG-3): posting, who reaches them, seen by N of M, editing and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.messaging.models import Post, PostKind, Receipt, SpaceFollow
from schoolbrug.messaging.selectors import member_accounts_of
from schoolbrug.messaging.services import mark_everything_read, publish_due_posts
from schoolbrug.notifications.models import Delivery, Notification, NotificationKind, SpaceMute
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import post, school_space


class PostingTests(SchoolTestCase):
    def login(self, persona) -> Client:  # type: ignore[no-untyped-def]
        client = Client()
        if persona.user.is_staff_member:
            verified_login(client, persona.user)
        else:
            client.force_login(persona.user)
        return client

    def form(self, **data):  # type: ignore[no-untyped-def]
        kind = PostKind.objects.filter(school=self.school).first()
        assert kind is not None
        base = {"text": "Morgen gymspullen mee!", "kind": kind.pk, "spaces": [self.group3.space.pk]}
        base.update(data)
        return base

    def test_every_school_gets_the_default_kinds(self) -> None:
        names = list(PostKind.objects.filter(school=self.school).values_list("name", "weekly_target"))
        self.assertEqual(names, [("Groepsindruk", 2), ("Praktische mededeling", 0)])

    def test_a_teacher_posts_to_two_groups_and_their_families_are_reached_once(self) -> None:
        response = self.login(self.tess).post(
            reverse("messaging:post-new"), self.form(spaces=[self.group3.space.pk, self.group5.space.pk])
        )
        made = Post.objects.get()
        self.assertRedirects(response, reverse("messaging:post", args=[made.pk]))
        reached = set(Receipt.objects.filter(post=made).values_list("account_id", flat=True))
        self.assertEqual(reached, {self.paula.user.pk, self.dirk.user.pk, self.otto.user.pk})
        self.assertEqual(made.recipient_count, 3)
        notified = Notification.objects.filter(dedupe_key=f"announcement:{made.pk}")
        self.assertEqual(notified.count(), 3)
        self.assertEqual(notified.first().kind, NotificationKind.ANNOUNCEMENT)  # type: ignore[union-attr]

    def test_guardians_see_only_their_childrens_spaces(self) -> None:
        made = post(self.tess, self.group3.space)
        self.assertContains(self.login(self.paula).get(reverse("messaging:timeline")), "boerderij")
        otto = self.login(self.otto)
        self.assertNotContains(otto.get(reverse("messaging:timeline")), "boerderij")
        self.assertEqual(otto.get(reverse("messaging:post", args=[made.pk])).status_code, 404)
        self.assertEqual(otto.get(reverse("messaging:space", args=[self.group3.space.pk])).status_code, 404)
        wim = self.login(self.wim)
        self.assertEqual(wim.get(reverse("messaging:post", args=[made.pk])).status_code, 404)

    def test_opening_the_timeline_marks_the_shown_posts_seen_and_the_author_sees_the_count(self) -> None:
        made = post(self.tess, self.group3.space)
        tess = self.login(self.tess)
        self.assertContains(tess.get(reverse("messaging:timeline")), "gezien door 0 van 2")
        self.login(self.paula).get(reverse("messaging:timeline"))
        self.assertIsNotNone(Receipt.objects.get(post=made, account=self.paula.user).seen_at)
        self.assertIsNone(Receipt.objects.get(post=made, account=self.dirk.user).seen_at)
        self.assertContains(tess.get(reverse("messaging:timeline")), "gezien door 1 van 2")
        page = tess.get(reverse("messaging:post-seen", args=[made.pk]))
        self.assertContains(page, "Sam Bakker")
        self.assertEqual(page.context["families_seen"], 1)
        # Another teacher, and guardians, never see the list.
        self.assertEqual(self.login(self.paula).get(reverse("messaging:post-seen", args=[made.pk])).status_code, 404)

    def test_post_receipts_notifications_and_deliveries_share_one_transaction(self) -> None:
        made = post(self.tess, self.group3.space)
        self.assertEqual(Receipt.objects.filter(post=made).count(), 2)
        self.assertTrue(Delivery.objects.filter(notification__dedupe_key=f"announcement:{made.pk}").exists())

    def test_bad_input_is_refused_and_nothing_is_saved(self) -> None:
        tess = self.login(self.tess)
        other_space = self.other_group.space.pk
        colleagues = self.school.spaces.get(kind="colleagues").pk
        cases: list[tuple[dict[str, Any], str]] = [
            ({"text": "   "}, "text"),
            ({"text": "\n \n"}, "text"),
            ({"spaces": []}, "spaces"),
            ({"spaces": [other_space]}, "spaces"),
            ({"spaces": [school_space(self.school).pk]}, "spaces"),  # only communication admins
            ({"spaces": [self.old_group2.space.pk]}, "spaces"),  # a previous year
            ({"publish_at": "2020-01-01T10:00"}, "publish_at"),
        ]
        for data, field in cases:
            response = tess.post(reverse("messaging:post-new"), self.form(**data))
            self.assertEqual(response.status_code, 200, data)
            self.assertIn(field, response.context["form"].errors, data)
        self.assertFalse(Post.objects.exists())
        self.assertFalse(Notification.objects.exists())
        # urgent is only offered to communication administrators: a forged field is ignored.
        tess.post(reverse("messaging:post-new"), self.form(urgent="on", spaces=[colleagues]))
        self.assertFalse(Post.objects.get().urgent)
        with self.assertRaises(ValidationError):
            post(self.tess, self.group3.space, urgent=True)

    def test_guardians_never_post(self) -> None:
        paula = self.login(self.paula)
        self.assertEqual(paula.get(reverse("messaging:post-new")).status_code, 404)
        self.assertEqual(paula.post(reverse("messaging:post-new"), self.form()).status_code, 404)
        self.assertFalse(Post.objects.exists())

    def test_a_communication_admin_posts_urgent_to_the_whole_school(self) -> None:
        made = post(self.ada, school_space(self.school), urgent=True)
        self.assertTrue(made.urgent)
        self.assertTrue(Notification.objects.filter(recipient=self.otto.user, urgent=True).exists())

    def test_edit_and_delete_by_the_author_and_administrators_only(self) -> None:
        made = post(self.tess, self.group3.space)
        pim = self.login(self.pim)  # a colleague, not an administrator
        for name in ("messaging:post-edit", "messaging:post-delete"):
            self.assertEqual(pim.get(reverse(name, args=[made.pk])).status_code, 404)
            self.assertEqual(pim.post(reverse(name, args=[made.pk]), {"confirm": "yes"}).status_code, 404)
        self.assertEqual(self.login(self.paula).post(reverse("messaging:post-edit", args=[made.pk])).status_code, 404)
        tess = self.login(self.tess)
        response = tess.post(reverse("messaging:post-edit", args=[made.pk]), self.form(text="Aangepast"))
        self.assertRedirects(response, reverse("messaging:post", args=[made.pk]))
        made.refresh_from_db()
        self.assertEqual(made.text, "Aangepast")
        self.assertIsNotNone(made.edited_at)
        ada = self.login(self.ada)
        self.assertEqual(ada.post(reverse("messaging:post-delete", args=[made.pk])).status_code, 200)  # the question
        ada.post(reverse("messaging:post-delete", args=[made.pk]), {"confirm": "yes"})
        self.assertFalse(Post.objects.exists())
        self.assertFalse(Notification.objects.filter(dedupe_key=f"announcement:{made.pk}").exists())

    def test_formatting_is_a_safe_subset(self) -> None:
        made = post(self.tess, self.group3.space, text="**Let op** <script>alert(1)</script> [site](https://x.nl)")
        page = self.login(self.paula).get(reverse("messaging:post", args=[made.pk]))
        self.assertContains(page, "<strong>Let op</strong>")
        self.assertNotContains(page, "<script>alert")
        self.assertContains(page, '<a href="https://x.nl" rel="noopener">site</a>', html=True)

    def test_a_scheduled_post_is_fanned_out_when_its_moment_comes(self) -> None:
        later = timezone.now() + dt.timedelta(days=2)
        made = post(self.tess, self.group3.space, publish_at=later)
        self.assertIsNone(made.published_at)
        self.assertFalse(Receipt.objects.exists())
        self.assertFalse(Notification.objects.exists())
        self.assertNotContains(self.login(self.paula).get(reverse("messaging:timeline")), "boerderij")
        self.assertContains(self.login(self.tess).get(reverse("messaging:timeline")), "Ingepland")
        self.assertEqual(publish_due_posts(now=timezone.now()), 0)
        self.assertEqual(publish_due_posts(now=later + dt.timedelta(seconds=1)), 1)
        self.assertEqual(Receipt.objects.filter(post=made).count(), 2)
        self.assertEqual(publish_due_posts(now=later + dt.timedelta(minutes=5)), 0)  # never twice

    def test_the_form_reads_the_moment_in_the_schools_time_zone(self) -> None:
        self.school.time_zone = "America/Curacao"
        self.school.save()
        tomorrow = timezone.localtime(timezone.now(), dt.UTC).date() + dt.timedelta(days=2)
        self.login(self.tess).post(reverse("messaging:post-new"), self.form(publish_at=f"{tomorrow}T08:00"))
        made = Post.objects.get()
        self.assertEqual(made.publish_at, dt.datetime.combine(tomorrow, dt.time(12, 0), tzinfo=dt.UTC))


class FollowMuteReadTests(SchoolTestCase):
    def test_a_follower_is_reached_and_sees_the_group_in_his_overview(self) -> None:
        self.assertNotIn(self.pim.user, member_accounts_of([self.group5.space]))
        client = Client()
        verified_login(client, self.pim.user)
        refused = client.post(reverse("messaging:follow"), {"spaces": [self.other_group.space.pk]})
        self.assertIn("spaces", refused.context["form"].errors)
        client.post(reverse("messaging:follow"), {"spaces": [self.group5.space.pk]})
        self.assertEqual(list(SpaceFollow.objects.values_list("space_id", flat=True)), [self.group5.space.pk])
        self.assertIn(self.pim.user, member_accounts_of([self.group5.space]))
        self.assertContains(client.get(reverse("messaging:spaces")), self.group5.name)
        # A follower who left the school is reached no more.
        StaffMember.objects.filter(pk=self.pim.record.pk).update(is_active=False)
        self.assertNotIn(self.pim.user, member_accounts_of([self.group5.space]))

    def test_a_muted_space_keeps_its_posts_in_the_app_only(self) -> None:
        client = Client()
        client.force_login(self.paula.user)
        client.post(reverse("messaging:space-mute", args=[self.group3.space.pk]), {"muted": "1"})
        self.assertTrue(
            SpaceMute.objects.filter(account=self.paula.user, space_key=self.group3.space.mute_key).exists()
        )
        made = post(self.tess, self.group3.space)
        mine = Notification.objects.get(recipient=self.paula.user, dedupe_key=f"announcement:{made.pk}")
        self.assertFalse(mine.deliveries.filter(channel="push").exists())
        self.assertEqual(mine.space_key, self.group3.space.mute_key)
        dirk = Notification.objects.get(recipient=self.dirk.user, dedupe_key=f"announcement:{made.pk}")
        self.assertTrue(dirk.deliveries.exists())

    def test_mark_everything_read_is_one_bulk_update(self) -> None:
        for _ in range(3):
            post(self.tess, self.group3.space)
        with self.assertNumQueries(2):
            self.assertEqual(mark_everything_read(self.paula.user), 3)
        self.assertFalse(Receipt.objects.filter(account=self.paula.user, seen_at__isnull=True).exists())
        self.assertFalse(Notification.objects.filter(recipient=self.paula.user, read_at__isnull=True).exists())

    def test_the_school_wide_space_is_renamed_and_switched_by_the_communication_admin_only(self) -> None:
        space = school_space(self.school)
        tess = Client()
        verified_login(tess, self.tess.user)
        self.assertEqual(tess.get(reverse("messaging:school-space")).status_code, 404)
        ada = Client()
        verified_login(ada, self.ada.user)
        ada.post(reverse("messaging:school-space"), {"name": "Iedereen", "is_enabled": ""})
        space.refresh_from_db()
        self.assertEqual((space.name, space.is_enabled), ("Iedereen", False))
        paula = Client()
        paula.force_login(self.paula.user)
        self.assertEqual(paula.get(reverse("messaging:space", args=[space.pk])).status_code, 404)
        ada.post(reverse("messaging:school-space"), {"name": "Iedereen", "is_enabled": "on"})
        self.assertContains(paula.get(reverse("messaging:spaces")), "Iedereen")

    def test_previous_school_years_are_listed_apart(self) -> None:
        paula = Client()
        paula.force_login(self.paula.user)
        page = paula.get(reverse("messaging:spaces"))
        self.assertEqual([s.pk for s in page.context["previous"]], [self.old_group2.space.pk])
        self.assertIn(self.group3.space, page.context["current"])


class GuardianHomeTests(SchoolTestCase):
    def test_the_home_shows_the_childs_announcements_unseen_first_in_fixed_queries(self) -> None:
        from schoolbrug.core.testing import assert_same_query_count, count_queries

        client = Client()
        client.force_login(self.paula.user)
        seen = post(self.tess, self.group3.space, text="Eerder bericht")
        Receipt.objects.filter(post=seen).update(seen_at=timezone.now())
        with count_queries() as few:
            response = client.get(reverse("portal:home"))
        self.assertEqual([p.pk for p in response.context["posts"]], [seen.pk])
        for n in range(6):
            post(self.tess, self.group3.space, text=f"Nieuw {n}")
        post(self.tess, self.group5.space, text="Niet voor Sam")
        with count_queries() as many:
            response = client.get(reverse("portal:home"))
        assert_same_query_count(few, many, "guardian home with announcements")
        shown = response.context["posts"]
        self.assertEqual(len(shown), 5)
        self.assertTrue(all(p.unseen for p in shown))
        self.assertEqual(shown[0].text, "Nieuw 5")
        self.assertNotContains(response, "Niet voor Sam")


class QueryCountTests(SchoolTestCase):
    def test_timeline_and_seen_pages_take_the_same_queries_with_more_posts_and_families(self) -> None:
        from schoolbrug.core.testing import assert_same_query_count, count_queries
        from schoolbrug.messaging.testing import add_families

        made = post(self.tess, self.group3.space, self.group5.space)
        paula = Client()
        paula.force_login(self.paula.user)
        tess = Client()
        verified_login(tess, self.tess.user)
        urls = [
            (paula, reverse("messaging:timeline")),
            (paula, reverse("messaging:space", args=[self.group3.space.pk])),
            (tess, reverse("messaging:timeline")),
        ]
        seen_url = reverse("messaging:post-seen", args=[made.pk])
        small = {url: None for _client, url in urls}
        for client, url in urls:
            client.get(url)  # first visit marks seen; compare steady visits
            with count_queries() as counted:
                client.get(url)
            small[url] = counted  # type: ignore[assignment]
        with count_queries() as seen_small:
            tess.get(seen_url)
        add_families(self.group3, 30, "extra")
        for n in range(8):
            post(self.tess, self.group3.space, self.school.spaces.get(kind="colleagues"), text=f"Bericht {n}")
        big = post(self.tess, self.group3.space, self.group5.space)
        for client, url in urls:
            client.get(url)
            with count_queries() as counted:
                client.get(url)
            assert_same_query_count(small[url], counted, url)  # type: ignore[arg-type]
        with count_queries() as seen_large:
            page = tess.get(reverse("messaging:post-seen", args=[big.pk]))
        assert_same_query_count(seen_small, seen_large, "seen by")
        self.assertEqual(len(page.context["families"]), 32)
