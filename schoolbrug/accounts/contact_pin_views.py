"""The staff member's own page for his contact PIN (PRIV-2): set or change it with the account's
password, so someone at an unlocked computer cannot choose a PIN of his own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .contact_pin import has_pin, pin_set, validate_pin

PIN_WIDGET = forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"})


class ContactPinForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    pin = forms.CharField(
        label=gettext_lazy("New PIN"),
        widget=PIN_WIDGET,
        help_text=gettext_lazy("At least 5 digits; no repeated digits or rows such as 12345."),
    )
    pin_again = forms.CharField(label=gettext_lazy("New PIN again"), widget=PIN_WIDGET)

    def __init__(self, *args: object, account: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.account = account

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.account.check_password(password):  # type: ignore[attr-defined]
            raise ValidationError(_("This is not your password."))
        return password

    def clean_pin(self) -> str:
        pin: str = self.cleaned_data["pin"]
        validate_pin(pin)
        return pin

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("pin") and data.get("pin_again") and data["pin"] != data["pin_again"]:
            self.add_error("pin_again", _("The two PINs are not the same."))
        return data


@sensitive_post_parameters("password", "pin", "pin_again")
@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def contact_pin(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff_member:  # type: ignore[union-attr]
        raise Http404
    form = ContactPinForm(request.POST or None, account=request.user)
    if request.method == "POST" and form.is_valid():
        pin_set(account=request.user, pin=form.cleaned_data["pin"], request=request)  # type: ignore[arg-type]
        messages.success(request, _("Your PIN has been saved."))
        next_url = request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("accounts:contact-pin")
    return render(
        request,
        "accounts/contact_pin.html",
        {"form": form, "has_pin": has_pin(request.user)},  # type: ignore[arg-type]
    )
