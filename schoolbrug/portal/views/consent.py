"""The guardian's privacy preferences for one child (PRIV-1): his own answers, the answer that
counts for the child, and, of another guardian, only that he said no, never who he is."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from schoolbrug.consent import selectors, services
from schoolbrug.consent.forms import AnswersForm
from schoolbrug.sis.dates import school_today

from .common import PortalRequestContext, portal_page, render_portal


@portal_page()
def child_privacy(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child = portal.child(pupil_id)
    guardian_id = selectors.own_guardian_id(portal.account, child)
    if guardian_id is None:
        raise Http404
    questions = list(selectors.questions_of_school(child.school_id))
    rows = selectors.guardian_view(child, guardian_id, questions, school_today(child.school))
    open_questions = [row.question for row in rows if not row.locked]
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        questions=open_questions,
        initial_answers={row.question.pk: row.own for row in rows},
    )
    error = ""
    if request.method == "POST":
        if any(row.locked for row in rows) and any(f"q{row.question.pk}" in request.POST for row in rows if row.locked):
            error = _(
                "The school has closed the answers to some questions; they were not changed. Nothing has been saved."
            )
        elif form.is_valid():
            try:
                services.record_answers(actor=request.user, pupil=child, choices=form.choices())  # type: ignore[arg-type]
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, _("Your answers have been saved."))
                return redirect("portal:child-privacy", pupil_id=child.pk)
    context = {
        "child": child,
        "rows": rows,
        "form": form,
        "error": error,
        "modules": portal.portal(child.school_id),
        "page": "privacy",
        "all_locked": bool(rows) and not open_questions,
    }
    return render_portal(request, portal, "portal/child_privacy.html", context)
