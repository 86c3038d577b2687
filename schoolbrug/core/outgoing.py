"""How Schoolbrug's e-mail is written: links by one rule, bodies as plain UTF-8 text.

Links (docs/decisions/0010-links-in-email.md). Every absolute link in an e-mail is made by
`email_link`, with one rule for its address:

1. `SCHOOLBRUG_BASE_URL` when it is set: the address guardians reach the site at, as the
   operator configured it (behind a proxy the request may name an internal host);
2. else the address of the request that caused the mail (scheme, host and port, as the browser
   used them). Mail sent later by the task worker has no request: the request's address is
   captured with `site_base_url(request)` when the task is enqueued and passed as `base_url`;
3. else (a management command, a task enqueued without one) `FALLBACK_BASE_URL`, where
   `make run` serves by default.

Bodies. Django writes a body with a line longer than 78 characters (any activation or reset
link) as quoted-printable, which breaks the link with "=" at the line ends for anyone reading
the raw message (the console backend of the embedded default, a mail log). `EmailMessage` sends
such text bodies as they are, UTF-8 with "8bit" (every mail server of the past decades accepts
it), unless a line exceeds the 998 octets a mail line may have.
"""

from __future__ import annotations

import email.policy
from email.message import Message
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.http import HttpRequest

FALLBACK_BASE_URL = "http://127.0.0.1:8000"
# RFC 5322 2.1.1: a line of a message is at most 998 octets (without CRLF).
MAX_LINE_OCTETS = 998


def site_base_url(request: HttpRequest | None = None, *, captured: str = "") -> str:
    """The scheme, host and port links in e-mail start with (no trailing slash); see above."""
    configured = str(settings.SCHOOLBRUG_BASE_URL).strip()
    if configured:
        return configured.rstrip("/")
    if captured:
        return captured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return FALLBACK_BASE_URL


def email_link(path: str, *, request: HttpRequest | None = None, base_url: str = "") -> str:
    """The absolute link to `path` (from `reverse`) for an e-mail; `base_url` is one captured
    with `site_base_url` when the mail is sent later, by the task worker."""
    if not path.startswith("/"):
        raise ValueError(f"email_link needs an absolute path, not {path!r}")
    return site_base_url(request, captured=base_url) + path


def _as_8bit(part: Message) -> None:
    """Rewrites a quoted-printable or base64 text part as raw UTF-8 lines, in place (headers
    and their order stay as they are)."""
    if part.get_content_maintype() != "text" or part.get_content_disposition() == "attachment":
        return
    if str(part.get("Content-Transfer-Encoding", "")).lower() not in {"quoted-printable", "base64"}:
        return
    charset = part.get_content_charset() or "utf-8"
    text = part.get_payload(decode=True).decode(charset)  # type: ignore[union-attr]
    lines = text.encode("utf-8").splitlines()
    if any(len(line) > MAX_LINE_OCTETS for line in lines):
        return
    body = b"\n".join(lines) + b"\n"
    try:
        body.decode("ascii")
        encoding = "7bit"
    except UnicodeDecodeError:
        encoding = "8bit"
    # The email package keeps raw bytes of an 8bit payload as surrogate escapes (as its own
    # content manager does); BytesGenerator writes them back as the bytes.
    part.set_payload(body.decode("ascii", "surrogateescape"))
    part.set_param("charset", "utf-8")
    part.replace_header("Content-Transfer-Encoding", encoding)


class EmailMessage(DjangoEmailMessage):
    """Django's EmailMessage whose text bodies go out readable: UTF-8, 8bit. Use it (not Django's
    `send_mail` or `EmailMessage`) for every message Schoolbrug sends."""

    def message(self, *, policy: Any = email.policy.default) -> Any:
        msg = super().message(policy=policy)
        for part in msg.walk():
            if not part.is_multipart():
                _as_8bit(part)
        return msg
