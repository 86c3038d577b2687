from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from ..audit import AuditEvent, record
from ..models import Account
from ..sessions import remember_session
from ..views import BACKEND, apply_session_rules, locked_out
from . import devices, flow
from .forms import CodeForm, PasswordConfirmForm, SecondFactorForm
from .qr import otpauth_url, qr_svg


def _staff_account(request: HttpRequest) -> Account:
    if not devices.supports_two_factor(request.user):
        raise Http404
    return request.user  # type: ignore[return-value]


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login; also reached by a session that was never verified."""
    logged_in = request.user.is_authenticated
    if logged_in:
        account = _staff_account(request)
        if request.user.is_verified() or not devices.has_confirmed_device(account):  # type: ignore[union-attr]
            return redirect("home")
        next_url = request.GET.get("next", "")
    else:
        pending = flow.pending_login(request)
        found = Account.objects.filter(pk=pending["id"], is_active=True).first() if pending else None
        if pending is None or found is None:
            flow.drop_pending(request)
            return redirect("accounts:login")
        account, next_url = found, pending.get("next") or ""
    if devices.is_locked(account.pk):
        flow.drop_pending(request)
        if logged_in:
            logout(request)
        return locked_out(request)

    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if devices.normalise_code(code).isdigit() and devices.verification_blocked(account):
            form.add_error("code", _("Please wait a few seconds before you try again."))
        elif (device := devices.verify_second_factor(account, code)) is None:
            record(AuditEvent.Kind.TWO_FACTOR_FAILED, actor=account, request=request, subject=account.email)
            if devices.register_failure(account.pk):
                flow.drop_pending(request)
                if logged_in:
                    logout(request)
                return locked_out(request)
            form.add_error("code", _("This code is not correct or has been used already. Please try again."))
        else:
            devices.clear_failures(account.pk)
            if logged_in:
                request.session.cycle_key()
                otp_login(request, device)
                remember_session(request, account)
            else:
                flow.drop_pending(request)
                # django-otp marks the session verified when login() sees `otp_device`.
                account.otp_device = device  # type: ignore[attr-defined]
                login(request, account, backend=BACKEND)
                apply_session_rules(request, account)
                remember_session(request, account)
            if device.persistent_id.startswith("otp_static"):
                left = devices.recovery_codes_left(account)
                messages.warning(
                    request,
                    _("You used a recovery code; %(count)d are left. Renew them on the two-factor page.")
                    % {"count": left},
                )
            return redirect(_safe_next(request, next_url))
    return render(request, "accounts/two_factor/verify.html", {"form": form})


@login_required
@sensitive_post_parameters("code")
@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    account = _staff_account(request)
    if devices.has_confirmed_device(account):
        if not request.user.is_verified():  # type: ignore[union-attr]
            return redirect("accounts:two-factor-verify")
        if not flow.reenrolment_allowed(request):
            return redirect("accounts:two-factor")
    device = devices.unconfirmed_totp_device(actor=account)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = devices.totp_device_confirm(
            actor=account, device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is None:
            form.add_error(
                "code",
                _("This code is not correct. Check that the time on your phone is right and enter the newest code."),
            )
        else:
            device.confirmed = True
            request.session.pop(flow.REENROL_KEY, None)
            request.session.cycle_key()
            otp_login(request, device)
            remember_session(request, account)
            return render(request, "accounts/two_factor/recovery_codes.html", {"codes": codes, "first_time": True})
    secret = b32encode(device.bin_key).decode()
    context: dict[str, Any] = {
        "form": form,
        "qr": qr_svg(otpauth_url(account, secret)),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": flow.two_factor_required(request),
    }
    return render(request, "accounts/two_factor/setup.html", context)


def _manage_context(request: HttpRequest, account: Account, **forms: PasswordConfirmForm) -> dict[str, Any]:
    return {
        "enabled": devices.has_confirmed_device(account),
        "codes_left": devices.recovery_codes_left(account),
        "required": flow.two_factor_required(request),
        "renew_form": forms.get("renew") or PasswordConfirmForm(account=account, prefix="renew"),
        "replace_form": forms.get("replace") or PasswordConfirmForm(account=account, prefix="replace"),
        "disable_form": forms.get("disable") or PasswordConfirmForm(account=account, prefix="disable"),
    }


@login_required
@never_cache
def manage(request: HttpRequest) -> HttpResponse:
    account = _staff_account(request)
    return render(request, "accounts/two_factor/manage.html", _manage_context(request, account))


def _password_checked(request: HttpRequest, account: Account, action: str) -> HttpResponse | None:
    """None when the password was re-entered correctly; otherwise the page with the error (403)."""
    form = PasswordConfirmForm(request.POST, account=account, prefix=action)
    if form.is_valid():
        return None
    context = _manage_context(request, account, **{action: form})
    return render(request, "accounts/two_factor/manage.html", context, status=403)


@login_required
@require_POST
@sensitive_post_parameters("renew-password")
@never_cache
def renew_recovery_codes(request: HttpRequest) -> HttpResponse:
    account = _staff_account(request)
    if not devices.has_confirmed_device(account):
        return redirect("accounts:two-factor-setup")
    refused = _password_checked(request, account, "renew")
    if refused is not None:
        return refused
    codes = devices.recovery_codes_renew(actor=account, request=request)
    return render(request, "accounts/two_factor/recovery_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
@sensitive_post_parameters("replace-password")
@never_cache
def replace_app(request: HttpRequest) -> HttpResponse:
    account = _staff_account(request)
    refused = _password_checked(request, account, "replace")
    if refused is not None:
        return refused
    flow.allow_reenrolment(request)
    return redirect("accounts:two-factor-setup")


@login_required
@require_POST
@sensitive_post_parameters("disable-password")
@never_cache
def disable(request: HttpRequest) -> HttpResponse:
    account = _staff_account(request)
    if flow.two_factor_required(request):
        # Application administrators must keep it (SPEC ACC-6).
        return render(request, "accounts/two_factor/manage.html", _manage_context(request, account), status=403)
    refused = _password_checked(request, account, "disable")
    if refused is not None:
        return refused
    devices.two_factor_disable(actor=account, required=False, request=request)
    messages.success(request, _("Two-factor authentication has been switched off."))
    return redirect("accounts:two-factor")
