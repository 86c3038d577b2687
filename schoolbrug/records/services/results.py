"""Writes of test results (REC-4). A group's results are saved together or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.core.numbers import shown
from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.models import Group, Pupil

from ..models import CurriculumResult, CurriculumTest, StandardisedResult, StandardisedTest
from ..models.tests import LEVEL_VALUE_MAX, STANDARDISED_SCORE_MAX
from ..policies import results as policies

ONE_DECIMAL = Decimal("0.1")


def _require_group(actor: Any, group: Group) -> None:
    if not sis_policies.groups_visible_to(actor).filter(pk=group.pk).exists():
        raise PermissionDenied


@transaction.atomic
def curriculum_test_create(
    *,
    actor: Any,
    group: Group,
    subject: str,
    name: str,
    date: dt.date,
    scale: str,
    max_score: int | None = None,
) -> CurriculumTest:
    _require_group(actor, group)
    test = CurriculumTest(
        school_id=group.school_id,
        year_id=group.year_id,
        group=group,
        subject=subject,
        name=name,
        date=date,
        scale=scale,
        max_score=max_score if scale == CurriculumTest.Scale.SCORE else None,
        created_by=actor,
    )
    if scale == CurriculumTest.Scale.SCORE and not max_score:
        raise ValidationError({"max_score": _("Enter the maximum score of the test.")})
    test.full_clean()
    test.save()
    return test


@transaction.atomic
def standardised_test_create(*, actor: Any, group: Group, name: str, provider: str, date: dt.date) -> StandardisedTest:
    _require_group(actor, group)
    test = StandardisedTest(
        school_id=group.school_id, year_id=group.year_id, name=name, provider=provider, date=date, created_by=actor
    )
    test.full_clean()
    test.save()
    return test


def standardised_test_has_results_message() -> str:
    return _("This test already has results, so it can no longer be removed.")


@transaction.atomic
def standardised_test_delete(*, actor: Any, test: StandardisedTest) -> None:
    """Removes a standardised test added by mistake: by its creator, while it has no results.

    The row lock makes a result saved at the same moment either come first (and the test stays) or
    wait and find the test gone.
    """
    test = StandardisedTest.objects.select_for_update().get(pk=test.pk)
    if test.created_by_id is None or test.created_by_id != actor.pk:
        raise PermissionDenied
    if not policies.can_delete_standardised_test(actor, test):
        raise ValidationError(standardised_test_has_results_message(), code="has_results")
    test.delete()


def _reachable_pupils(actor: Any, group: Group, pupil_ids: set[int]) -> dict[int, Pupil]:
    pupils = policies.pupils_of_group_visible_to(actor, group).filter(pk__in=pupil_ids).in_bulk()
    if set(pupils) != pupil_ids:
        raise PermissionDenied
    return pupils


def _write[Row: (CurriculumResult, StandardisedResult)](
    model: type[Row], *, new: list[Row], changed: list[Row], fields: list[str], cleared: list[int]
) -> int:
    """Stores a group's new, changed and cleared results; returns how many rows that touched."""
    model.objects.bulk_create(new)
    if changed:
        # bulk_update skips auto_now, so the moment of change is set here.
        now = timezone.now()
        for row in changed:
            row.updated_at = now
        model.objects.bulk_update(changed, [*fields, "updated_at"])
    model.objects.filter(pk__in=cleared).delete()
    return len(new) + len(changed) + len(cleared)


def out_of_scale_message(test: CurriculumTest, pupil: Pupil, value: Decimal) -> str:
    return _("%(pupil)s: %(value)s lies outside the scale of this test (%(low)s to %(high)s).") % {
        "pupil": pupil.display_name,
        "value": shown(value),
        "low": shown(test.lowest),
        "high": shown(test.highest),
    }


@transaction.atomic
def curriculum_results_save(
    *, actor: Any, test: CurriculumTest, group: Group, values: Mapping[int, Decimal | None]
) -> int:
    """Sets the results of a group for one test: `values` maps pupil id to value, None clears.

    Refuses the whole set when one value lies outside the test's scale, naming the pupil.
    """
    _require_group(actor, group)
    if test.school_id != group.school_id or test.group_id != group.pk:
        raise PermissionDenied
    pupils = _reachable_pupils(actor, group, set(values))
    errors = [
        out_of_scale_message(test, pupils[pid], value)
        for pid, value in values.items()
        if value is not None and not test.in_scale(value)
    ]
    if errors:
        raise ValidationError(errors)
    existing = {r.pupil_id: r for r in CurriculumResult.objects.select_for_update().filter(test=test, pupil__in=pupils)}
    new, changed, cleared = [], [], []
    for pid, value in values.items():
        result = existing.get(pid)
        if value is None:
            if result is not None:
                cleared.append(result.pk)
        elif result is None:
            new.append(CurriculumResult(test=test, pupil_id=pid, value=value))
        elif result.value != value:
            result.value = value
            changed.append(result)
    return _write(CurriculumResult, new=new, changed=changed, fields=["value"], cleared=cleared)


@dataclass(frozen=True)
class StandardisedValues:
    score: Decimal | None = None
    level: str = ""
    adjusted_level: str = ""
    level_value: Decimal | None = None

    @property
    def is_empty(self) -> bool:
        return self.score is None and not self.level and not self.adjusted_level and self.level_value is None


def _outside(value: Decimal, high: Decimal) -> bool:
    return not Decimal(0) <= value <= high or value != value.quantize(ONE_DECIMAL)


def standardised_problems(test: StandardisedTest, row: StandardisedValues) -> dict[str, str]:
    """What is wrong with one row, by field: levels of the test's provider, scores within bounds."""
    problems: dict[str, str] = {}
    if row.score is not None and _outside(row.score, STANDARDISED_SCORE_MAX):
        problems["score"] = _("The score %(value)s lies outside 0 to %(high)s (one decimal at most).") % {
            "value": shown(row.score),
            "high": shown(STANDARDISED_SCORE_MAX),
        }
    for field, level in (("level", row.level), ("adjusted_level", row.adjusted_level)):
        if level and level not in test.levels:
            problems[field] = _("%(value)s is not a level of this test (%(provider)s); choose one of %(levels)s.") % {
                "value": level,
                "provider": test.get_provider_display(),
                "levels": ", ".join(test.levels),
            }
    if row.level_value is not None and _outside(row.level_value, LEVEL_VALUE_MAX):
        problems["level_value"] = _("The level value %(value)s lies outside 0 to %(high)s (one decimal at most).") % {
            "value": shown(row.level_value),
            "high": shown(LEVEL_VALUE_MAX),
        }
    return problems


@transaction.atomic
def standardised_results_save(
    *, actor: Any, test: StandardisedTest, group: Group, values: Mapping[int, StandardisedValues]
) -> int:
    """Sets a group's results for one standardised test; an empty row clears the pupil's result.

    Refuses the whole set when one row has a level outside the provider's levels or a number out
    of bounds, naming the pupil.
    """
    _require_group(actor, group)
    if test.school_id != group.school_id or test.year_id != group.year_id:
        raise PermissionDenied
    pupils = _reachable_pupils(actor, group, set(values))
    errors = [
        _("%(pupil)s: %(problem)s") % {"pupil": pupils[pid].display_name, "problem": message}
        for pid, row in values.items()
        for message in standardised_problems(test, row).values()
    ]
    if errors:
        raise ValidationError(errors)
    existing = {
        r.pupil_id: r for r in StandardisedResult.objects.select_for_update().filter(test=test, pupil__in=pupils)
    }
    fields = ["score", "level", "adjusted_level", "level_value"]
    new, changed, cleared = [], [], []
    for pid, row in values.items():
        result = existing.get(pid)
        if row.is_empty:
            if result is not None:
                cleared.append(result.pk)
            continue
        if result is None:
            new.append(StandardisedResult(test=test, pupil_id=pid, **{f: getattr(row, f) for f in fields}))
        elif any(getattr(result, f) != getattr(row, f) for f in fields):
            for f in fields:
                setattr(result, f, getattr(row, f))
            changed.append(result)
    return _write(StandardisedResult, new=new, changed=changed, fields=fields, cleared=cleared)
