from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "schoolbrug.conversations"
    label = "conversations"
    verbose_name = _("conversations")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (closes the sockets of people who log out or are switched off)
