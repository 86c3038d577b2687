"""The contact list and the PIN step in front of it. Every look is written to the audit log."""

from __future__ import annotations

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from schoolbrug.accounts.audit import AuditEvent, record
from schoolbrug.accounts.contact_pin import has_pin, locked_until, mark_pin_step, pin_check, pin_step_is_fresh

from ..decorators import staff_required
from ..policies import groups_visible_to, is_narrowed_by_group_authorisation, require_staff_member
from .selectors import contact_cards


class PinForm(forms.Form):
    pin = forms.CharField(
        label=gettext_lazy("Your PIN"),
        max_length=12,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}),
    )


def _here(request: HttpRequest) -> str:
    return request.get_full_path()


@staff_required
@never_cache
def contacts(request: HttpRequest) -> HttpResponseBase:
    staff = require_staff_member(request.user)
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    if not has_pin(user):
        return redirect(reverse("accounts:contact-pin") + "?" + urlencode({"next": _here(request)}))
    if not pin_step_is_fresh(request):
        return redirect(reverse("staff:contacts-unlock") + "?" + urlencode({"next": _here(request)}))
    groups = list(groups_visible_to(user).filter(year__is_current=True).order_by("name"))
    narrowed = is_narrowed_by_group_authorisation(staff)
    chosen = None
    value = request.GET.get("group", "")
    if value:
        chosen = next((g for g in groups if str(g.pk) == value), None)
        if chosen is None:
            raise Http404
    elif not narrowed:
        # Someone who sees the whole school gets one group at a time: a list of every pupil would
        # be a long page and a large look at once.
        chosen = groups[0] if groups else None
    cards = contact_cards(user=user, group=chosen) if chosen is not None or narrowed else []
    record(
        AuditEvent.Kind.CONTACT_VIEWED,
        actor=user,
        request=request,
        school_id=staff.school_id,
        subject=chosen.name if chosen else _("all my pupils"),
        data={"list": "contact information", "group_id": chosen.pk if chosen else None, "pupils": len(cards)},
    )
    context = {"cards": cards, "groups": groups, "chosen": chosen, "offer_all": narrowed}
    return render(request, "sis/contact_card/list.html", context)


@sensitive_post_parameters("pin")
@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def unlock(request: HttpRequest) -> HttpResponseBase:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    if not has_pin(user):
        return redirect("accounts:contact-pin")
    next_url = request.GET.get("next", "")
    if not (next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})):
        next_url = reverse("staff:contacts")
    form = PinForm(request.POST or None)
    status = 200
    until = locked_until(user)
    if request.method == "POST":
        if until is not None:
            status = 429
        elif form.is_valid() and pin_check(account=user, pin=form.cleaned_data["pin"], request=request):
            mark_pin_step(request)
            return redirect(next_url)
        else:
            until = locked_until(user)
            status = 429 if until is not None else 400
            if until is None:
                form.add_error("pin", _("This PIN is not correct."))
    context = {
        "form": form,
        "locked_until": timezone.localtime(until) if until else None,
    }
    response: HttpResponse = render(request, "sis/contact_card/unlock.html", context)
    response.status_code = status
    return response
