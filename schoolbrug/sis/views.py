from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import audit_services, policies, selectors, services
from .decorators import staff_required
from .enrolment.common import placement_years
from .forms import GuardianForm, GuardianshipForm, PupilForm
from .guardian_accounts.invitations import guardian_invite
from .guardian_accounts.limits import SINGLE_KEY_PREFIX, LimitReached
from .models import Guardian, Guardianship


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    staff = policies.require_staff_member(request.user)
    school = staff.school
    context = selectors.school_overview(school)
    context.update(school=school, staff=staff)
    return render(request, "sis/overview.html", context)


@staff_required
def group_list(request: HttpRequest) -> HttpResponse:
    staff = policies.require_staff_member(request.user)
    years = list(selectors.years_of_school(staff.school))
    if not years:
        return render(request, "sis/group_list.html", {"years": [], "groups": [], "year": None})
    year_id = request.GET.get("year")
    if year_id:
        year = next((y for y in years if str(y.pk) == year_id), None)
        if year is None:
            raise Http404
    else:
        year = next((y for y in years if y.is_current), years[0])
    groups = selectors.groups_for_overview(user=request.user, year=year)
    return render(request, "sis/group_list.html", {"years": years, "year": year, "groups": groups})


@staff_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_with_details(policies.get_group_for_user_or_404(request.user, group_id))
    rows = selectors.group_pupils(user=request.user, group=group)
    # Enrolling into this group is offered while the group is one a pupil can still be placed in.
    can_enrol = policies.is_application_admin(request.user, group.school_id) and group.year_id in {
        year.pk for year in placement_years(group.school)
    }
    context = {
        "group": group,
        "rows": rows,
        "can_enrol": can_enrol,
        "can_invite": policies.may_invite_group(request.user, group),
    }
    return render(request, "sis/group_detail.html", context)


@staff_required
@never_cache
def pupil_detail(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.pupil_file(policies.get_pupil_for_user_or_404(request.user, pupil_id))
    siblings = selectors.siblings_of(pupil).filter(pk__in=policies.pupils_visible_to(request.user).values("pk"))
    audit_services.pupil_file_viewed(actor=request.user, pupil=pupil, request=request)
    context = {
        "pupil": pupil,
        "siblings": list(siblings),
        "medical": getattr(pupil, "medical", None),
        "can_edit": policies.can_edit_family(request.user, pupil),
    }
    return render(request, "sis/pupil_detail.html", context)


@staff_required
@never_cache
def pupil_edit(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = policies.get_pupil_for_user_or_404(request.user, pupil_id)
    if not policies.can_edit_pupil(request.user, pupil):
        raise Http404
    form = PupilForm(request.POST or None, instance=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_update(actor=request.user, pupil=pupil, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The personal data of %(name)s have been saved.") % {"name": pupil.full_name})
            return redirect("staff:pupil", pupil_id=pupil.pk)
    return render(request, "sis/pupil_edit.html", {"pupil": pupil, "form": form})


@staff_required
@never_cache
def guardianship_edit(request: HttpRequest, pupil_id: int, guardianship_id: int) -> HttpResponse:
    guardianship = policies.get_guardianship_for_editor_or_404(request.user, pupil_id, guardianship_id)
    data = request.POST or None
    guardian_form = GuardianForm(data, instance=guardianship.guardian, prefix="guardian")
    relation_form = GuardianshipForm(data, instance=guardianship, prefix="relation")
    if request.method == "POST" and guardian_form.is_valid() and relation_form.is_valid():
        try:
            services.guardianship_update(
                actor=request.user,
                guardianship=guardianship,
                guardian_data=guardian_form.cleaned_data,
                relation_data=relation_form.cleaned_data,
            )
        except ValidationError as error:
            guardian_form.add_error(None, error)
        else:
            messages.success(
                request, _("The data of %(name)s have been saved.") % {"name": guardianship.guardian.full_name}
            )
            if "send_invitation" in request.POST:
                try:
                    _send_invitation(request, guardianship.guardian)
                except LimitReached as error:
                    # The data are saved; only the e-mail is refused (SECURITY 2.4.1).
                    messages.error(request, error.message)
                    guardianship = policies.get_guardianship_for_editor_or_404(request.user, pupil_id, guardianship_id)
                    guardian_form = GuardianForm(instance=guardianship.guardian, prefix="guardian")
                    relation_form = GuardianshipForm(instance=guardianship, prefix="relation")
                    return _guardianship_page(request, guardianship, guardian_form, relation_form, status=429)
            return redirect("staff:pupil", pupil_id=pupil_id)
    return _guardianship_page(request, guardianship, guardian_form, relation_form)


def _guardianship_page(
    request: HttpRequest,
    guardianship: Guardianship,
    guardian_form: GuardianForm,
    relation_form: GuardianshipForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "pupil": guardianship.pupil,
        "guardianship": guardianship,
        "guardian_form": guardian_form,
        "relation_form": relation_form,
        "account": guardianship.guardian.account,
        # A repeated submit (double click, reload) carries the same key and sends nothing twice.
        "invitation_key": _invitation_key(request) or uuid.uuid4().hex,
    }
    return render(request, "sis/guardianship_edit.html", context, status=status)


def _invitation_key(request: HttpRequest) -> str:
    key = request.POST.get("invitation_key", "")
    return key if re.fullmatch(r"[0-9a-f]{32}", key) else ""


def _send_invitation(request: HttpRequest, guardian: Guardian) -> None:
    key = _invitation_key(request)
    outcome = guardian_invite(
        actor=request.user,  # type: ignore[arg-type]
        guardian=guardian,
        batch_key=f"{SINGLE_KEY_PREFIX}{key}" if key else "",
        request=request,
    )
    if outcome.sent and outcome.delivery.failed:
        # The link was withdrawn: the administrator may simply try again later.
        messages.error(
            request,
            _("The e-mail with the login details could not be sent: %(reason)s. Please try again later.")
            % {"reason": outcome.delivery.error},
        )
    elif outcome.sent and outcome.account is not None:
        messages.success(
            request,
            _("The login details have been sent to %(email)s.") % {"email": outcome.account.email},
        )
    else:
        messages.warning(request, _("No login details were sent: %(reason)s.") % {"reason": outcome.skipped_reason})
