"""Per-child pages backed by the pupil file (POR-7, POR-8): each answers 404 while its module
is off, and a form posted after the module went off gets a clear message with its text kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from schoolbrug.records.selectors.reports import pdf_filename, reports_visible_to_guardian
from schoolbrug.records.services.absences import absence_period_label
from schoolbrug.records.services.notes import note_reply_from_guardian
from schoolbrug.records.services.report_prints import locked_report_pdf

from .. import child_data
from ..modules import Module, StandardisedDisplay
from .common import PortalRequestContext, portal_page, render_portal


def _year_context(request: HttpRequest, child: Any, data_year_ids: list[int]) -> dict[str, Any]:
    years = child_data.career_years(child)
    choice = child_data.choose_year(years, request.GET.get("year"), data_year_ids)
    if choice.year is None:
        raise Http404
    return {"year": choice.year, "years": choice.years_with_data}


def stale_form(
    request: HttpRequest, portal: PortalRequestContext, child: Any | None, text: str, reason: str = "module"
) -> HttpResponse:
    """The school switched the module (or replies) off while the form was open, or took the note
    off the portal (`reason` "note"): say so and give the text back, so nothing typed is lost."""
    context = {"child": child, "text": text, "reason": reason}
    response = render_portal(request, portal, "portal/stale_form.html", context)
    response.status_code = 409
    return response


def _reply_signer(account_id: int) -> signing.Signer:
    return signing.Signer(salt=f"schoolbrug.portal.note-reply.{account_id}")


def reply_token(account_id: int, note_id: int) -> str:
    """Proof, sent back with a reply, that this account was shown the note on the portal."""
    return _reply_signer(account_id).sign(str(note_id))


def reply_token_is_valid(token: str, account_id: int, note_id: int) -> bool:
    try:
        return _reply_signer(account_id).unsign(token) == str(note_id)
    except signing.BadSignature:
        return False


@portal_page()
def absences(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.ABSENCES)
    context = _year_context(request, child, child_data.absence_year_ids(child))
    context.update(
        child=child,
        modules=school_portal,
        page="absences",
        absences=[(a, absence_period_label(a)) for a in child_data.absences(child, context["year"])],
    )
    return render_portal(request, portal, "portal/child_absences.html", context)


@portal_page()
def notes(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.NOTES)
    options = school_portal.module(Module.NOTES)
    context = _year_context(request, child, child_data.note_year_ids(child, portal.account, options.start_date))
    shown = list(child_data.notes(child, portal.account, context["year"], options.start_date))
    for note in shown:
        note.reply_token = reply_token(portal.account.pk, note.pk)  # type: ignore[attr-defined]
    context.update(
        child=child,
        modules=school_portal,
        page="notes",
        notes=shown,
        replies_allowed=options.replies_allowed,
    )
    return render_portal(request, portal, "portal/child_notes.html", context)


@portal_page()
def note_reply(request: HttpRequest, portal: PortalRequestContext, pupil_id: int, note_id: int) -> HttpResponse:
    child = portal.child(pupil_id)
    school_portal = portal.portal(child.school_id)
    options = school_portal.module(Module.NOTES)
    if request.method != "POST":
        # The form is on the notes page; this address exists only for a note the guardian sees.
        if not options.enabled or child_data.published_note(child, portal.account, note_id, options.start_date) is None:
            raise Http404
        return redirect("portal:child-notes", pupil_id=child.pk)
    text = request.POST.get("text", "")
    if not options.enabled or not options.replies_allowed:
        return stale_form(request, portal, child, text)
    note = child_data.published_note(child, portal.account, note_id, options.start_date)
    try:
        if note is None:
            raise PermissionDenied
        note_reply_from_guardian(guardian_account=request.user, note=note, text=text, replies_allowed=True)
    except PermissionDenied:
        # Taken off the portal while the form was open (also just before the service looked):
        # only a form this guardian was shown (the token) learns so; any other id stays a page
        # that does not exist.
        gone = (
            reply_token_is_valid(request.POST.get("shown", ""), portal.account.pk, note_id)
            and child_data.staff_note_exists(child, note_id)
            and child_data.published_note(child, portal.account, note_id, options.start_date) is None
        )
        if gone:
            return stale_form(request, portal, child, text, reason="note")
        raise Http404 from None
    except ValidationError as error:
        context = {
            "child": child,
            "modules": school_portal,
            "page": "notes",
            "note": note,
            "token": reply_token(portal.account.pk, note_id),
            "text": text,
            "errors": error.message_dict.get("text", error.messages)
            if hasattr(error, "error_dict")
            else error.messages,
        }
        response = render_portal(request, portal, "portal/note_reply.html", context)
        response.status_code = 400
        return response
    messages.success(request, _("Your reply has been sent to the school."))
    return redirect("portal:child-notes", pupil_id=child.pk)


@portal_page()
def plans(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.PLANS)
    start = school_portal.module(Module.PLANS).start_date
    years = child_data.career_years(child)
    choice = child_data.choose_year(years, request.GET.get("year"), child_data.plan_year_ids(child, years, start))
    if choice.year is None:
        raise Http404
    context = {
        "child": child,
        "modules": school_portal,
        "page": "plans",
        "year": choice.year,
        "years": choice.years_with_data,
        "plans": child_data.plans(child, choice.year, start),
    }
    return render_portal(request, portal, "portal/child_plans.html", context)


@portal_page()
def tests(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child = portal.child(pupil_id)
    school_portal = portal.portal(child.school_id)
    curriculum_on = school_portal.is_on(Module.CURRICULUM_TESTS)
    standardised_on = school_portal.is_on(Module.STANDARDISED_TESTS)
    if not (curriculum_on or standardised_on):
        raise Http404
    data_years = child_data.test_year_ids(child, curriculum=curriculum_on, standardised=standardised_on)
    context = _year_context(request, child, data_years)
    year = context["year"]
    curriculum = child_data.curriculum_results(child, year) if curriculum_on else []
    standardised = child_data.standardised_results(child, year) if standardised_on else []
    chosen = request.GET.get("result", "")
    selected: Any = None
    if chosen.startswith("c"):
        selected = next((r for r in curriculum if f"c{r.pk}" == chosen), None)
    elif chosen.startswith("s"):
        selected = next((r for r in standardised if f"s{r.pk}" == chosen), None)
    if chosen and selected is None:
        raise Http404
    context.update(
        child=child,
        modules=school_portal,
        page="tests",
        curriculum=curriculum,
        standardised=standardised,
        selected=selected,
        selected_kind=chosen[:1],
        display=school_portal.module(Module.STANDARDISED_TESTS).standardised_display,
        Display=StandardisedDisplay,
    )
    return render_portal(request, portal, "portal/child_tests.html", context)


@portal_page()
def reports(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.REPORTS)
    visible = reports_visible_to_guardian(user=portal.account, pupil=child)
    context = _year_context(request, child, list(visible.values_list("period__year_id", flat=True).distinct()))
    context.update(
        child=child,
        modules=school_portal,
        page="reports",
        reports=list(visible.filter(period__year=context["year"])),
    )
    return render_portal(request, portal, "portal/child_reports.html", context)


@portal_page()
def report_download(request: HttpRequest, portal: PortalRequestContext, pupil_id: int, report_id: int) -> HttpResponse:
    child, _school_portal = portal.child_with_module(pupil_id, Module.REPORTS)
    report = reports_visible_to_guardian(user=portal.account, pupil=child).filter(pk=report_id).first()
    if report is None:
        raise Http404
    response = HttpResponse(locked_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(report)}"'
    return response
