"""News (POR-11): sanitised text, filters and paging (the guardian's side: portal/tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.testing import SchoolTestCase

from ..models import NewsItem
from ..services.news import sanitise_html
from .helpers import login

FORM = {
    "subject": "Schoolreis",
    "date": "2026-11-20",
    "text": "<p>We gaan naar <strong>Ouwehands</strong>.</p>",
    "publish_from": "2026-11-20",
    "publish_until": "2026-11-27",
}


def make_news(school, subject="Nieuws", start=dt.date(2026, 11, 20), end=None, groups=()):  # type: ignore[no-untyped-def]
    item = NewsItem.objects.create(
        school=school, subject=subject, date=start, text="<p>x</p>", publish_from=start, publish_until=end
    )
    item.groups.set(groups)
    return item


class SanitiseTests(SchoolTestCase):
    def test_allowed_formatting_is_kept_and_links_get_noopener(self) -> None:
        html = '<h3>Kop</h3><p>Een <em>tekst</em></p><ul><li>a</li></ul><a href="https://school.nl">site</a>'
        cleaned, removed = sanitise_html(html)
        self.assertEqual(removed, [])
        self.assertIn("<h3>Kop</h3>", cleaned)
        self.assertIn('<a href="https://school.nl" rel="noopener">site</a>', cleaned)

    def test_active_content_is_removed_and_named(self) -> None:
        html = (
            '<p onclick="steal()">Hoi</p><script>alert(1)</script><img src=x onerror=alert(1)>'
            '<a href="javascript:alert(1)">klik</a><iframe src="https://evil"></iframe>'
        )
        cleaned, removed = sanitise_html(html)
        for bad in ("script", "onclick", "onerror", "javascript", "<img", "iframe", "alert"):
            self.assertNotIn(bad, cleaned)
        self.assertEqual(removed, ["onclick", "<script>", "<img>", "javascript:", "<iframe>"])


class NewsPageTests(SchoolTestCase):
    def test_administrator_adds_news_for_groups(self) -> None:
        login(self.client, self.ada)
        response = self.client.post(reverse("records:news-new"), {**FORM, "groups": [self.group3.pk]})
        item = NewsItem.objects.get()
        self.assertRedirects(response, reverse("records:news-detail", args=[item.pk]))
        self.assertEqual(list(item.groups.all()), [self.group3])
        self.assertEqual(item.publish_until, dt.date(2026, 11, 27))
        self.assertEqual(item.author, self.ada.user)

    def test_unsafe_html_is_cleaned_and_the_user_is_told(self) -> None:
        login(self.client, self.ada)
        text = '<p onmouseover="x()">Hallo</p><script>alert(1)</script>'
        response = self.client.post(
            reverse("records:news-new"), {**FORM, "text": text}, follow=True, headers={"accept-language": "en"}
        )
        item = NewsItem.objects.get()
        self.assertEqual(item.text, "<p>Hallo</p>")
        self.assertContains(response, "was removed from the text: onmouseover, &lt;script&gt;")
        self.assertNotContains(response, "<script>alert")

    def test_detail_page_cleans_text_written_around_the_service(self) -> None:
        item = make_news(self.school)
        NewsItem.objects.filter(pk=item.pk).update(text='<p onclick="x()">Hoi</p><script>alert(1)</script>')
        login(self.client, self.tess)
        response = self.client.get(reverse("records:news-detail", args=[item.pk]))
        self.assertContains(response, '<article id="news-text"><p>Hoi</p></article>', html=False)
        self.assertNotContains(response, "alert(1)")

    def test_required_fields_and_bad_windows(self) -> None:
        login(self.client, self.ada)
        response = self.client.post(reverse("records:news-new"), {**FORM, "subject": "", "text": ""})
        self.assertEqual(set(response.context["form"].errors), {"subject", "text"})
        response = self.client.post(reverse("records:news-new"), {**FORM, "publish_until": "2026-11-19"})
        self.assertIn("publish_until", response.context["form"].errors)
        response = self.client.post(reverse("records:news-new"), {**FORM, "text": "<script>alert(1)</script>"})
        self.assertIn("text", response.context["form"].errors)
        self.assertFalse(NewsItem.objects.exists())

    def test_edit_and_delete(self) -> None:
        item = make_news(self.school)
        login(self.client, self.ada)
        self.client.post(reverse("records:news-edit", args=[item.pk]), {**FORM, "subject": "Gewijzigd"})
        item.refresh_from_db()
        self.assertEqual(item.subject, "Gewijzigd")
        self.assertRedirects(self.client.post(reverse("records:news-delete", args=[item.pk])), reverse("records:news"))
        self.assertFalse(NewsItem.objects.exists())

    def test_filters_on_subject_and_group(self) -> None:
        make_news(self.school, "Schoolreis groep 3", groups=[self.group3])
        make_news(self.school, "Luizencontrole")
        make_news(self.school, "Schoolreis groep 5", groups=[self.group5])
        make_news(self.other_school, "Schoolreis elders")
        login(self.client, self.tess)
        url = reverse("records:news")

        def subjects(**params: Any) -> list[str]:
            return sorted(i.subject for i in self.client.get(url, params).context["page"])

        self.assertEqual(len(subjects()), 3)
        self.assertEqual(subjects(subject="schoolreis"), ["Schoolreis groep 3", "Schoolreis groep 5"])
        self.assertEqual(subjects(group=self.group3.pk), ["Luizencontrole", "Schoolreis groep 3"])
        self.assertEqual(subjects(subject="reis", group=self.group5.pk), ["Schoolreis groep 5"])

    def test_access(self) -> None:
        item, foreign = make_news(self.school), make_news(self.other_school)
        login(self.client, self.tess)
        self.assertEqual(self.client.get(reverse("records:news")).status_code, 200)
        self.assertEqual(self.client.get(reverse("records:news-detail", args=[item.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("records:news-detail", args=[foreign.pk])).status_code, 404)
        for url in (reverse("records:news-new"), reverse("records:news-edit", args=[item.pk])):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(reverse("records:news-delete", args=[item.pk])).status_code, 404)
        login(self.client, self.wim)
        for url in (reverse("records:news-detail", args=[item.pk]), reverse("records:news-edit", args=[item.pk])):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(reverse("records:news-delete", args=[item.pk])).status_code, 404)
        for persona in (self.paula, self.otto):
            login(self.client, persona)
            for url in (reverse("records:news"), reverse("records:news-detail", args=[item.pk])):
                self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertTrue(NewsItem.objects.filter(pk=item.pk).exists())

    def test_overview_query_count_does_not_grow(self) -> None:
        login(self.client, self.tess)
        url = reverse("records:news")
        for i in range(3):
            make_news(self.school, f"Nieuws {i}", groups=[self.group3, self.group5])
        self.client.get(url)
        with count_queries() as small:
            self.client.get(url, {"subject": "Nieuws", "group": str(self.group3.pk)})
        for i in range(30):
            make_news(self.school, f"Nieuws {i}", groups=[self.group3] if i % 2 else [])
        with count_queries() as large:
            response = self.client.get(url, {"subject": "Nieuws", "group": str(self.group3.pk)})
        self.assertEqual(response.context["page"].paginator.count, 33)
        assert_same_query_count(small, large, "news overview")
