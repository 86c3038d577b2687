from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "schoolbrug.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Spaces follow the records: a new school or group gets its space when it is saved.
        from . import signals  # noqa: F401
