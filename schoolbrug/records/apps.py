from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "schoolbrug.records"
    label = "records"
    verbose_name = _("Pupil file")

    def ready(self) -> None:
        from schoolbrug.accounts.audit_text import audit_vocabulary

        from .models import AbsenceReason, AbsenceRules, CorrectionRequest, NoteCategory, RecordsSettings

        audit_vocabulary(
            keys={
                "action": _("action"),
                "field": _("field"),
                "period": _("report period"),
                "list": _("list"),
                "reasons_changed": _("reasons changed"),
                "day": _("date"),
            },
            values={
                "action": {
                    "report_unlocked": _("report unlocked"),
                    "correction_applied": _("correction applied"),
                    "correction_rejected": _("correction rejected"),
                },
                "list": {
                    "absence reason": _("absence reasons"),
                    "note category": _("note categories"),
                    "absence rules": _("absence rules"),
                },
                "export": {"absence_signals": _("absence signals")},
                "target": dict(CorrectionRequest.Target.choices),
            },
            subjects={
                "pupil file settings": _("pupil file settings"),
                "absence rules": _("absence rules"),
                "absence signals": _("absence signals"),
            },
            models_with_fields=[AbsenceReason, AbsenceRules, NoteCategory, RecordsSettings],
            field_name_keys=["field"],
        )
