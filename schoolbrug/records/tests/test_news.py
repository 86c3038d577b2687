"""News (POR-11): sanitised text, filters and paging (the guardian's side: portal/tests)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

from django.urls import reverse
from django.utils import timezone

from schoolbrug.core.testing import assert_same_query_count, count_queries
from schoolbrug.sis.testing import SchoolTestCase

from ..models import NewsItem
from ..services.news import render_news, sanitise_html
from .helpers import login

EN = {"accept-language": "en"}

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


def parsed(html: str) -> tuple[set[str], list[tuple[str, str]]]:
    """The tags and attributes a browser would build from `html`."""
    found: tuple[set[str], list[tuple[str, str]]] = (set(), [])

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found[0].add(tag)
            found[1].extend((name, value or "") for name, value in attrs)

    Collector().feed(html)
    return found


class MarkdownTests(SchoolTestCase):
    """News text offers a small Markdown subset; guardians see formatting, never active content."""

    def test_the_offered_formatting_is_rendered(self) -> None:
        text = (
            "Beste ouders,\nwe gaan op **schoolreis** naar *Ouwehands*.\n\n# Meenemen\n\n- lunch\n- regenjas\n\n"
            "1. eerst\n2. dan\n\n> Tot dan!\n\n[Website](https://school.nl) of <https://ouwehands.nl>"
        )
        html, removed = render_news(text)
        self.assertEqual(removed, [])
        for part in (
            "<p>Beste ouders,<br>\nwe gaan op <strong>schoolreis</strong> naar <em>Ouwehands</em>.</p>",
            "<h3>Meenemen</h3>",
            "<ul>\n<li>lunch</li>\n<li>regenjas</li>\n</ul>",
            "<ol>\n<li>eerst</li>\n<li>dan</li>\n</ol>",
            "<blockquote>\n<p>Tot dan!</p>\n</blockquote>",
            '<a href="https://school.nl" rel="noopener">Website</a>',
            '<a href="https://ouwehands.nl" rel="noopener">https://ouwehands.nl</a>',
        ):
            self.assertIn(part, html)

    def test_what_is_not_offered_stays_text(self) -> None:
        html, _ = render_news("![foto](https://x.nl/a.png)\n\n    code\n\n| a | b |\n|---|---|")
        self.assertNotIn("<img", html)
        self.assertNotIn("<pre", html)
        self.assertNotIn("<table", html)

    def test_news_written_as_html_earlier_looks_the_same(self) -> None:
        html, removed = render_news("<p>We gaan naar <strong>Ouwehands</strong>.</p><ul><li>a</li></ul>")
        self.assertEqual(html, "<p>We gaan naar <strong>Ouwehands</strong>.</p><ul><li>a</li></ul>")
        self.assertEqual(removed, [])

    def test_scripts_javascript_links_and_event_handlers_are_stripped(self) -> None:
        attacks = [
            "<script>alert(1)</script>",
            "Hoi <script>alert(1)</script>",
            "[klik](javascript:alert(1))",
            "[klik](JaVaScRiPt:alert(1))",
            "[klik](&#106;avascript:alert(1))",
            "[klik](java\tscript:alert(1))",
            "[klik](vbscript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<javascript:alert(1)>",
            '<a href="javascript:alert(1)">klik</a>',
            "<img src=x onerror=alert(1)>",
            "Tekst <img src=x onerror=alert(1)> midden in een zin",
            '<p onmouseover="alert(1)">Hoi</p>',
            "**vet <b onclick=alert(1)>x</b>**",
            "<svg onload=alert(1)>",
            '<iframe src="javascript:alert(1)"></iframe>',
            "<style>body{display:none}</style>",
        ]
        for attack in attacks:
            html, _ = render_news(attack)
            tags, attributes = parsed(html)
            self.assertLessEqual(tags, {"p", "b", "strong", "a", "br"}, (attack, html))
            for name, value in attributes:
                self.assertFalse(name.startswith("on"), (attack, html))
                if name == "href":
                    self.assertRegex(value, r"^(https?|mailto):", (attack, html))
            self.assertNotIn("<script", html.lower())

    def test_a_guardian_sees_bold_as_bold(self) -> None:
        login(self.client, self.ada)
        today = timezone.localdate()
        data = {**FORM, "text": "Neem **gymschoenen** mee.", "date": today, "publish_from": today, "publish_until": ""}
        self.assertEqual(self.client.post(reverse("records:news-new"), data).status_code, 302)
        login(self.client, self.paula)
        page = self.client.get(reverse("portal:home"))
        self.assertContains(page, "<p>Neem <strong>gymschoenen</strong> mee.</p>", html=False)
        self.assertNotContains(page, "**gymschoenen**")

    def test_the_form_shows_a_hint_and_gives_back_what_was_typed(self) -> None:
        item = make_news(self.school)
        NewsItem.objects.filter(pk=item.pk).update(text="Neem **gymschoenen** mee.")
        login(self.client, self.ada)
        page = self.client.get(reverse("records:news-edit", args=[item.pk]), headers=EN)
        self.assertContains(page, "**bold**, *italic*")
        self.assertContains(page, "Neem **gymschoenen** mee.</textarea>", html=False)


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
        self.assertEqual(item.text, text)  # kept as typed, so the author edits what he wrote
        self.assertContains(response, "was removed from the text: onmouseover, &lt;script&gt;")
        self.assertContains(response, '<article id="news-text"><p>Hallo</p></article>', html=False)
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, 'onmouseover="')

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
        delete = reverse("records:news-delete", args=[item.pk])
        self.assertRedirects(self.client.post(delete, {"confirm": "yes"}), reverse("records:news"))
        self.assertFalse(NewsItem.objects.exists())

    def test_removing_asks_first_naming_the_item_and_one_click_removes_nothing(self) -> None:
        item = make_news(self.school, "Schoolreis groep 3")
        login(self.client, self.ada)
        delete = reverse("records:news-delete", args=[item.pk])
        detail = self.client.get(reverse("records:news-detail", args=[item.pk]))
        self.assertContains(detail, f'action="{delete}"')
        for response in (self.client.get(delete, headers=EN), self.client.post(delete, headers=EN)):
            self.assertContains(response, "Remove this news item?")
            self.assertContains(response, "Schoolreis groep 3 · 20 November 2026")
            self.assertContains(response, 'name="confirm" value="yes"')
            self.assertContains(response, f'href="{reverse("records:news-detail", args=[item.pk])}"')
        self.assertTrue(NewsItem.objects.filter(pk=item.pk).exists())
        self.assertRedirects(self.client.post(delete, {"confirm": "yes"}), reverse("records:news"))
        self.assertFalse(NewsItem.objects.filter(pk=item.pk).exists())

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
        delete = reverse("records:news-delete", args=[item.pk])
        for method in (self.client.get, self.client.post):
            self.assertEqual(method(delete, {"confirm": "yes"}).status_code, 404)
        login(self.client, self.wim)
        for url in (reverse("records:news-detail", args=[item.pk]), reverse("records:news-edit", args=[item.pk])):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        delete = reverse("records:news-delete", args=[item.pk])
        for method in (self.client.get, self.client.post):
            self.assertEqual(method(delete, {"confirm": "yes"}).status_code, 404)
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
