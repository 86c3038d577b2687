"""The communication overview (MSG-9): posts of the agreed kind per group per week against the
target, and the share of families who saw them; a fixed number of queries."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.messaging.models import PostKind, Receipt
from schoolbrug.messaging.services import create_post
from schoolbrug.messaging.testing import add_families
from schoolbrug.sis.testing import SchoolTestCase, make_group


class CommunicationOverviewTests(SchoolTestCase):
    def test_posts_against_the_target_and_families_who_saw_them(self) -> None:
        impression = PostKind.objects.get(school=self.school, name="Groepsindruk")
        practical = PostKind.objects.get(school=self.school, name="Praktische mededeling")
        space = self.group3.space
        create_post(actor=self.tess.user, text="Boerderij", kind=impression, spaces=[space])
        create_post(actor=self.tess.user, text="Gymspullen", kind=practical, spaces=[space])
        Receipt.objects.filter(account=self.paula.user).update(seen_at=timezone.now())
        client = Client()
        verified_login(client, self.pim.user)  # the principal is no communication administrator
        self.assertEqual(client.get(reverse("messaging:overview")).status_code, 404)
        verified_login(client, self.ada.user)
        with count_queries() as small:
            page = client.get(reverse("messaging:overview"))
        row = next(r for r in page.context["rows"] if r.space == space)
        this_week = row.weeks[-1]
        self.assertEqual((this_week.posts, this_week.target, this_week.on_target), (1, 2, False))
        # One family (Sam: Paula saw it, Dirk did not) reached and seen.
        self.assertEqual((this_week.family_posts, this_week.seen_percentage), (1, 100))
        self.assertEqual(len(row.weeks), 8)
        self.assertContains(page, "1/2")
        # More groups, families and posts: the same queries.
        for n in range(3):
            group = make_group(self.school, self.year, f"Groep 8{n}", 8)
            add_families(group, 5, f"o{n}")
            create_post(actor=self.tess.user, text="Uitje", kind=impression, spaces=[group.space, space])
        with count_queries() as large:
            page = client.get(reverse("messaging:overview"))
        assert_same_query_count(small, large, "communication overview")
        row = next(r for r in page.context["rows"] if r.space == space)
        self.assertEqual(row.weeks[-1].posts, 4)
        self.assertEqual(row.weeks[-1].seen_percentage, 25)
