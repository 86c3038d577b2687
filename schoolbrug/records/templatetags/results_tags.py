from __future__ import annotations

from typing import Any

from django import template

from ..selectors.corrections import pending_correction_count

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_corrections(context: dict[str, Any]) -> int:
    """Open correction requests of the administrator's school, for the staff home card."""
    request = context.get("request")
    return pending_correction_count(user=request.user) if request is not None else 0
