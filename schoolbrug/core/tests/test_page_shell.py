"""The page shell every page shares (base.html and the `schoolbrug` template tags): the title,
the skip link, the language button's name and the keyboard-reachable table regions."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


class _Shell(HTMLParser):
    """The title, the first link in <body>, <main>'s attributes and the language button."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.first_body_link: dict[str, str | None] | None = None
        self.main: dict[str, str | None] | None = None
        self.language_button: dict[str, str | None] | None = None
        self.language_button_text = ""
        self._in = ""
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "body":
            self._in_body = True
        elif tag == "a" and self._in_body and self.first_body_link is None:
            self.first_body_link = values
        elif tag == "main":
            self.main = values
        elif tag == "button" and values.get("name") == "language":
            self.language_button = values
            self._in = "language"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "button"):
            self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "language":
            self.language_button_text += data


def _shell(client: Client, url: str, language: str = "nl") -> _Shell:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    parser = _Shell()
    parser.feed(response.content.decode())
    return parser


def test_the_page_title_separates_the_page_from_the_site_name(client: Client) -> None:
    assert _shell(client, "/accounts/login/").title == "Inloggen \u2013 Schoolbrug"  # an en dash
    assert _shell(client, "/accounts/login/", "en").title == "Log in \u2013 Schoolbrug"


def test_a_page_without_its_own_title_is_named_after_the_site() -> None:
    html = Template('{% extends "base.html" %}{% block content %}x{% endblock %}').render(Context({}))
    assert re.search(r"<title>Schoolbrug</title>", html)


def test_the_first_link_skips_to_the_main_landmark(client: Client) -> None:
    shell = _shell(client, "/accounts/login/")
    assert shell.first_body_link is not None
    assert shell.first_body_link.get("href") == "#main"
    assert shell.first_body_link.get("class") == "skip-link"
    assert shell.main is not None and shell.main.get("id") == "main"


def test_the_language_button_is_named_by_the_text_it_shows(client: Client) -> None:
    # WCAG 2.5.3 (label in name): a speech user says what she sees.
    shell = _shell(client, "/accounts/login/")
    assert shell.language_button is not None
    assert "aria-label" not in shell.language_button
    assert shell.language_button_text.strip() == "English"
    assert shell.language_button.get("lang") == "en"


def test_a_scroll_region_is_a_named_focusable_region() -> None:
    template = Template("{% load schoolbrug %}{% scroll_region label %}<table></table>{% endscroll_region %}")
    html = template.render(Context({"label": "Groep 3 & 4"}))
    assert html == (
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Groep 3 &amp; 4"><table></table></div>'
    )


def test_a_scroll_region_translates_its_name() -> None:
    template = Template('{% load schoolbrug %}{% scroll_region _("Absences") %}<table></table>{% endscroll_region %}')
    with translation.override("nl"):
        assert 'aria-label="Absenties"' in template.render(Context({}))


def test_a_scroll_region_needs_a_name() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load schoolbrug %}{% scroll_region %}<table></table>{% endscroll_region %}")


# The PDF of a report is printed, not scrolled.
PRINTED = {"records/report_print.html", "agenda/staff/overview_print.html"}  # PDF sources, never a screen


def test_every_table_on_a_page_is_inside_a_scroll_region() -> None:
    """A table wider than a phone scrolls sideways; only inside a scroll region can a keyboard
    reach the columns that do not fit (axe `scrollable-region-focusable`)."""
    root = Path(settings.BASE_DIR) / "schoolbrug"
    bare = []
    for path in sorted(root.glob("**/templates/**/*.html")):
        name = str(path).split("/templates/", 1)[1]
        if name in PRINTED:
            continue
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()]
            if before.count("{% scroll_region") <= before.count("{% endscroll_region %}"):
                bare.append(f"{name}:{before.count(chr(10)) + 1}")
    assert not bare, "tables outside {% scroll_region %}: " + ", ".join(bare)
