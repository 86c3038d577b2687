"""How an announcement's text becomes what people see: a small Markdown subset (bold, italic,
lists, links), no raw HTML, through the HTML allow-list; links open with rel="noopener"."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# "zero" switches every rule off; only the offered subset comes back. html off: typed tags show
# as text. breaks: one Enter is a new line, as people expect from a text field.
_MARKDOWN = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "list", "link", "autolink", "newline", "escape", "entity"]
)


def render_post(text: str) -> str:
    return nh3.clean(
        _MARKDOWN.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def has_readable_text(text: str) -> bool:
    return bool(nh3.clean(render_post(text), tags=set()).strip())
