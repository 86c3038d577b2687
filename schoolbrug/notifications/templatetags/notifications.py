from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def weekday_time(value: datetime | None) -> str:
    """ "maandag 08:00": a moment within the coming week, in the active language."""
    if value is None:
        return ""
    return formats.date_format(value, "l H:i")
