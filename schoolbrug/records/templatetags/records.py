"""Template tags of the pupil file: the staff home cards and news text at display."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..selectors.corrections import pending_correction_count
from ..selectors.notes import unread_reply_count
from ..services.news import render_news

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_guardian_replies(context: dict[str, Any]) -> int:
    """Unread guardian replies among the pupils the current staff member reaches (one query)."""
    request = context.get("request")
    return unread_reply_count(user=request.user) if request is not None else 0


@register.simple_tag(takes_context=True)
def pending_corrections(context: dict[str, Any]) -> int:
    """Open correction requests of the administrator's school, for the staff home card."""
    request = context.get("request")
    return pending_correction_count(user=request.user) if request is not None else 0


@register.filter
def news_html(text: str) -> SafeString:
    """News text as guardians see it: its Markdown rendered, then through the HTML allow-list.
    Every display goes through here, so rows written around the service (imports, fixtures) are
    cleaned as well."""
    return mark_safe(render_news(text)[0])  # noqa: S308  (the output of the sanitiser)
