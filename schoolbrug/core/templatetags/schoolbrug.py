from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

SITE_NAME = "Schoolbrug"
# An en dash with spaces ("Inloggen - Schoolbrug" with the longer dash) reads as two parts in a
# browser tab and in a screen reader.
TITLE_SEPARATOR = " \u2013 "


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


class PageTitleNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        page = " ".join(self.nodelist.render(context).split())
        return f"{page}{TITLE_SEPARATOR}{SITE_NAME}" if page else SITE_NAME


@register.tag
def page_title(parser: template.base.Parser, token: template.base.Token) -> PageTitleNode:
    """`{% page_title %}{% block title %}{% endblock %}{% endpage_title %}`: the page's own title,
    a separator and the site name, or the site name alone when a page names nothing. A tag, because
    a Django template cannot test whether a child template filled a block."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """An icon from the vendored Lucide sprite, hidden from assistive technology: the element
    that holds it carries the words (visible text or its own accessible name)."""
    classes = f"icon {css_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        static("vendor/lucide/icons.svg"),
        name,
    )


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: template.base.FilterExpression) -> None:
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> Any:
        return format_html(
            '<div class="table-wrap" role="region" tabindex="0" aria-label="{}">{}</div>',
            self.label.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def scroll_region(parser: template.base.Parser, token: template.base.Token) -> ScrollRegionNode:
    """`{% scroll_region _("Absences") %}<table>…</table>{% endscroll_region %}` wraps a wide table
    in a labelled region that scrolls sideways on a phone and that a keyboard can reach and scroll
    (tabindex 0): without it the table's right-hand columns are out of reach without a mouse."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the region's accessible name")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, parser.compile_filter(bits[1]))

