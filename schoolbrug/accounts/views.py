from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from .forms import ChooseAccountForm, EmailAuthenticationForm
from .models import Account
from .sessions import remember_session
from .two_factor import devices, flow

# After a password opened two accounts, the choice must be made soon and in the same session.
PENDING_CHOICE_KEY = "schoolbrug_pending_account_choice"
PENDING_CHOICE_SECONDS = 300
BACKEND = "schoolbrug.accounts.backends.EmailBackend"


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        if not form.other_accounts:
            account = form.get_user()
            if flow.needs_second_factor(account):
                return ask_second_factor(self.request, account, self.get_redirect_url())
            response = super().form_valid(form)
            apply_session_rules(self.request, account)
            remember_session(self.request, account)
            return response
        # The password opened two accounts: no session yet, the person chooses first.
        accounts = [form.get_user(), *form.other_accounts]
        self.request.session.cycle_key()
        self.request.session[PENDING_CHOICE_KEY] = {
            "ids": [a.pk for a in accounts],
            "at": time.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("accounts:choose")


def ask_second_factor(request: HttpRequest, account: Account, next_url: str) -> HttpResponse:
    """The password was right, but a staff account with an authenticator app gets no session
    before its code (or a recovery code) is accepted."""
    if devices.is_locked(account.pk):
        return locked_out(request)
    flow.start_pending(request, account, next_url)
    return redirect("accounts:two-factor-verify")


def locked_out(request: HttpRequest) -> HttpResponse:
    context = {"cooloff_timedelta": settings.AXES_COOLOFF_TIME}
    return render(request, "accounts/two_factor/locked_out.html", context, status=429)


def apply_session_rules(request: HttpRequest, account: Account) -> None:
    """Each kind of account keeps its own session length: short for staff, who open many
    children's files, longer for guardians on their own phone."""
    if account.kind == Account.Kind.STAFF:
        request.session.set_expiry(settings.SCHOOLBRUG_STAFF_SESSION_SECONDS)
    else:
        request.session.set_expiry(settings.SCHOOLBRUG_GUARDIAN_SESSION_SECONDS)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def choose_account(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_CHOICE_KEY)
    if not pending or time.time() - pending["at"] > PENDING_CHOICE_SECONDS:
        request.session.pop(PENDING_CHOICE_KEY, None)
        return redirect("accounts:login")
    accounts = list(Account.objects.filter(pk__in=pending["ids"], is_active=True).order_by("-kind"))
    form = ChooseAccountForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        account = next(a for a in accounts if a.pk == form.cleaned_data["account"])
        del request.session[PENDING_CHOICE_KEY]
        if flow.needs_second_factor(account):
            return ask_second_factor(request, account, pending.get("next") or "")
        login(request, account, backend=BACKEND)
        apply_session_rules(request, account)
        remember_session(request, account)
        target = pending.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("home")
        return redirect(target)
    return render(request, "accounts/choose_account.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    pass
