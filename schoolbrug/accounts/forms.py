from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Account


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form (fields `username` and `password`), where the username is an e-mail
    address that may belong to a staff account, a guardian account, or both."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("This e-mail address and password do not match. Please try again."),
        "inactive": _("This account is inactive. Please contact the school."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.other_accounts: list[Account] = []

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            self.other_accounts = list(getattr(self.user_cache, "other_matching_accounts", []))
        return self.cleaned_data


class ChooseAccountForm(forms.Form):
    account = forms.TypedChoiceField(label=_("Open as"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, accounts: list[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.pk, a.get_kind_display()) for a in accounts]


class RecoveryRequestForm(forms.Form):
    """The e-mail address for a forgotten password or username. The answer never tells whether
    an account exists (ASVS 6.3.8)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter a complete e-mail address, such as name@example.nl."),
            "required": _("Enter the e-mail address you use for Schoolbrug."),
        },
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class CurrentPasswordForm(forms.Form):
    """The password of an existing account, to accept an invitation link with it."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autofocus": True, "autocomplete": "current-password"}),
        error_messages={"required": _("Enter the password you log in with.")},
    )
