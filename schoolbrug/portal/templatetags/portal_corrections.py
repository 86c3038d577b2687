"""The pencil's companion: the guardian's own correction request still waiting for the school."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from schoolbrug.records.models import CorrectionRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_correction(context: template.Context, target: str, obj: models.Model, field: str) -> Any:
    """The pending request for this pencil, from the page's `pending_corrections`
    (`portal.corrections.pending_corrections`), or None."""
    pending: dict[tuple[str, int, str], CorrectionRequest] = context.get("pending_corrections") or {}
    return pending.get((target, obj.pk, field))
