"""Messaging routes tried by a guardian with objects that exist but belong to another family's
group or another school: 404 on GET and POST alike, as for a missing object."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from schoolbrug.messaging.models import Post
from schoolbrug.sis.testing import SchoolTestCase, make_staff_account

from .helpers import post

POST_ROUTES = (
    "messaging:post",
    "messaging:post-edit",
    "messaging:post-delete",
    "messaging:post-seen",
    "messaging:author-photo",
)
SPACE_ROUTES = ("messaging:space", "messaging:space-mute")


class GuardianPrivacyMatrixTests(SchoolTestCase):
    def test_another_groups_and_another_schools_objects_answer_404(self) -> None:
        elders = make_staff_account(self.other_school, "els@test.nl", "Els", "Elders")
        hidden_posts = [post(self.tess, self.group5.space), post(elders, self.other_group.space)]
        own = post(self.tess, self.group3.space)
        client = Client()
        client.force_login(self.paula.user)
        self.assertEqual(client.get(reverse("messaging:post", args=[own.pk])).status_code, 200)
        for hidden in hidden_posts:
            for name in POST_ROUTES:
                url = reverse(name, args=[hidden.pk])
                self.assertEqual(client.get(url).status_code, 404, url)
                self.assertEqual(client.post(url, {"confirm": "yes", "text": "x"}).status_code, 404, url)
        for space in (self.group5.space, self.other_group.space):
            for name in SPACE_ROUTES:
                url = reverse(name, args=[space.pk])
                self.assertEqual(client.post(url, {"muted": "1"}).status_code, 404, url)
        # Even her own child's post is not hers to change or to count.
        for name in ("messaging:post-edit", "messaging:post-delete", "messaging:post-seen"):
            self.assertEqual(client.post(reverse(name, args=[own.pk]), {"confirm": "yes"}).status_code, 404)
        self.assertEqual(Post.objects.count(), 3)

    def test_staff_of_another_school_reach_nothing(self) -> None:
        made = post(self.tess, self.group3.space)
        client = Client()
        from schoolbrug.accounts.two_factor.testing import verified_login

        verified_login(client, self.wim.user)
        for name in POST_ROUTES:
            self.assertEqual(client.get(reverse(name, args=[made.pk])).status_code, 404, name)
        self.assertEqual(client.get(reverse("messaging:space", args=[self.group3.space.pk])).status_code, 404)
