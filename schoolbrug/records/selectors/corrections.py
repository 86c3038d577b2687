"""The correction-request inbox (REC-7): current against proposed values, fixed query count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Value, When

from ..models import CorrectionRequest
from ..policies import corrections as policies
from ..services.corrections import FUNDING_FIELDS, field_label, live_value, target_queryset

INBOX_DECIDED_LIMIT = 50


@dataclass(frozen=True)
class InboxRow:
    correction: CorrectionRequest
    field_label: str
    live_value: str | None  # None: the row no longer exists
    affects_funding: bool

    @property
    def is_stale(self) -> bool:
        return self.live_value is not None and self.live_value != self.correction.current_value

    @property
    def is_gone(self) -> bool:
        return self.live_value is None


def correction_inbox(*, user: Any) -> list[InboxRow]:
    """Pending requests first (oldest first), then the most recent decisions."""
    base = policies.corrections_visible_to(user).select_related("pupil", "guardian", "requested_by", "decided_by")
    pending = list(base.filter(status=CorrectionRequest.Status.PENDING).order_by("requested_at", "pk"))
    decided = list(
        base.exclude(status=CorrectionRequest.Status.PENDING)
        .annotate(
            order=Case(When(decided_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("order", "-decided_at", "-pk")[:INBOX_DECIDED_LIMIT]
    )
    corrections = pending + decided
    # One query per kind of target, however many requests there are.
    ids: dict[str, set[int]] = defaultdict(set)
    for c in corrections:
        ids[c.target].add(c.object_id)
    school_id = corrections[0].school_id if corrections else 0
    objects = {target: target_queryset(target, school_id).in_bulk(list(pks)) for target, pks in ids.items()}
    rows = []
    for c in corrections:
        obj = objects[c.target].get(c.object_id)
        rows.append(
            InboxRow(
                correction=c,
                field_label=field_label(c.target, c.field_name),
                live_value=live_value(c, obj),
                affects_funding=(c.target, c.field_name) in FUNDING_FIELDS,
            )
        )
    return rows


def pending_correction_count(*, user: Any) -> int:
    return policies.corrections_visible_to(user).filter(status=CorrectionRequest.Status.PENDING).count()
