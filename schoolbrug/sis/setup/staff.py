"""Staff members: the list, adding and editing one (position, roles, groups, group
authorisation), inviting him with an activation e-mail, and deactivating him.

Two rules keep a school manageable: an administrator cannot take away his own administrator
right or deactivate himself, and the last active application administrator of a school stays
one. Both are checked in the services, under a lock on the school's administrators, so two
administrators demoting each other at the same moment cannot leave the school without one.
Deactivation ends the staff member's sessions at once and stops his unused invitation links.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.accounts import audit
from schoolbrug.accounts.activation import activation_tokens_revoke
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.sessions import end_sessions_of
from schoolbrug.core import confirm

from .. import policies
from ..decorators import staff_required
from ..models import Group, GroupStaff, School, SchoolYear, StaffMember
from .common import actor_of, admin_of, changed_fields, record_setup, stored_values
from .staff_invitations import staff_invite

STAFF_FIELDS = [
    "first_name", "prefix", "last_name", "email", "phone", "position", "function_title",
    "is_application_admin", "is_communication_admin", "group_authorisation",
]  # fmt: skip


# Forms ---------------------------------------------------------------------------------------


class StaffMemberForm(forms.ModelForm):
    groups_this_year = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The groups of the current school year this staff member teaches or follows."),
    )
    send_invitation = forms.BooleanField(
        label=gettext_lazy("Send an activation e-mail now"), required=False, initial=True
    )

    class Meta:
        model = StaffMember
        fields = STAFF_FIELDS

    def __init__(self, *args: Any, school: School, current_year: SchoolYear | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["email"].required = True
        groups = Group.objects.filter(school=school, year=current_year).order_by("name")
        groups_field = self.fields["groups_this_year"]
        assert isinstance(groups_field, forms.ModelMultipleChoiceField)
        groups_field.queryset = groups
        if self.instance.pk is not None:
            self.initial["groups_this_year"] = [link.group_id for link in self.instance.group_links.all()]
            if self.instance.account_id is not None:
                del self.fields["send_invitation"]  # the edit page has its own invite button

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        taken = StaffMember.objects.filter(school=self.school, email__iexact=email, is_active=True)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                gettext_lazy("Another staff member of this school has this e-mail address."), code="taken"
            )
        return email


# Reads ----------------------------------------------------------------------------------------


def current_year_of(school: School) -> SchoolYear | None:
    return SchoolYear.objects.filter(school=school, is_current=True).first()


def staff_for_list(school: School, year: SchoolYear | None) -> QuerySet[StaffMember]:
    """Active staff first; their current-year groups and account in a fixed number of queries."""
    links = GroupStaff.objects.filter(group__year=year).select_related("group").order_by("group__name")
    return (
        StaffMember.objects.filter(school=school)
        .select_related("account")
        .prefetch_related(Prefetch("group_links", queryset=links, to_attr="current_links"))
        .order_by("-is_active", "last_name", "first_name")
    )


# Writes ---------------------------------------------------------------------------------------


def _check(actor: Account, school: School) -> StaffMember:
    admin = policies.application_admin_of(actor, school.pk)
    if admin is None:
        raise PermissionDenied
    return admin


def _lock_administrators(school: School, admin: StaffMember) -> list[int]:
    """Locks the rows of the school's active administrators, always first and in one order (so
    two such writes never deadlock), and returns their ids. Of two administrators demoting or
    deactivating each other at once, the second waits for the first and then no longer counts
    it; an actor who lost his own right meanwhile is refused."""
    admins = list(
        policies.active_administrators(school.pk).select_for_update().order_by("pk").values_list("pk", flat=True)
    )
    if admin.pk not in admins:
        raise PermissionDenied
    return admins


@transaction.atomic
def staff_member_save(*, actor: Account, school: School, form: StaffMemberForm, year: SchoolYear | None) -> StaffMember:
    admin = _check(actor, school)
    admins = _lock_administrators(school, admin)
    staff = form.instance
    creating = staff.pk is None
    stored = stored_values(staff, STAFF_FIELDS)
    if stored.get("is_application_admin") and not policies.holds_administrator_role(staff):
        if staff.pk == admin.pk:
            raise ValidationError(
                _("You cannot take away your own administrator right; ask another administrator."), code="self"
            )
        if staff.is_active and not [pk for pk in admins if pk != staff.pk]:
            raise ValidationError(_("The school needs at least one application administrator."), code="last_admin")
    staff.school = school
    staff = form.save()
    chosen = {group.pk for group in form.cleaned_data["groups_this_year"]}
    current = set(GroupStaff.objects.filter(staff_member=staff, group__year=year).values_list("group_id", flat=True))
    if chosen != current:
        GroupStaff.objects.filter(staff_member=staff, group_id__in=current - chosen).delete()
        GroupStaff.objects.bulk_create(
            [GroupStaff(staff_member=staff, group_id=group_id) for group_id in sorted(chosen - current)]
        )
    changed = changed_fields(staff, stored) + (["groups"] if chosen != current and not creating else [])
    if creating or changed:
        record_setup(
            actor=actor,
            school_id=school.pk,
            subject=staff.full_name,
            what="staff_member",
            action="created" if creating else "changed",
            fields=[] if creating else changed,
        )
    return staff


@transaction.atomic
def staff_member_deactivate(*, actor: Account, staff: StaffMember, request: HttpRequest | None = None) -> int:
    """Marks him no longer employed, switches his login off and ends its sessions. Returns how
    many sessions were ended."""
    admin = _check(actor, staff.school)
    admins = _lock_administrators(staff.school, admin)
    staff = StaffMember.objects.select_for_update(of=("self",)).select_related("account").get(pk=staff.pk)
    if staff.pk == admin.pk:
        raise ValidationError(_("You cannot deactivate yourself; ask another administrator."), code="self")
    if not staff.is_active:
        raise ValidationError(_("%(name)s is already deactivated.") % {"name": staff.full_name}, code="inactive")
    if policies.holds_administrator_role(staff) and not [pk for pk in admins if pk != staff.pk]:
        raise ValidationError(_("The school needs at least one application administrator."), code="last_admin")
    staff.is_active = False
    staff.save(update_fields=["is_active", "updated_at"])
    ended = 0
    account = staff.account
    if account is not None:
        account.is_active = False
        account.save(update_fields=["is_active"])
        activation_tokens_revoke(account=account)
        ended = end_sessions_of(account)
    audit.record(
        audit.AuditEvent.Kind.ACCOUNT_DEACTIVATED,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject=staff.full_name,
        data={"staff_id": staff.pk, "account_id": getattr(account, "pk", None), "sessions_ended": ended},
    )
    return ended


@transaction.atomic
def staff_member_reactivate(*, actor: Account, staff: StaffMember, request: HttpRequest | None = None) -> None:
    """Employed again: his login works again with the password he had (a login that was never
    activated needs a new invitation, as before)."""
    _check(actor, staff.school)
    staff = StaffMember.objects.select_for_update(of=("self",)).select_related("account").get(pk=staff.pk)
    if staff.is_active:
        return
    staff.is_active = True
    staff.save(update_fields=["is_active", "updated_at"])
    account = staff.account
    if account is not None and not account.is_active:
        account.is_active = True
        account.save(update_fields=["is_active"])
    record_setup(
        actor=actor, school_id=staff.school_id, subject=staff.full_name, what="staff_member", action="reactivated"
    )


# Pages ----------------------------------------------------------------------------------------


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    school = admin_of(request).school
    year = current_year_of(school)
    members = list(staff_for_list(school, year))
    return render(request, "sis/setup/staff.html", {"members": members, "year": year})


def _send_invitation(request: HttpRequest, staff: StaffMember) -> None:
    try:
        invitation = staff_invite(actor=actor_of(request), staff=staff, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    if invitation.delivery.failed:
        messages.error(
            request,
            _("The e-mail with the login details could not be sent: %(reason)s. Please try again later.")
            % {"reason": invitation.delivery.error},
        )
    else:
        messages.success(
            request, _("The login details have been sent to %(email)s.") % {"email": invitation.account.email}
        )


@staff_required
@never_cache
def staff_edit(request: HttpRequest, staff_id: int | None = None) -> HttpResponse:
    admin = admin_of(request)
    school = admin.school
    year = current_year_of(school)
    if staff_id is not None:
        staff = get_object_or_404(StaffMember.objects.select_related("account"), pk=staff_id, school=school)
    else:
        staff = StaffMember(school=school)
    form = StaffMemberForm(request.POST or None, instance=staff, school=school, current_year=year)
    if request.method == "POST" and form.is_valid():
        try:
            staff = staff_member_save(actor=actor_of(request), school=school, form=form, year=year)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The data of %(name)s have been saved.") % {"name": staff.full_name})
            if form.cleaned_data.get("send_invitation"):
                _send_invitation(request, staff)
            return redirect("staff:setup-staff")
    context = {"form": form, "member": staff, "year": year, "is_self": staff.pk == admin.pk}
    return render(request, "sis/setup/staff_edit.html", context)


@staff_required
@require_POST
def staff_invite_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    school = admin_of(request).school
    staff = get_object_or_404(StaffMember, pk=staff_id, school=school)
    _send_invitation(request, staff)
    return redirect("staff:setup-staff-member", staff_id=staff.pk)


@staff_required
def staff_deactivate_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    school = admin_of(request).school
    staff = get_object_or_404(StaffMember, pk=staff_id, school=school)
    back = reverse("staff:setup-staff-member", args=[staff.pk])
    if not confirm.is_confirmed(request):
        return confirm.confirmation_page(
            request,
            question=_("Deactivate this staff member?"),
            subject=staff.full_name,
            consequence=_(
                "He or she can no longer log in; open sessions end at once and unused invitation links stop "
                "working. The records he or she kept stay."
            ),
            button=_("Deactivate"),
            cancel_url=back,
        )
    try:
        staff_member_deactivate(actor=actor_of(request), staff=staff, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("%(name)s has been deactivated.") % {"name": staff.full_name})
    return redirect("staff:setup-staff")


@staff_required
@require_POST
def staff_reactivate_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    school = admin_of(request).school
    staff = get_object_or_404(StaffMember, pk=staff_id, school=school)
    staff_member_reactivate(actor=actor_of(request), staff=staff, request=request)
    messages.success(request, _("%(name)s is employed again and can log in.") % {"name": staff.full_name})
    return redirect("staff:setup-staff-member", staff_id=staff.pk)
