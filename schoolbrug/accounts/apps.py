from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "schoolbrug.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import signals, throttling  # noqa: F401  (throttling registers its system check)
        from .audit_text import audit_vocabulary
        from .models import Account

        signals.connect()
        audit_vocabulary(
            keys={
                "kind": _("kind of account"),
                "failures": _("wrong attempts in a row"),
                "second_factor": _("second factor"),
                "known": _("known address"),
                "link": _("reset link sent"),
                "confirmed_with_current_password": _("confirmed with the current password"),
                "recovery_codes": _("recovery codes"),
            },
            values={
                "kind": dict(Account.Kind.choices),
                "second_factor": {"app": _("authenticator app"), "recovery_code": _("recovery code")},
                "recovery_codes": {"renewed": _("renewed")},
            },
        )
