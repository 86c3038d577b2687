"""Template tags of messaging: a post's text as people see it, and who may manage a post."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..rendering import render_post
from ..selectors import can_edit_post, current_and_previous_spaces

register = template.Library()


@register.filter
def post_html(text: str) -> SafeString:
    return mark_safe(render_post(text))  # noqa: S308  (the output of the sanitiser)


@register.simple_tag(takes_context=True)
def may_edit(context: dict[str, Any], post: Any) -> bool:
    request = context.get("request")
    return request is not None and can_edit_post(request.user, post)


@register.filter
def initials(name: str) -> str:
    parts = [p for p in (name or "").split() if p[:1].isalpha()]
    return ((parts[0][:1] + parts[-1][:1]) if len(parts) > 1 else (parts[0][:1] if parts else "?")).upper()


@register.simple_tag(takes_context=True)
def my_current_spaces(context: dict[str, Any]) -> list[Any]:
    """The staff member's followed spaces of this school year, for his home (one query)."""
    request = context.get("request")
    if request is None:
        return []
    return current_and_previous_spaces(request.user)[0]
