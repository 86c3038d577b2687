from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up so a wait is never understated."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def tel_href(number: str | None) -> str:
    """A phone number as written by people ("06 12 34 56 78", "+31 (0)20-1234567") as a tel: link
    target (RFC 3966 allows no spaces): digits only, with a leading + kept. Empty without digits."""
    text = (number or "").strip()
    international = text.startswith(("+", "00"))
    if international:
        # The trunk prefix written as "(0)" is not dialled from abroad.
        text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if international and text.startswith("00"):
        digits = digits[2:]
    if not digits:
        return ""
    return f"tel:+{digits}" if international else f"tel:{digits}"


@register.simple_tag
def time_element(value: dt.datetime | dt.date | None, display_format: str = "d-m-Y H:i") -> SafeString | str:
    """`<time datetime="...">` with a machine-readable value HTML accepts (whole seconds, in the
    current time zone) and the text in `display_format` (Django's date format characters)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        machine = value.replace(microsecond=0).isoformat()
    else:
        machine = value.isoformat()
    return format_html('<time datetime="{}">{}</time>', machine, dateformat.format(value, display_format))
