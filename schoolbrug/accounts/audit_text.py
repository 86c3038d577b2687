"""Audit events as people read them: the codes writers store, in the reader's language.

An event keeps language-neutral data (keys like "second_factor", codes like "app", field names
like "phone_mobile") so the log means the same whatever language its writer used. Each app names
the words for what it writes with `audit_vocabulary` (in its AppConfig.ready), and the audit log
page shows `audit_subject` and `audit_details` of an event in the active language.

Technical identifiers (keys ending in "_id" or "_key") stay in the database for investigations
and are not shown: the subject names the person or thing they point at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

type Label = str | Promise

_KEYS: dict[str, Label] = {}
_VALUES: dict[str, dict[str, Label]] = {}
_SUBJECTS: dict[str, Label] = {}
_FIELDS: dict[str, Label] = {}
_FIELD_NAME_KEYS: set[str] = set()

HIDDEN_SUFFIXES = ("_id", "_key")
NOTHING = "\N{EN DASH}"  # an empty value, as the pages show one
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def audit_vocabulary(
    *,
    keys: Mapping[str, Label] | None = None,
    values: Mapping[str, Mapping[str, Label]] | None = None,
    subjects: Mapping[str, Label] | None = None,
    models_with_fields: Iterable[type[models.Model]] = (),
    field_name_keys: Iterable[str] = (),
) -> None:
    """Registers the words for an app's audit data: labels of `data` keys, labels of coded values
    per key, fixed subjects, the models whose field names appear (their verbose names are used),
    and the keys whose values are field names."""
    _KEYS.update(keys or {})
    for key, labels in (values or {}).items():
        _VALUES.setdefault(key, {}).update(labels)
    _SUBJECTS.update(subjects or {})
    for model in models_with_fields:
        for field in model._meta.get_fields():
            verbose_name = getattr(field, "verbose_name", None)
            if verbose_name is not None and not field.auto_created:
                _FIELDS.setdefault(field.name, verbose_name)
    _FIELD_NAME_KEYS.update(field_name_keys)


def _field_label(name: str) -> str:
    return str(_FIELDS.get(name, name.replace("_", " ")))


def _key_label(key: str) -> str:
    label = _KEYS.get(key) or _FIELDS.get(key)
    return capfirst(str(label)) if label is not None else capfirst(key.replace("_", " "))


def _key_order(key: str) -> tuple[int, str]:
    positions = {name: index for index, name in enumerate(_KEYS)}
    return positions.get(key, len(positions)), key


def _shown(key: str) -> bool:
    return not key.endswith(HIDDEN_SUFFIXES)


def _value_text(key: str, value: Any) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return str(formats.number_format(value))
    if isinstance(value, list | tuple):
        texts = [_value_text(key, item) for item in value]
        # Field names are collected in no particular order; alphabetical reads (and tests) stably.
        return ", ".join(sorted(texts) if key in _FIELD_NAME_KEYS else texts) or NOTHING
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"{_value_text(key, value['old'])} → {_value_text(key, value['new'])}"
        shown = [k for k in sorted(value, key=_key_order) if _shown(k)]
        return ", ".join(f"{_key_label(k)}: {_value_text(k, value[k])}" for k in shown)
    text = str(value)
    if key in _FIELD_NAME_KEYS:
        return _field_label(text)
    if text in _VALUES.get(key, {}):
        return str(_VALUES[key][text])
    if _ISO_DATE.fullmatch(text):
        try:
            return str(formats.date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT"))
        except ValueError:
            return text
    return text


def audit_subject(subject: str) -> str:
    """The event's subject: a name or address as stored, a fixed subject in the reader's words."""
    return str(_SUBJECTS.get(subject, subject))


def audit_details(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs for the event's data; a before/after pair lists what changed.

    In the order the app named its keys in `audit_vocabulary` (others after them, by name): the
    order they were written in is lost on PostgreSQL, whose jsonb keeps keys in an order of its
    own (by length), and the log must read the same on every database."""
    details: list[tuple[str, str]] = []
    before, after = data.get("before"), data.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        for name in sorted(after, key=_key_order):
            new, old = after[name], before.get(name)
            if not before:
                details.append((_key_label(name), _value_text(name, new)))
            elif old != new:
                details.append((_key_label(name), f"{_value_text(name, old)} → {_value_text(name, new)}"))
    for key in sorted(data, key=_key_order):
        if key in ("before", "after") and isinstance(before, dict) and isinstance(after, dict):
            continue
        if _shown(key):
            details.append((_key_label(key), _value_text(key, data[key])))
    return details
