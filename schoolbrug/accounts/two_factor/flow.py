"""The login step between a right password and a session: which accounts need it, and the
pending login kept in the session meanwhile (like the account choice)."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from ..models import Account
from .devices import has_confirmed_device, supports_two_factor

PENDING_KEY = "schoolbrug_pending_two_factor"
PENDING_SECONDS = 300
REENROL_KEY = "schoolbrug_two_factor_reenrol"
REENROL_SECONDS = 600


def needs_second_factor(account: Account) -> bool:
    return supports_two_factor(account) and has_confirmed_device(account)


def start_pending(request: HttpRequest, account: Account, next_url: str) -> None:
    # A new session key now, and another when the code is accepted (login() cycles it).
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"id": account.pk, "at": time.time(), "next": next_url}


def pending_login(request: HttpRequest) -> dict[str, Any] | None:
    pending: dict[str, Any] | None = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def allow_reenrolment(request: HttpRequest) -> None:
    request.session[REENROL_KEY] = time.time()


def reenrolment_allowed(request: HttpRequest) -> bool:
    started = request.session.get(REENROL_KEY)
    return started is not None and time.time() - started <= REENROL_SECONDS


def two_factor_required(request: HttpRequest) -> bool:
    """Whether the role rules demand a second factor for this session's account.

    The `sis` middleware knows the roles and puts a callable on the request; without it the safe
    answer is "required", so nobody can switch the second factor off by accident.
    """
    decide = getattr(request, "two_factor_required", None)
    return True if decide is None else bool(decide())
