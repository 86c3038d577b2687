"""Writes for news (POR-11), and how a news text becomes what guardians see.

The author writes a small Markdown subset (**bold**, *italic*, lists, links, headings, quotes;
the hint under the field lists it). The text is stored as typed, so editing shows what was typed,
and rendered at display: Markdown to HTML, then the HTML allow-list (nh3). Raw HTML stays allowed,
because earlier news was written as HTML; it goes through the same allow-list.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from schoolbrug.sis.models import Group

from ..models import NewsItem
from ..policies.news import news_manager_of
from .common import check_groups_of_school

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
NEWS_FIELDS = ("subject", "date", "text", "publish_from", "publish_until")


class _Inspector(HTMLParser):
    """Lists what the allow-list will drop, so the user can be told what was removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    def _note(self, item: str) -> None:
        if item not in self.removed:
            self.removed.append(item)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._note(f"<{tag}>")
            return
        for name, value in attrs:
            if name == "rel" and tag == "a":
                continue  # replaced by rel="noopener"
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self._note(name)
            elif name == "href":
                scheme = urlsplit((value or "").strip()).scheme.lower()
                if scheme and scheme not in ALLOWED_SCHEMES:
                    self._note(f"{scheme}:")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def sanitise_html(text: str) -> tuple[str, list[str]]:
    """The cleaned HTML and what was taken out (tags as '<script>', attributes, URL schemes)."""
    cleaned = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    inspector = _Inspector()
    inspector.feed(text)
    inspector.close()
    return cleaned, inspector.removed


def _news_headings(state: StateCore) -> None:
    # A news item sits under the page's own headings: "#" to "###" become h3, deeper ones h4.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2", "h3") else "h4"


MARKDOWN_RULES = [
    "emphasis", "list", "link", "autolink", "heading", "blockquote",
    "newline", "escape", "entity", "html_block", "html_inline",
]  # fmt: skip
# "zero" switches every rule off; only the offered subset is switched back on (no images, tables,
# code blocks). breaks: one Enter is a new line, as people expect from a text field.
_MARKDOWN = MarkdownIt("zero", {"html": True, "breaks": True}).enable(MARKDOWN_RULES)
_MARKDOWN.core.ruler.push("news_headings", _news_headings)


def render_news(text: str) -> tuple[str, list[str]]:
    """The HTML guardians see for a news text, and what the allow-list took out of it."""
    return sanitise_html(_MARKDOWN.render(text or ""))


def _require_manager(actor: Any) -> Any:
    staff = news_manager_of(actor)
    if staff is None:
        raise PermissionDenied
    return staff


@transaction.atomic
def news_save(
    *, actor: Any, item: NewsItem | None = None, data: dict[str, Any], groups: Sequence[Group] = ()
) -> tuple[NewsItem, list[str]]:
    """Saves a news item; returns it with what the sanitiser removed from its text."""
    staff = _require_manager(actor)
    if item is None:
        item = NewsItem(school=staff.school, author=actor, author_name=staff.full_name)
    elif item.school_id != staff.school_id:
        raise PermissionDenied
    check_groups_of_school(groups, staff.school_id)
    for field in NEWS_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    # Stored as typed; every display renders it through render_news.
    rendered, removed = render_news(item.text or "")
    if not nh3.clean(rendered, tags=set()).strip():
        raise ValidationError({"text": _("Enter a text; nothing readable was left after cleaning.")})
    if item.publish_until and item.publish_until < item.publish_from:
        raise ValidationError({"publish_until": _("Publication ends before it starts.")})
    item.full_clean()
    item.save()
    item.groups.set(groups)
    return item, removed


@transaction.atomic
def news_delete(*, actor: Any, item: NewsItem) -> None:
    staff = _require_manager(actor)
    if item.school_id != staff.school_id:
        raise PermissionDenied
    item.delete()
