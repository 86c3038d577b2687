"""Writes for news (POR-11), with the text cleaned by an allow-list before it is stored."""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
    item.text, removed = sanitise_html(item.text or "")
    if not item.text.strip() or not nh3.clean(item.text, tags=set()).strip():
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
