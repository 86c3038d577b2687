"""Portal settings for application administrators (POR-1 … POR-4) and "log in as guardian"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.policies import require_application_admin

from .. import impersonation, policies, services
from ..config import portal_for
from ..forms import ImpersonationForm, ModuleScheduleForm, PortalModuleForm, PortalSettingsForm, raise_on_form
from ..models import ModuleSchedule
from ..modules import Module


def _module_forms(school_id: int, data: object = None, only: str | None = None) -> list[PortalModuleForm]:
    portal = portal_for(school_id)
    return [
        PortalModuleForm(data if module == only else None, instance=portal.module(module), module=module, prefix=module)
        for module in Module.values
    ]


def _settings_page(
    request: HttpRequest,
    staff: StaffMember,
    *,
    settings_form: PortalSettingsForm | None = None,
    module_forms: list[PortalModuleForm] | None = None,
    schedule_form: ModuleScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    portal = portal_for(staff.school_id)
    context = {
        "school": staff.school,
        "portal": portal,
        "settings_form": settings_form or PortalSettingsForm(instance=portal.settings),
        "module_forms": module_forms or _module_forms(staff.school_id),
        "schedule_form": schedule_form or ModuleScheduleForm(),
        "schedules": ModuleSchedule.objects.filter(school_id=staff.school_id).order_by("starts_on", "pk"),
    }
    return render(request, "portal/staff/settings.html", context, status=status)


@staff_required
@never_cache
def settings_page(request: HttpRequest) -> HttpResponse:
    staff = require_application_admin(request.user)
    if request.method != "POST":
        return _settings_page(request, staff)
    portal = portal_for(staff.school_id)
    form = PortalSettingsForm(request.POST, request.FILES, instance=portal.settings)
    if form.is_valid():
        try:
            services.portal_settings_update(
                actor=request.user,
                school=staff.school,
                correction_email=form.cleaned_data["correction_email"],
                website=form.cleaned_data["website"],
                maintenance_mode=form.cleaned_data["maintenance_mode"],
                image_png=form.cleaned_data.get("image"),
                remove_image=form.cleaned_data.get("remove_image", False),
                help_contact={name: form.cleaned_data[name] for name in services.HELP_CONTACT_FIELDS},
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, _("The portal settings have been saved."))
            return redirect("portal:settings")
    return _settings_page(request, staff, settings_form=form, status=400)


@staff_required
@never_cache
@require_POST
def module_update(request: HttpRequest, module: str) -> HttpResponse:
    staff = require_application_admin(request.user)
    if module not in Module.values:
        raise Http404
    forms = _module_forms(staff.school_id, request.POST, only=module)
    form = next(f for f in forms if f.module == module)
    if form.is_valid():
        try:
            services.portal_module_update(
                actor=request.user, school=staff.school, module=module, data=form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, _("%(module)s: saved.") % {"module": Module(module).label})
            return redirect(reverse("portal:settings") + f"#module-{module}")
    return _settings_page(request, staff, module_forms=forms, status=400)


@staff_required
@never_cache
@require_POST
def schedule_add(request: HttpRequest) -> HttpResponse:
    staff = require_application_admin(request.user)
    form = ModuleScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.module_schedule_create(
                actor=request.user,
                school=staff.school,
                module=form.cleaned_data["module"],
                enabled=form.cleaned_data["enabled"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data.get("ends_on"),
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, _("The switch has been planned."))
            return redirect("portal:settings")
    return _settings_page(request, staff, schedule_form=form, status=400)


@staff_required
@never_cache
@require_POST
def schedule_delete(request: HttpRequest, schedule_id: int) -> HttpResponse:
    staff = require_application_admin(request.user)
    schedule = get_object_or_404(ModuleSchedule.objects.select_related("school"), pk=schedule_id, school=staff.school)
    services.module_schedule_delete(actor=request.user, schedule=schedule)
    messages.success(request, _("The planned switch has been removed."))
    return redirect("portal:settings")


@staff_required
@never_cache
def impersonate(request: HttpRequest) -> HttpResponse:
    """Pick a guardian of the school and look at his portal, read-only."""
    staff = require_application_admin(request.user)
    verified = policies.session_is_verified(request)
    if request.method == "POST":
        form = ImpersonationForm(request.POST)
        if form.is_valid():
            try:
                impersonation.impersonation_start(
                    actor=request.user, request=request, guardian_account_id=form.cleaned_data["guardian_account"]
                )
            except PermissionDenied:
                raise Http404 from None
            return redirect("portal:home")
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    accounts = policies.guardian_accounts_of_school(staff.school)
    if query:
        accounts = accounts.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query)
        )
    context = {"accounts": accounts[:50], "query": query, "verified": verified, "school": staff.school}
    return render(request, "portal/staff/impersonate.html", context)


@never_cache
@require_POST
def impersonate_stop(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    impersonation.impersonation_stop(actor=request.user, request=request)
    return redirect("portal:impersonate")
