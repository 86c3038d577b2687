"""Login throttling on django-axes: three counters, each with its own limit (SECURITY.md 6.3.1).

axes (8.3.1, database handler) stores failed logins as rows per typed address ("username"),
client address and user agent, and counts them per group of AXES_LOCKOUT_PARAMETERS. Out of
the box it compares every group with one limit, and a successful login deletes the rows of every
group of the request, the client's address included. For a school, where a staff room or a
family behind one NAT address share that address, that means one person's typing errors lock
everybody out, and an attacker who owns one account wipes his address's count by logging in
with it between guesses at other accounts. This handler keeps axes' rows and lock-out flow and
changes what is counted against what:

=======================  ==========================  ========================================
counter                  limit (setting)             stops
=======================  ==========================  ========================================
account, one address     SCHOOLBRUG_LOGIN_FAILURE_   guessing one account's password
(username + ip_address)  LIMIT (AXES_FAILURE_LIMIT)
account, all addresses   SCHOOLBRUG_LOGIN_ACCOUNT_   the same, spread over many addresses
(username)               FAILURE_LIMIT
address, all accounts    SCHOOLBRUG_LOGIN_ADDRESS_   trying passwords on many accounts
(ip_address)             FAILURE_LIMIT               from one address ("spraying")
=======================  ==========================  ========================================

- Attempts refused during a lock-out are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
  LOCKOUT off). So one address adds at most the first limit to an account's counters per
  cool-off period: guessing at one account can never reach the (higher) address limit, so it
  never locks anyone else out of that address, nor reach the (higher) account limit, so one
  address alone cannot lock the owner out of his account elsewhere (no malicious lock-out).
- A successful login clears that account's failures from that address only: never the address's
  count of failures on other accounts, and never failures on the account from other addresses
  (an attacker's guesses are not forgiven because the owner logged in meanwhile).
- The typed address is compared case-insensitively (`login_username`), as the login does.
- Counts are sums over the rows newer than AXES_COOLOFF_TIME, as in axes; expired rows go.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_parameters,
    get_client_username,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core import checks
from django.db.models import Sum
from django.http import HttpRequest

ACCOUNT_AT_ADDRESS = frozenset({"username", "ip_address"})
ACCOUNT = frozenset({"username"})
ADDRESS = frozenset({"ip_address"})


def normalise_username(value: object) -> str | None:
    text = str(value or "").strip().lower()
    return text or None


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the typed e-mail address, case-insensitive like the login itself,
    so "Ouder@School.nl" and "ouder@school.nl" count as one account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return normalise_username(credentials.get(field))
    data = getattr(request, "data", request.POST)
    return normalise_username(data.get(field))


def lock_out_at_failure() -> bool:
    # axes' own switch, set in config/settings.py.
    return bool(settings.AXES_LOCK_OUT_AT_FAILURE)


def failure_limit(group: frozenset[str], request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    if group == ACCOUNT:
        return int(settings.SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT)
    if group == ADDRESS:
        return int(settings.SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT)
    return get_failure_limit(request, credentials)


class LoginThrottleHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler with a limit per lock-out parameter group."""

    def group_failures(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> list[tuple[frozenset[str], int]]:
        """The failures counted for each group of AXES_LOCKOUT_PARAMETERS, in its order."""
        groups = [
            frozenset([parameter]) if isinstance(parameter, str) else frozenset(parameter)
            for parameter in get_lockout_parameters(request, credentials)
        ]
        attempts_list = self.get_user_attempts(request, credentials)
        return [
            (group, attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
            for group, attempts in zip(groups, attempts_list, strict=True)
        ]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # What axes reports, and compares with AXES_FAILURE_LIMIT itself: the account at this
        # address. The other groups are compared with their own limits in `is_locked`.
        counts = dict(self.group_failures(request, credentials))
        return counts.get(ACCOUNT_AT_ADDRESS, 0)

    def filter_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> list[Any]:
        # A group that needs the typed address cannot match anything without one (axes would
        # otherwise count every row whose username is NULL).
        username = get_client_username(request, credentials)
        parameters = get_client_parameters(
            username,
            request.axes_ip_address,  # type: ignore[attr-defined]
            request.axes_user_agent,  # type: ignore[attr-defined]
            request,
            credentials,
        )
        return [
            AccessAttempt.objects.none()
            if any(value is None for value in filter_kwargs.values())
            else AccessAttempt.objects.filter(**filter_kwargs)
            for filter_kwargs in parameters
        ]

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if not lock_out_at_failure():
            return False
        return any(
            failures >= failure_limit(group, request, credentials)
            for group, failures in self.group_failures(request, credentials)
        )

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        # axes records the failure and locks out when the account-at-address limit is reached;
        # a failure that fills the account or the address counter locks out here.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not lock_out_at_failure():
            return
        if self.is_whitelisted(request, credentials) or not self.is_locked(request, credentials):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        # AXES_RESET_ON_SUCCESS is off: axes would clear the whole address. Only the account's
        # own failures from this address go.
        super().user_logged_in(sender, request, user, **kwargs)
        username = normalise_username(getattr(user, "email", None))
        if username is not None:
            AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()


@checks.register(checks.Tags.security)
def check_login_limits(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The guarantees above need the account and address limits above the first one."""
    errors: list[checks.CheckMessage] = []
    first = settings.AXES_FAILURE_LIMIT
    if not isinstance(first, int):
        return errors
    limits = {
        "SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT": settings.SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT,
        "SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT": settings.SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT,
    }
    for name, limit in limits.items():
        if int(limit) <= first:
            errors.append(
                checks.Error(
                    f"{name} must be higher than SCHOOLBRUG_LOGIN_FAILURE_LIMIT ({first}).",
                    hint="Otherwise failures from one address on one account lock out others.",
                    id="schoolbrug.E101",
                )
            )
    return errors
