from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import Account


class EmailBackend(ModelBackend):
    """Logs in by e-mail address and password, whatever kind of account it is.

    When the address holds a staff and a guardian account and the password opens both, the
    staff account is returned with `other_matching_accounts` set, so the login view can ask
    which one to open instead of choosing for the person.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        kind: str | None = None,
        **kwargs: Any,
    ) -> Account | None:
        if not username or not password:
            return None
        candidates = list(Account.objects.filter(email__iexact=username.strip()).order_by("-kind"))
        if kind:
            candidates = [account for account in candidates if account.kind == kind]
        if not candidates:
            # Same work as a real check, so timing does not tell whether the address exists.
            Account().set_password(password)
            return None
        matching = [a for a in candidates if a.check_password(password) and self.user_can_authenticate(a)]
        if not matching:
            return None
        chosen = matching[0]
        chosen.other_matching_accounts = matching[1:]  # type: ignore[attr-defined]
        return chosen
