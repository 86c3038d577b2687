"""The page behind an invitation link: choose a password, and the account is ready to log in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from .activation import ActivationError, TokenStatus, activation_token_redeem, activation_token_state

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
    form = SetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activation_token_redeem(raw_token=token, password=form.cleaned_data["new_password1"], request=request)
        except ActivationError as error:
            return _invalid_link(request, error.status)
        messages.success(request, _("Your password has been set. You can now log in with your e-mail address."))
        return redirect("accounts:login")
    return render(request, "accounts/activate.html", {"form": form, "username": account.email})
