"""Guardian pages that need nothing from the pupil file: dashboard frame, account, school,
About and Group of a child, and the dashboard image."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from schoolbrug.sis.policies import staff_member_of

from .. import selectors, services
from ..config import portal_for
from ..corrections import pending_corrections
from ..forms import GuardianPreferenceForm
from ..models import GuardianPortalPreference
from ..modules import Module
from ..policies import impersonation_school_id, portal_account_of
from .common import PortalRequestContext, portal_page, render_portal


@portal_page(maintenance_ok=True)
def account(request: HttpRequest, portal: PortalRequestContext) -> HttpResponse:
    """POR-9: the guardian's own data and his portal choices; never a co-guardian's."""
    preference = GuardianPortalPreference.objects.filter(account=portal.account).first()
    initial = {"link_communication_app": preference.link_communication_app if preference else False}
    form = GuardianPreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_preference_update(
                actor=request.user, link_communication_app=form.cleaned_data["link_communication_app"]
            )
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("Your choice has been saved."))
        return redirect("portal:account")
    context = {
        "form": form,
        "maintenance": portal.in_maintenance,
        # Pencils only on the records the correction form opens (the same selector).
        "correctable_ids": selectors.correctable_guardian_ids(portal.guardian_records, portal.children),
        "pending_corrections": pending_corrections(portal.account, portal.portals),
    }
    return render_portal(request, portal, "portal/account.html", context)


@portal_page()
def more(request: HttpRequest, portal: PortalRequestContext) -> HttpResponse:
    """The app shell's "More" for guardians (also while an administrator looks as one)."""
    return render_portal(request, portal, "portal/more.html", {})


@portal_page()
def school(request: HttpRequest, portal: PortalRequestContext) -> HttpResponse:
    """POR-9/POR-5: contact data, board and branches; staff only while that module is on."""
    schools = selectors.schools_for_page(portal.portals.keys())
    rows = []
    for item in schools:
        school_portal = portal.portal(item.pk)
        staff_module = school_portal.module(Module.STAFF)
        rows.append(
            {
                "school": item,
                "website": (school_portal.settings.website if school_portal.settings else "") or item.website,
                "staff": selectors.staff_for_portal(item) if staff_module.enabled else None,
                "show_staff_contact": staff_module.enabled and staff_module.show_contact,
            }
        )
    return render_portal(request, portal, "portal/school.html", {"rows": rows})


@portal_page()
def child_about(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    """POR-7 "About <name>": always there (POR-5); medical data only with its module."""
    child = portal.child(pupil_id)
    school_portal = portal.portal(child.school_id)
    about = selectors.child_about(child, account=portal.account)
    context = {
        "child": child,
        "about": about,
        "show_medical": school_portal.is_on(Module.MEDICAL),
        "modules": school_portal,
        "page": "about",
        "pending_corrections": pending_corrections(portal.account, [child.school_id]),
    }
    return render_portal(request, portal, "portal/child_about.html", context)


@portal_page()
def child_group(request: HttpRequest, portal: PortalRequestContext, pupil_id: int) -> HttpResponse:
    child, school_portal = portal.child_with_module(pupil_id, Module.GROUPS)
    group_module = school_portal.module(Module.GROUPS)
    group = selectors.current_group_of(child)
    context = {
        "child": child,
        "group": group,
        "classmates": selectors.classmates(group) if group else [],
        "show_addresses": group_module.show_addresses,
        "modules": school_portal,
        "page": "group",
    }
    return render_portal(request, portal, "portal/child_group.html", context)


@login_required
@never_cache
def dashboard_image(request: HttpRequest, school_id: int) -> HttpResponseBase:
    """The school's uploaded image, for its guardians and staff only (never a public file)."""
    account = portal_account_of(request)
    allowed = False
    if account is not None:
        only_school = impersonation_school_id(request)
        allowed = (only_school is None or only_school == school_id) and account.guardian_records.filter(
            school_id=school_id
        ).exists()
    else:
        staff = staff_member_of(request.user)
        allowed = staff is not None and staff.school_id == school_id
    if not allowed:
        raise Http404
    settings = portal_for(school_id).settings
    if settings is None or not settings.dashboard_image:
        raise Http404
    try:
        image = settings.dashboard_image.open("rb")
    except OSError:
        # A file lost from storage (restore without media) must not break the dashboard.
        raise Http404 from None
    response = FileResponse(image, content_type="image/png")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
