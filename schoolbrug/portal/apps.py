from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "schoolbrug.portal"
    label = "portal"
    verbose_name = _("Parent portal")

    def ready(self) -> None:
        from schoolbrug.accounts.audit_text import audit_vocabulary

        from . import notifying  # noqa: F401  (guardians hear of new items: POR-9)
        from .models import PortalSettings
        from .modules import Module

        audit_vocabulary(
            keys={
                "enabled": _("on"),
                "was_enabled": _("was on"),
                "show_on_dashboard": _("on the dashboard"),
                "from": _("from"),
                "until": _("until"),
                "fields": _("changed"),
            },
            values={
                "action": {
                    "start": _("started"),
                    "stop": _("stopped"),
                    "switch_planned": _("switch planned"),
                    "plan_removed": _("plan removed"),
                },
            },
            subjects={"portal settings": _("portal settings"), **dict(Module.choices)},
            models_with_fields=[PortalSettings],
            field_name_keys=["fields"],
        )
