"""Template tags for the slots the staff pages leave for the pupil file."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors.notes import unread_reply_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_guardian_replies(context: dict[str, Any]) -> int:
    """Unread guardian replies among the pupils the current staff member reaches (one query)."""
    request = context.get("request")
    return unread_reply_count(user=request.user) if request is not None else 0
