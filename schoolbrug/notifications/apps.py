from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "schoolbrug.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The e-mail transport registers itself; other channels (push) register from their modules.
        from . import readiness, signals, transports  # noqa: F401

        readiness.register()
