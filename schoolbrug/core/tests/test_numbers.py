"""Numbers people type are read in their language, and refused when they read two ways (decision 0005)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

import schoolbrug
from schoolbrug.core import numbers


def decimal(text: str, language: str) -> Decimal | None:
    field = numbers.DecimalField(required=False, max_digits=6, decimal_places=1)
    with translation.override(language):
        value: Decimal | None = field.clean(text)
    return value


def refusal(field: forms.Field, text: str, language: str) -> forms.ValidationError:
    with translation.override(language), pytest.raises(forms.ValidationError) as caught:
        field.clean(text)
    return caught.value


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nl", "3,5", "3.5"),
        ("nl", " 6,5 ", "6.5"),
        ("nl", "31", "31"),
        ("nl", ",5", "0.5"),
        ("nl", "3.5", "3.5"),  # a dot with one decimal cannot be a thousands separator
        ("nl", "-2,5", "-2.5"),
        ("en", "3.5", "3.5"),
        ("en", "3,5", "3.5"),
        ("en", "31", "31"),
        ("nl", "", None),
    ],
)
def test_decimal_is_read_in_the_users_language(language: str, text: str, expected: str | None) -> None:
    assert decimal(text, language) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "1.234,5"),  # both marks
        ("en", "1,234.5"),
        ("nl", "1.234"),  # a thousand and some, or one and a bit?
        ("en", "1,234"),
        ("nl", "1,2,3"),  # a mark twice
        ("nl", "1.000.000"),
    ],
)
def test_a_number_that_reads_two_ways_is_refused_with_a_message_in_the_users_language(language: str, text: str) -> None:
    field = numbers.DecimalField(max_digits=6, decimal_places=1)
    error = refusal(field, text, language)
    assert error.code == "ambiguous"
    with translation.override(language):
        message = " ".join(error.messages)
    assert text in message
    if language == "nl":
        assert "op meer dan één manier" in message and "3,5" in message
    else:
        assert "more than one way" in message and "3.5" in message


@pytest.mark.parametrize("text", ["3,5e1", "1e2", "drie", "3 5", "٣"])
def test_anything_but_digits_and_one_mark_is_not_a_number(text: str) -> None:
    error = refusal(numbers.DecimalField(max_digits=6, decimal_places=1), text, "nl")
    assert error.code == "invalid"


def test_whole_numbers_follow_the_same_rule() -> None:
    field = numbers.IntegerField(required=False)
    with translation.override("nl"):
        assert field.clean("40") == 40
        assert field.clean("40,0") == 40
    # Django alone reads a Dutch "1.000" as 1.
    assert refusal(field, "1.000", "nl").code == "ambiguous"
    assert refusal(field, "3,5", "nl").code == "invalid"


def test_fields_are_text_inputs_with_a_numeric_keyboard_and_show_the_users_language() -> None:
    form_class = type(
        "NumbersForm",
        (forms.Form,),
        {"score": numbers.DecimalField(max_digits=6, decimal_places=1), "max_score": numbers.IntegerField()},
    )
    form = form_class(initial={"score": Decimal("31.0"), "max_score": 1200})
    with translation.override("nl"):
        score, max_score = str(form["score"]), str(form["max_score"])
    assert 'type="text"' in score and 'inputmode="decimal"' in score and 'value="31,0"' in score
    assert 'inputmode="numeric"' in max_score and 'value="1200"' in max_score  # no thousands separator
    with translation.override("en"):
        assert 'value="31.0"' in str(form["score"])


def test_shown_numbers_follow_the_users_language() -> None:
    with translation.override("nl"):
        assert numbers.shown(Decimal("31.0")) == "31,0"
        assert numbers.shown(Decimal("1234.5")) == "1234,5"
    with translation.override("en"):
        assert numbers.shown(Decimal("31.0")) == "31.0"


def _product_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(schoolbrug.__path__, "schoolbrug."):
        parts = module.name.split(".")
        if not {"tests", "browser_tests", "migrations", "management"} & set(parts):
            yield module.name


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_number_a_person_types_in_a_schoolbrug_form_is_read_in_their_language() -> None:
    """Guards the mechanism: a new form with a plain Django number field fails here."""
    for name in _product_modules():
        importlib.import_module(name)
    plain = []
    checked = 0
    for form_class in set(_subclasses(forms.BaseForm)):
        if not form_class.__module__.startswith("schoolbrug."):
            continue
        for field_name, field in form_class.base_fields.items():  # type: ignore[attr-defined]
            if not isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
                continue
            if field.widget.is_hidden:
                continue  # ids the page itself carries, not typed by anyone
            checked += 1
            if not isinstance(field, numbers.DecimalField | numbers.IntegerField):
                plain.append(f"{form_class.__module__}.{form_class.__qualname__}.{field_name}")
    assert plain == []
    assert checked >= 5  # curriculum result, score, level value, maximum score, report order
