"""Per-administrator hourly limits on costly actions (SECURITY 2.4.1), counted from the audit log.

The audit log already holds one row per invitation or export, with its actor and moment, so
the count needs no separate counter and cannot drift from what really happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts import audit

WINDOW = dt.timedelta(hours=1)
# Invitations sent one at a time (the family page) carry this batch key prefix, or none at all;
# those of a bulk batch carry the batch id and are limited per batch instead.
SINGLE_KEY_PREFIX = "single:"


class LimitReached(Exception):
    """The actor did this too often in the past hour; `message` says so to him."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def single_invitations_per_hour() -> int:
    return int(settings.SCHOOLBRUG_SINGLE_INVITATIONS_PER_HOUR)


def recent_audit_events(*, actor: Any, kind: str, extra: Q | None = None) -> int:
    """How many audit events of this kind the actor caused in the past hour."""
    since = timezone.now() - WINDOW
    events = audit.AuditEvent.objects.filter(kind=kind, actor_id=actor.pk, at__gte=since)
    if extra is not None:
        events = events.filter(extra)
    return events.count()


def is_single_invitation(batch_key: str) -> bool:
    return not batch_key or batch_key.startswith(SINGLE_KEY_PREFIX)


def check_single_invitation_limit(actor: Any) -> None:
    """Raises LimitReached when the actor sent the hourly maximum of single invitations."""
    limit = single_invitations_per_hour()
    single = Q(data__batch_key="") | Q(data__batch_key__startswith=SINGLE_KEY_PREFIX)
    if recent_audit_events(actor=actor, kind=audit.AuditEvent.Kind.INVITATION_SENT, extra=single) >= limit:
        raise LimitReached(
            _(
                "You have sent %(limit)s invitations one by one in the past hour. Please try again "
                "later, or invite several guardians at once from the guardian accounts overview."
            )
            % {"limit": limit}
        )
