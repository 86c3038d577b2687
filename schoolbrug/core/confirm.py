"""A confirmation step for actions that cannot be undone (locking a report, removing news or a test).

The action's own URL answers a GET, and a POST without `confirm=yes`, with a page that names the
thing and says what will happen; only that page's button posts `confirm=yes`. It is plain HTML,
so it works without JavaScript, and an old one-click button now leads to the question.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIELD = "confirm"
YES = "yes"


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(FIELD) == YES


def confirmation_page(
    request: HttpRequest,
    *,
    question: str,
    subject: str,
    consequence: str,
    button: str,
    cancel_url: str,
    base_template: str = "staff_base.html",
) -> HttpResponse:
    """The question, the thing it is about (`subject`), what follows, and Yes / Cancel."""
    context = {
        "question": question,
        "subject": subject,
        "consequence": consequence,
        "button": button,
        "cancel_url": cancel_url,
        "action": request.path,
        "base_template": base_template,
        "field": FIELD,
        "yes": YES,
    }
    return render(request, "confirm.html", context)
