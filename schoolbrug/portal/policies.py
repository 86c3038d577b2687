"""Who may use which part of the portal.

The portal always works for one guardian account (the "portal account"): the logged-in
guardian, or, during "log in as guardian" (POR-12), the guardian an application administrator
of the same school chose. Everything a page shows is then reached from that account through
`sis.policies`, exactly as for the guardian himself, except that an administrator sees only his
own school's part of it (`impersonation_school_id`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import School
from schoolbrug.sis.policies import application_admin_of

IMPERSONATION_KEY = "schoolbrug_portal_impersonation"


def guardian_accounts_of_school(school: School) -> QuerySet[Account]:
    """Guardian accounts an administrator of `school` may look through (POR-12)."""
    return (
        Account.objects.filter(kind=Account.Kind.GUARDIAN, is_active=True, guardian_records__school=school)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def session_is_verified(request: HttpRequest) -> bool:
    """True when the staff session passed two-factor verification (django-otp)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def impersonation(request: HttpRequest) -> dict[str, int] | None:
    data = request.session.get(IMPERSONATION_KEY) if hasattr(request, "session") else None
    if not isinstance(data, dict):
        return None
    return data


def impersonated_account(request: HttpRequest) -> Account | None:
    """The guardian account behind an impersonation session, re-checked on every request:
    the administrator must still be the one who started it, still administrator of the
    guardian's school, and the guardian account still active."""
    data = impersonation(request)
    if data is None or data.get("admin_id") != getattr(request.user, "pk", None):
        return None
    staff = application_admin_of(request.user)
    if staff is None:
        return None
    guardian_id = data.get("guardian_id")
    if not isinstance(guardian_id, int):
        return None
    return guardian_accounts_of_school(staff.school).filter(pk=guardian_id).first()


def impersonation_school_id(request: HttpRequest) -> int | None:
    """While an administrator looks through a guardian's eyes: his own school, the only one whose
    children and guardian records the portal may show. One guardian account can hold guardian
    records at several schools (Guardian.account is shared), and the others are none of his
    business. None for a guardian on his own portal: he sees all his schools."""
    if getattr(request.user, "is_guardian", False) or impersonation(request) is None:
        return None
    staff = application_admin_of(request.user)
    # Without an administrator there is no portal account either (the page is 404); -1 matches
    # no school, so nothing leaks should a caller forget that.
    return staff.school_id if staff is not None else -1


def portal_account_of(request: HttpRequest) -> Account | None:
    """The guardian account whose portal this request shows, or None (the page is then 404)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_guardian", False):
        return user if user.is_active else None  # type: ignore[return-value]
    return impersonated_account(request)
