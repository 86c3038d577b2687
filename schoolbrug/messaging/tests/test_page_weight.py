"""Fast on a phone (AC1): the guardian home and a full timeline page stay under 100 KB of HTML,
CSS and JavaScript as a phone downloads them (gzip, as WhiteNoise serves the static files and
any front proxy the pages), images not counted."""

from __future__ import annotations

import gzip
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from schoolbrug.messaging.views import PAGE_SIZE
from schoolbrug.sis.testing import SchoolTestCase

from .helpers import post

LIMIT = 100 * 1024
ASSETS = re.compile(r'<(?:link rel="stylesheet" href|script[^>]* src)="([^"]+)"')
LONG_TEXT = "**Vandaag** waren we op de boerderij. " * 20


def weight(html: str) -> int:
    total = len(gzip.compress(html.encode()))
    for url in ASSETS.findall(html):
        path = finders.find(url.lstrip("/").removeprefix(settings.STATIC_URL.lstrip("/")).split("?")[0])
        assert path, url
        with open(path, "rb") as asset:
            total += len(gzip.compress(asset.read()))
    return total


class PageWeightTests(SchoolTestCase):
    def test_home_and_a_full_timeline_page_stay_under_100_kb(self) -> None:
        for _ in range(PAGE_SIZE + 2):
            post(self.tess, self.group3.space, text=LONG_TEXT)
        client = Client()
        client.force_login(self.paula.user)
        for name in ("portal:home", "messaging:timeline"):
            response = client.get(reverse(name))
            html = response.content.decode()
            if name == "messaging:timeline":
                self.assertEqual(html.count('class="post-card'), PAGE_SIZE)
            measured = weight(html)
            self.assertLess(measured, LIMIT, name)
            self.assertGreater(len(ASSETS.findall(html)), 1)  # the stylesheets and scripts were counted
