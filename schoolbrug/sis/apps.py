from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisConfig(AppConfig):
    name = "schoolbrug.sis"
    label = "sis"
    verbose_name = _("School records")

    def ready(self) -> None:
        from schoolbrug.accounts.activation import register_redeem_handler

        from .guardian_accounts.invitations import REFERENCE_PREFIX, link_guardian_on_redeem

        # An invitation links the guardian record to an existing account only when it is redeemed.
        register_redeem_handler(REFERENCE_PREFIX, link_guardian_on_redeem)
