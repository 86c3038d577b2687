"""Numbers people type, read and shown back in their own language (docs/decisions/0005).

Django's localisation does the reading and the showing (`localize=True` fields, the language's
DECIMAL_SEPARATOR, USE_THOUSAND_SEPARATOR off). What it does not do is refuse a number that can
be read two ways: in Dutch `1.234` may be a thousand and some or one and a bit, and Django would
silently take the dot as a decimal point. These fields refuse such input before Django reads it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# A sign, digits and at most one mark (either kind); anything else is not a number we read.
_SHAPE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
MARKS = ".,"


def decimal_mark() -> str:
    return str(formats.get_format("DECIMAL_SEPARATOR"))


def _example() -> str:
    return formats.localize(Decimal("3.5"))


def ambiguity_error(text: str) -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "%(value)s can be read in more than one way. Write the number without a thousands separator "
            "and with a decimal point, for example %(example)s."
        ),
        code="ambiguous",
        params={"value": text, "example": _example()},
    )


def in_locale(text: str) -> str:
    """`text` with the language's decimal mark, ready for Django's localised reading.

    The language's own mark is the decimal mark. The other mark is read as one too when it occurs
    once and one or two digits follow it (a thousands separator is followed by three). Refused as
    ambiguous: both marks, a mark twice, or the other mark followed by three digits.
    """
    marks = [char for char in text if char in MARKS]
    if len(marks) > 1:
        raise ambiguity_error(text)
    if not marks or marks[0] == decimal_mark():
        return text
    decimals = text.rsplit(marks[0], 1)[1]
    if len(decimals) >= 3:
        raise ambiguity_error(text)
    return text.replace(marks[0], decimal_mark())


class _LocalisedNumber:
    """Shared by the decimal and the whole-number field: text input, localised, checked for shape."""

    input_mode = "decimal"

    def __init__(self, **kwargs: Any) -> None:
        kwargs["localize"] = True
        # A text input, because browsers read a number input in their own language, not the page's:
        # Chromium in English turns a typed `3,5` into 35. inputmode still brings up digits on a phone.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)  # type: ignore[call-arg]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)  # type: ignore[misc]
        attrs["inputmode"] = self.input_mode
        return attrs

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            value = in_locale(value.strip())
            if not _SHAPE.fullmatch(value):
                raise forms.ValidationError(
                    self.error_messages["invalid"],  # type: ignore[attr-defined]
                    code="invalid",
                )
        return super().to_python(value)  # type: ignore[misc]


class DecimalField(_LocalisedNumber, forms.DecimalField):
    """A decimal number as people type it in their language: `3,5` in Dutch, `3.5` in English."""


class IntegerField(_LocalisedNumber, forms.IntegerField):
    """A whole number as people type it; `40,0` is forty, `1.000` in Dutch is refused as ambiguous."""

    input_mode = "numeric"


def shown(value: Decimal | int | float) -> str:
    """A number for a message, in the user's language (`31,0` in Dutch)."""
    return str(formats.localize(value))
