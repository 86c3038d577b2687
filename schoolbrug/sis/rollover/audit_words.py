"""The words for the rollover's audit data (see `schoolbrug.accounts.audit_text`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def describe_audit_data() -> None:
    from schoolbrug.accounts.audit_text import audit_vocabulary

    audit_vocabulary(
        keys={
            "rollover_groups": _("groups created"),
            "rollover_placed": _("pupils placed"),
            "rollover_left": _("pupils leaving"),
        }
    )
