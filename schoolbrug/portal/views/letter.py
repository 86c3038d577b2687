"""The instruction letter (ACC-2) for staff: per group (its teachers and the communication or
application administrators) or for the whole school (the administrators), as PDF or e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from schoolbrug.core.outgoing import site_base_url
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.models import Group, School
from schoolbrug.sis.policies import (
    communication_admin_of,
    get_group_for_inviter_or_404,
    groups_invitable_by,
    require_staff_member,
)

from .. import letter

# A repeated "send" within this time (a double click, a reload) queues the letters once.
SEND_GUARD_SECONDS = 10 * 60


def _pdf_response(school: School, group: Group | None, request: HttpRequest) -> HttpResponse:
    content = letter.letter_pdf(
        school, group, language=request.GET.get("language") or None, base_url=site_base_url(request)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.letter_filename(school, group)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@never_cache
@require_GET
def letter_page(request: HttpRequest) -> HttpResponse:
    staff = require_staff_member(request.user)
    groups = list(groups_invitable_by(request.user).order_by("name"))
    context = {
        "groups": groups,
        "whole_school": communication_admin_of(request.user, staff.school_id) is not None,
        "school": staff.school,
    }
    return render(request, "portal/staff/letter.html", context)


@staff_required
@never_cache
@require_GET
def letter_school_pdf(request: HttpRequest) -> HttpResponse:
    staff = require_staff_member(request.user)
    if communication_admin_of(request.user, staff.school_id) is None:
        raise Http404
    return _pdf_response(staff.school, None, request)


@staff_required
@never_cache
@require_GET
def letter_group_pdf(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for_inviter_or_404(request.user, group_id)
    return _pdf_response(group.school, group, request)


@staff_required
@require_POST
def letter_group_send(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for_inviter_or_404(request.user, group_id)
    if cache.add(f"portal:letter-sent:{group.pk}:{request.user.pk}", True, SEND_GUARD_SECONDS):
        letter.send_instruction_letters.enqueue(group_id=group.pk, base_url=site_base_url(request))
        messages.success(
            request,
            _("The instruction letter is being e-mailed to the guardians of %(group)s.") % {"group": group.name},
        )
    else:
        messages.info(request, _("The instruction letter for %(group)s was sent a moment ago.") % {"group": group.name})
    return redirect("portal:letter")
