from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolbrug.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models import fields

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            request_id,  # noqa: F401  (clears the request id when a request ends)
        )
        from .converters import register
        from .forms import BLANK_CHOICE_LABEL

        # Before any URLconf is loaded: every app's routes use `<id:...>` for object ids.
        register()

        # Django's documented hook: model choice fields, form choice fields and ModelChoiceField
        # all read the label from here when they are built (django.db.models.utils).
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
