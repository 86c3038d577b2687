"""Demo tests, reports and correction requests for a demo school (called by the demo command).

Idempotent: each part is created only when the school has none of it yet, in bulk. Values are
drawn from a generator seeded with the school's key, so every run builds the same school.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from schoolbrug.sis.demo.schools import PARENT_EMAIL
from schoolbrug.sis.models import Group, Guardian, Placement, Pupil, School, SchoolYear

from .models import (
    CorrectionRequest,
    CurriculumResult,
    CurriculumTest,
    Report,
    ReportPeriod,
    ReportSection,
    StandardisedResult,
    StandardisedTest,
)
from .models.tests import CITO_LEVELS
from .services.corrections import correction_request_submit

LEVELS = CITO_LEVELS  # the demo's standardised tests are all Cito's
REPORT_TEXT = (
    ("Taal", "{name} leest vlot en vertelt graag over wat hij of zij gelezen heeft."),
    ("Rekenen", "{name} werkt nauwkeurig; de tafels gaan steeds beter."),
    ("Werkhouding en gedrag", "{name} werkt zelfstandig en helpt klasgenoten waar het kan."),
)


@transaction.atomic
def load_demo_results(school: School) -> None:
    year = SchoolYear.objects.filter(school=school, is_current=True).first()
    if year is None:
        return
    rng = random.Random(f"results-{school.external_key or school.pk}")
    groups = list(Group.objects.filter(year=year).prefetch_related("year_levels").order_by("name"))
    placements = list(Placement.objects.filter(year=year).values_list("group_id", "pupil_id"))
    pupils_of: dict[int, list[int]] = {}
    for group_id, pupil_id in placements:
        pupils_of.setdefault(group_id, []).append(pupil_id)
    if not CurriculumTest.objects.filter(school=school, year=year).exists():
        _curriculum(school, year, groups, pupils_of, rng)
    if not StandardisedTest.objects.filter(school=school, year=year).exists():
        _standardised(school, year, groups, pupils_of, rng)
    periods = _periods(school, year)
    if not Report.objects.filter(period__in=periods).exists():
        _reports(school, periods[0])
    if not CorrectionRequest.objects.filter(school=school).exists():
        _corrections(school)


def _curriculum(
    school: School, year: SchoolYear, groups: list[Group], pupils_of: dict[int, list[int]], rng: random.Random
) -> None:
    tests = []
    for group in groups:
        tests += [
            CurriculumTest(school=school, year=year, group=group, subject="Rekenen", name="Blok 2",
                           date=dt.date(year.start_date.year, 10, 14), scale=CurriculumTest.Scale.GRADE),
            CurriculumTest(school=school, year=year, group=group, subject="Spelling", name="Dictee 3",
                           date=dt.date(year.start_date.year, 11, 4), scale=CurriculumTest.Scale.SCORE, max_score=40),
        ]  # fmt: skip
    CurriculumTest.objects.bulk_create(tests)
    tests = list(CurriculumTest.objects.filter(school=school, year=year))
    results = []
    for test in tests:
        for pupil_id in pupils_of.get(test.group_id or 0, []):
            if test.scale == CurriculumTest.Scale.GRADE:
                value = Decimal(rng.randint(45, 98)) / 10
            else:
                value = Decimal(rng.randint(18, 40))
            results.append(CurriculumResult(test=test, pupil_id=pupil_id, value=value))
    CurriculumResult.objects.bulk_create(results)


def _standardised(
    school: School, year: SchoolYear, groups: list[Group], pupils_of: dict[int, list[int]], rng: random.Random
) -> None:
    # Cito's mid-year tests start in group 3; one test per year level.
    level_of = {g.pk: min((lvl.level for lvl in g.year_levels.all()), default=0) for g in groups}
    levels = sorted({lvl for lvl in level_of.values() if lvl >= 3})
    tests = {
        lvl: StandardisedTest(
            school=school, year=year, name=f"Rekenen-Wiskunde M{lvl}", provider=StandardisedTest.Provider.CITO,
            date=dt.date(year.start_date.year + 1, 1, 20),
        )
        for lvl in levels
    }  # fmt: skip
    StandardisedTest.objects.bulk_create(tests.values())
    results = []
    for group in groups:
        test = tests.get(level_of[group.pk])
        if test is None:
            continue
        for pupil_id in pupils_of.get(group.pk, []):
            level = rng.randrange(len(LEVELS))
            adjusted = min(len(LEVELS) - 1, max(0, level + rng.choice((-1, 0, 0, 1))))
            results.append(
                StandardisedResult(
                    test=test, pupil_id=pupil_id, score=Decimal(rng.randint(20, 90)), level=LEVELS[level],
                    adjusted_level=LEVELS[adjusted], level_value=Decimal(rng.randint(10, 50)) / 10,
                )
            )  # fmt: skip
    StandardisedResult.objects.bulk_create(results)


def _periods(school: School, year: SchoolYear) -> list[ReportPeriod]:
    for order, name in enumerate(("Rapport 1", "Rapport 2"), start=1):
        ReportPeriod.objects.get_or_create(school=school, year=year, name=name, defaults={"order": order})
    return list(ReportPeriod.objects.filter(year=year).order_by("order"))


def _parent_children(school: School) -> tuple[Guardian | None, list[Pupil]]:
    parent = Guardian.objects.filter(school=school, account__email=PARENT_EMAIL).select_related("account").first()
    if parent is None:
        return None, []
    children = list(Pupil.objects.filter(guardianships__guardian=parent, status=Pupil.Status.ENROLLED).order_by("pk"))
    return parent, children


def _reports(school: School, period: ReportPeriod) -> None:
    """A locked report for each child of ouder@, and a few drafts in the same groups."""
    _parent, children = _parent_children(school)
    group_ids = Placement.objects.filter(pupil__in=children, year=period.year).values("group_id")
    others = list(
        Pupil.objects.filter(placements__group_id__in=group_ids, placements__year=period.year)
        .exclude(pk__in=[c.pk for c in children])
        .order_by("last_name", "pk")[:3]
    )
    now = timezone.now()
    reports = [Report(pupil=p, period=period, locked_at=now) for p in children]
    reports += [Report(pupil=p, period=period) for p in others]
    Report.objects.bulk_create(reports)
    saved = Report.objects.filter(period=period).select_related("pupil")
    ReportSection.objects.bulk_create(
        ReportSection(
            report=report, position=index, title=title, body=body.format(name=report.pupil.display_first_name)
        )
        for report in saved
        for index, (title, body) in enumerate(REPORT_TEXT, start=1)
    )


def _corrections(school: School) -> None:
    """Two pending requests from ouder@: a child's telephone and her own country of birth."""
    parent, children = _parent_children(school)
    if parent is None or parent.account is None or not children:
        return
    proposals = [
        (CorrectionRequest.Target.PUPIL, children[0], "phone", "0570 699001"),
        (CorrectionRequest.Target.GUARDIAN, parent, "birth_country", "Duitsland"),
    ]
    for target, obj, field, value in proposals:
        try:
            correction_request_submit(actor=parent.account, target=target, obj=obj, field=field, proposed_value=value)
        except (ValidationError, PermissionDenied):
            continue  # the demo family was changed by hand; the demo goes on without this request
