"""Reads for the guardian account overview (ACC-5) and the bulk invitations (ACC-2).

Only application administrators manage guardian accounts, and only those of their own school.
Every list here is one annotated query plus a fixed number of prefetches, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models import BooleanField, Case, CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts.activation import ActivationToken

from .. import policies
from ..models import Guardian, Guardianship, Placement
from .batch_models import InvitationBatch, InvitationBatchItem
from .forms import GuardianAccountFilters
from .invitations import REFERENCE_PREFIX

# Why a guardian was skipped; the invitation service may add reasons of its own (shown as given).
NO_EMAIL = "no_email"
INVALID_EMAIL = "invalid_email"
SKIP_REASONS = {
    NO_EMAIL: _("no e-mail address"),
    INVALID_EMAIL: _("invalid e-mail address"),
}

_email_validator = EmailValidator()


def email_problem(email: str) -> str:
    """The skip reason for this address, or "" when an invitation can be sent to it."""
    if not email.strip():
        return NO_EMAIL
    try:
        _email_validator(email.strip())
    except ValidationError:
        return INVALID_EMAIL
    return ""


def skip_reason_label(reason: str) -> str:
    return str(SKIP_REASONS.get(reason, reason))


# --- the overview ----------------------------------------------------------------------------


def _invited() -> Exists:
    # "Invited": an invitation was ever issued for this guardian record, alone or in a batch.
    # The activation tokens are that record (see invitations.guardian_reference).
    reference = Concat(Value(REFERENCE_PREFIX), Cast(OuterRef("pk"), CharField()))
    return Exists(ActivationToken.objects.filter(reference=reference))


def _activated(account: str = "account") -> Q:
    # "Activated": the account behind the guardian has been used: a redeemed activation link, or
    # a login (accounts that predate the links). Account-level, because one login can serve the
    # records of the same person in two families; has_usable_password() cannot be queried.
    # `account`: the path to the account from the rows queried (a guardian's, a guardianship's).
    redeemed = ActivationToken.objects.filter(account_id=OuterRef(f"{account}_id"), used_at__isnull=False)
    return Q(**{f"{account}__isnull": False}) & (Q(**{f"{account}__last_login__isnull": False}) | Q(Exists(redeemed)))


def reachable_in_app() -> Q:
    """Condition on guardians: "reachable in the app" (ACC-5, MSG-8). A guardianship that reaches
    the app by the one rule (`policies.guardianships_reaching_app`) and an active account that
    has been activated (a redeemed link or a login)."""
    reaching = policies.guardianships_reaching_app().filter(guardian_id=OuterRef("pk"))
    return Q(Exists(reaching)) & Q(account__is_active=True) & _activated()


def guardianship_in_app() -> Q:
    """Condition on guardianships: this child's guardian is in the app for this child (the one
    rule for the guardianship, and his account active and activated)."""
    reaching = policies.guardianships_reaching_app().filter(pk=OuterRef("pk"))
    return Q(Exists(reaching)) & Q(guardian__account__is_active=True) & _activated("guardian__account")


def as_flag(condition: Q | Exists) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def guardian_account_rows(*, user: Any, filters: GuardianAccountFilters) -> QuerySet[Guardian]:
    """Every guardian of the administrator's school with the account flags, filtered and sorted.

    Lazy, so a paginator can count and slice it; wrap the objects with `rows_of`.
    """
    if not policies.is_application_admin(user):
        return Guardian.objects.none()
    guardians = (
        policies.guardians_visible_to(user)
        .select_related("account")
        .annotate(
            account_active=as_flag(Q(account__is_active=True)),
            invited=as_flag(_invited()),
            activated=as_flag(_activated()),
            reachable=as_flag(reachable_in_app()),
        )
    )
    if filters.group is not None:
        guardians = guardians.filter(
            pk__in=Guardianship.objects.filter(
                pupil__placements__group=filters.group, pupil__placements__year__is_current=True
            ).values("guardian_id")
        )
    for term in filters.name.split():
        guardians = guardians.filter(
            Q(first_name__icontains=term) | Q(prefix__icontains=term) | Q(last_name__icontains=term)
        )
    for flag in ("active", "invited", "activated", "reachable"):
        value = getattr(filters, flag)
        if value is not None:
            guardians = guardians.filter(**{"account_active" if flag == "active" else flag: value})
    current_placements = Prefetch(
        "pupil__placements",
        queryset=Placement.objects.filter(year__is_current=True).select_related("group"),
        to_attr="current_placements",
    )
    links = Guardianship.objects.select_related("pupil").prefetch_related(current_placements)
    return guardians.prefetch_related(
        Prefetch("guardianships", queryset=links.order_by("pupil__last_name", "pupil__first_name"), to_attr="links")
    ).order_by("last_name", "first_name", "prefix", "pk")


@dataclass(frozen=True)
class PupilLabel:
    name: str
    group: str

    def __str__(self) -> str:
        return f"{self.name} ({self.group})" if self.group else self.name


@dataclass(frozen=True)
class GuardianAccountRow:
    guardian_id: int
    name: str
    email: str
    pupils: list[PupilLabel]
    account_active: bool
    invited: bool
    activated: bool
    reachable: bool

    @property
    def pupils_text(self) -> str:
        return ", ".join(str(p) for p in self.pupils)


def rows_of(guardians: Iterable[Guardian]) -> list[GuardianAccountRow]:
    """Display rows of guardians fetched through guardian_account_rows (no further queries)."""
    rows = []
    for guardian in guardians:
        pupils = [
            PupilLabel(
                name=link.pupil.display_name,
                group=", ".join(p.group.name for p in link.pupil.current_placements),  # type: ignore[attr-defined]
            )
            for link in guardian.links  # type: ignore[attr-defined]
        ]
        rows.append(
            GuardianAccountRow(
                guardian_id=guardian.pk,
                name=guardian.full_name,
                email=guardian.email,
                pupils=pupils,
                account_active=guardian.account_active,  # type: ignore[attr-defined]
                invited=guardian.invited,  # type: ignore[attr-defined]
                activated=guardian.activated,  # type: ignore[attr-defined]
                reachable=guardian.reachable,  # type: ignore[attr-defined]
            )
        )
    return rows


# --- selections and batches ------------------------------------------------------------------


def selected_guardian_ids(*, user: Any, filters: GuardianAccountFilters, ids: Iterable[int] | None = None) -> list[int]:
    """The guardians to invite: the chosen ids, or (ids=None) every guardian the filters match.

    Ids outside the administrator's school simply drop out.
    """
    guardians = guardian_account_rows(user=user, filters=filters)
    if ids is not None:
        guardians = guardians.filter(pk__in=list(ids))
    return list(guardians.values_list("pk", flat=True))


@dataclass(frozen=True)
class SelectionSummary:
    guardian_ids: list[int]
    without_email: int

    @property
    def total(self) -> int:
        return len(self.guardian_ids)

    @property
    def to_send(self) -> int:
        return self.total - self.without_email


def selection_summary(*, user: Any, guardian_ids: list[int]) -> SelectionSummary:
    """How many of these guardians can be invited at all (an address that passes validation)."""
    emails = policies.guardians_visible_to(user).filter(pk__in=guardian_ids).values_list("email", flat=True)
    return SelectionSummary(guardian_ids=guardian_ids, without_email=sum(1 for e in emails if email_problem(e)))


def recent_invitation_batches(*, user: Any, limit: int = 5) -> QuerySet[InvitationBatch]:
    staff = policies.require_application_admin(user)
    return InvitationBatch.objects.filter(school_id=staff.school_id).select_related("created_by")[:limit]


def get_invitation_batch_for_user_or_404(user: Any, batch_id: int) -> InvitationBatch:
    staff = policies.require_application_admin(user)
    return get_object_or_404(
        InvitationBatch.objects.select_related("created_by"), pk=batch_id, school_id=staff.school_id
    )


def skipped_items(batch: InvitationBatch) -> QuerySet[InvitationBatchItem]:
    return (
        batch.items.filter(state=InvitationBatchItem.State.SKIPPED)
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name", "pk")
    )


def failed_items(batch: InvitationBatch) -> QuerySet[InvitationBatchItem]:
    """Items whose e-mail the mail server refused; "resume" sends these again."""
    return (
        batch.items.filter(state=InvitationBatchItem.State.FAILED)
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name", "pk")
    )
