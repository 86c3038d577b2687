from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The first option of a select that may stay empty. Django 6.1 introduced "- Select an option -"
# and its Dutch catalogue has no translation for it yet; this label is in ours.
BLANK_CHOICE_LABEL = _("– choose –")


class CoreConfig(AppConfig):
    name = "schoolbrug.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models import fields

        # Django's documented hook: model choice fields, form choice fields and ModelChoiceField
        # all read the label from here when they are built (django.db.models.utils).
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
