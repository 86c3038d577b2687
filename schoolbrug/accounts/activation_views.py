"""The page behind an invitation link: choose a password, and the account is ready to log in.

For an account that already is someone's working login (an active account with a password, e.g.
a parent invited by a second school), the page asks for that account's current password instead:
the link alone never replaces a password.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from .activation import (
    ActivationError,
    TokenStatus,
    WrongPassword,
    activation_token_confirm,
    activation_token_redeem,
    activation_token_state,
    needs_current_password,
)
from .forms import CurrentPasswordForm

# Used, expired and replaced links are gone for good (410); a link that never existed is 404.
_STATUS_CODES = {TokenStatus.UNKNOWN: 404}


def _invalid_link(request: HttpRequest, status: TokenStatus) -> HttpResponse:
    return render(
        request,
        "accounts/activate_invalid.html",
        {"status": str(status)},
        status=_STATUS_CODES.get(status, 410),
    )


@sensitive_variables("token")
@sensitive_post_parameters()
@csrf_protect
@never_cache
def activate(request: HttpRequest, token: str) -> HttpResponse:
    # Opening the link does not use it up (mail scanners open links too); setting the password does.
    state = activation_token_state(token)
    if state.status != TokenStatus.VALID or state.token is None:
        return _invalid_link(request, state.status)
    account = state.token.account
    if needs_current_password(account):
        return _confirm(request, token, account)
    form = SetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activation_token_redeem(raw_token=token, password=form.cleaned_data["new_password1"], request=request)
        except ActivationError as error:
            return _invalid_link(request, error.status)
        messages.success(request, _("Your password has been set. You can now log in with your e-mail address."))
        return redirect("accounts:login")
    return render(request, "accounts/activate.html", {"form": form, "username": account.email})


@sensitive_variables("token")
def _confirm(request: HttpRequest, token: str, account: Any) -> HttpResponse:
    form = CurrentPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activation_token_confirm(raw_token=token, current_password=form.cleaned_data["password"], request=request)
        except ActivationError as error:
            return _invalid_link(request, error.status)
        except WrongPassword:
            form.add_error("password", _("This is not the password of this account. Please try again."))
        else:
            messages.success(request, _("The invitation has been added to your account. You can log in as usual."))
            return redirect("accounts:login")
    return render(request, "accounts/activate_confirm.html", {"form": form, "username": account.email})
