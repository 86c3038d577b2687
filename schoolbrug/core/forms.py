"""Form fields every app uses for object ids."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .converters import parse_object_id


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
