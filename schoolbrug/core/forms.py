"""What every form of Schoolbrug shares: the empty option's label and form fields for object ids."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .converters import parse_object_id

# The first option of a select that may stay empty. Django 6.1 introduced "- Select an option -"
# and its Dutch catalogue has no translation for it yet; this label is in ours. CoreConfig.ready
# hands it to Django, so model and form choice fields use it too.
BLANK_CHOICE_LABEL = _("- choose -")


class ModelMultipleIdChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses a value no row can have before the database sees it.

    Django's field looks the chosen ids up with `pk__in`, where a number past 64 bits crashes
    SQLite (OverflowError, a 500) instead of matching nothing; the field's own "not a valid
    value" message answers such a value, as it answers any other foreign one.
    """

    def clean(self, value: Any) -> Any:
        if self.to_field_name is None and isinstance(value, list | tuple):
            for pk in value:
                if parse_object_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super().clean(value)
