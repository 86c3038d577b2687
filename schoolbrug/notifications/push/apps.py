from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "schoolbrug.notifications.push"
    label = "push"
    verbose_name = _("Push notifications")

    def ready(self) -> None:
        from ..transports import register_transport
        from . import checks  # noqa: F401  (registers the system checks)
        from .transport import PushTransport

        register_transport("push", PushTransport())
