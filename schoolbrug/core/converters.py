"""The `<id:...>` path converter for object ids in every URL.

Rows have 64-bit ids (BigAutoField), and a longer number in an address must be a plain 404:
Django's `int` converter accepts any length, and a number past 64 bits then crashes the database
driver (SQLite: OverflowError, a 500) before a lookup can say "not found".
"""

from __future__ import annotations

from django.urls import register_converter
from django.urls.converters import get_converters

MAX_OBJECT_ID = 2**63 - 1


def parse_object_id(value: object) -> int | None:
    """An id as it may come from a form or query string, or None when it cannot be a row's id."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_OBJECT_ID)):
        return None
    number = int(text)
    return number if number <= MAX_OBJECT_ID else None


class ObjectIdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_object_id(value)
        if number is None:
            raise ValueError(value)  # the resolver reads this as "no match": 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    # Django refuses to register a name twice (ready() can run again in some test setups).
    if "id" not in get_converters():
        register_converter(ObjectIdConverter, "id")
