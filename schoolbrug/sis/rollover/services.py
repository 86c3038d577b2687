"""The school-year rollover: `rollover_plan` proposes next year's groups from this year's, and
`rollover_apply` carries out the administrator's adjusted proposal in one transaction.

The plan is computed, never stored: the confirm form carries the administrator's choices and a
fingerprint of the data the plan was built from, and the apply recomputes the plan under a lock on
the school row. A changed school (a pupil placed meanwhile) refuses the stale form; a second
confirm finds next year already filled and does nothing (see docs/decisions/0015).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.models import Account

from .. import policies
from ..dates import school_today
from ..models import Group, GroupStaff, GroupYearLevel, Placement, Pupil, School, SchoolYear
from ..signals import groups_created
from . import naming, selectors

LEAVES = "left"
HIGHEST_LEVEL = 8


@dataclass
class PupilMove:
    pupil: Pupil
    source: Group
    level: int | None  # the pupil's year level this year, as far as we can tell
    level_from: str  # "group", "last_year", "birth_date" or "" (why we think so)
    target: str  # key of a proposed group, or LEAVES


@dataclass
class SourceGroup:
    group: Group
    levels: tuple[int, ...]
    split: bool

    @property
    def is_mixed(self) -> bool:
        return len(self.levels) > 1


@dataclass
class ProposedGroup:
    key: str
    name: str
    levels: tuple[int, ...]
    classroom: str
    sources: list[Group] = field(default_factory=list)
    staff_links: list[GroupStaff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pupils: list[PupilMove] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return "/".join(str(level) for level in self.levels)

    @property
    def teacher_names(self) -> list[str]:
        return [link.staff_member.full_name for link in self.staff_links]


@dataclass
class RolloverPlan:
    school: School
    source_year: SchoolYear | None
    target_year: SchoolYear | None  # next year when it exists already
    year_name: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    source_groups: list[SourceGroup] = field(default_factory=list)
    groups: list[ProposedGroup] = field(default_factory=list)
    moves: list[PupilMove] = field(default_factory=list)
    done: bool = False  # next year holds groups already: nothing left to propose
    fingerprint: str = ""

    @property
    def leavers(self) -> list[PupilMove]:
        return [move for move in self.moves if move.target == LEAVES]

    @property
    def mixed_groups(self) -> list[SourceGroup]:
        return [source for source in self.source_groups if source.is_mixed]

    def group(self, key: str) -> ProposedGroup | None:
        return next((g for g in self.groups if g.key == key), None)


@dataclass(frozen=True)
class RolloverChoices:
    """What the administrator confirmed. Group names and pupil targets are keyed as in the plan."""

    fingerprint: str
    leave_date: dt.date
    make_current: bool
    source_year_id: int | None = None
    split_groups: frozenset[int] = frozenset()
    year_name: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    group_names: dict[str, str] = field(default_factory=dict)
    carry_staff: frozenset[str] = frozenset()
    targets: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RolloverOutcome:
    applied: bool
    year: SchoolYear | None
    groups: int = 0
    placed: int = 0
    leavers: int = 0
    made_current: bool = False


class PlanChanged(Exception):
    """The school changed since the page was shown; the administrator should look again."""


# -- the plan -----------------------------------------------------------------------------------


def next_year_dates(source: SchoolYear) -> tuple[str, dt.date, dt.date]:
    """The Dutch school year after `source`: 1 August to 31 July, named "2027-2028"."""
    first = source.end_date.year if source.end_date.month < 8 else source.end_date.year + 1
    return f"{first}-{first + 1}", dt.date(first, 8, 1), dt.date(first + 1, 7, 31)


def estimated_level(
    pupil: Pupil, levels: tuple[int, ...], last_year: set[int], source_year: SchoolYear
) -> tuple[int | None, str]:
    """The pupil's level within a group of `levels`: certain for a single-level group; else one
    above last year's level when that is among them; else from the age on 1 October (a child of
    six starts group 3), the nearest of the group's levels. The administrator can move anyone."""
    if not levels:
        return None, ""
    if len(levels) == 1:
        return levels[0], "group"
    from_last_year = {level + 1 for level in last_year} & set(levels)
    if len(from_last_year) == 1:
        return from_last_year.pop(), "last_year"
    reference = dt.date(source_year.start_date.year, 10, 1)
    born = pupil.birth_date
    age = reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
    guess = age - 3
    return min(levels, key=lambda level: (abs(level - guess), level)), "birth_date"


def _group_levels(group: Group) -> tuple[int, ...]:
    levels = tuple(sorted(level.level for level in group.year_levels.all()))
    return levels or naming.levels_from_name(group.name)


def rollover_plan(
    school: School, *, split_groups: Collection[int] = (), source_year_id: int | None = None
) -> RolloverPlan:
    """Next year's groups from the current year's (or from `source_year_id`'s, the year a confirm
    form was built on, so a second confirm after the switch still finds its own year done).
    `split_groups`: ids of mixed groups whose pupils go to one group per year level instead of
    moving up together."""
    years = selectors.years_of(school)
    source = next((year for year in years if year.is_current), None)
    if source_year_id is not None:
        source = next((year for year in years if year.pk == source_year_id), source)
    if source is None:
        return RolloverPlan(school=school, source_year=None, target_year=None)
    later = [year for year in years if year.start_date > source.start_date]
    earlier = [year for year in years if year.start_date < source.start_date]
    target = later[0] if later else None
    plan = RolloverPlan(school=school, source_year=source, target_year=target)
    if target is not None:
        plan.year_name, plan.start_date, plan.end_date = target.name, target.start_date, target.end_date
    else:
        plan.year_name, plan.start_date, plan.end_date = next_year_dates(source)
    if selectors.year_has_groups(target):
        plan.done = True
        return plan

    groups = selectors.groups_of_year(source)
    placements = selectors.moving_placements(source)
    last_year = selectors.levels_in_year([p.pupil_id for p in placements], earlier[-1] if earlier else None)

    proposed: dict[str, ProposedGroup] = {}  # by case-folded name: equal names are one group
    # (source group id, level next year or None for "the whole group") -> proposed group
    destination: dict[tuple[int, int | None], ProposedGroup] = {}

    def propose(name: str, levels: Iterable[int], source_group: Group, note: str = "") -> ProposedGroup:
        found = proposed.get(name.casefold())
        if found is None:
            found = proposed[name.casefold()] = ProposedGroup(
                key="", name=name, levels=(), classroom=source_group.classroom
            )
        found.levels = tuple(sorted(set(found.levels) | set(levels)))
        if source_group not in found.sources:
            found.sources.append(source_group)
            known = {link.staff_member_id for link in found.staff_links}
            found.staff_links += [
                link
                for link in source_group.active_staff_links  # type: ignore[attr-defined]
                if link.staff_member_id not in known
            ]
        if note and note not in found.notes:
            found.notes.append(note)
        return found

    for group in groups:
        levels = _group_levels(group)
        split = len(levels) > 1 and group.pk in split_groups
        plan.source_groups.append(SourceGroup(group=group, levels=levels, split=split))
        if not levels:
            destination[(group.pk, None)] = propose(
                group.name, (), group, _("No year levels known for %(name)s: kept as it is.") % {"name": group.name}
            )
            continue
        if split:
            for level in levels:
                if level < HIGHEST_LEVEL:
                    new_name = naming.renamed(group.name, levels, (level + 1,)) or f"{group.name} ({level + 1})"
                    destination[(group.pk, level + 1)] = propose(new_name, (level + 1,), group)
            continue
        moving_up = tuple(level + 1 for level in levels if level < HIGHEST_LEVEL)
        if not moving_up:
            continue  # a group 8: everyone leaves
        shifted = naming.renamed(group.name, levels, moving_up)
        note = ""
        if shifted is None:
            note = _("The name %(name)s shows no year level, so it is kept.") % {"name": group.name}
        destination[(group.pk, None)] = propose(shifted or group.name, moving_up, group, note)

    plan.groups = sorted(proposed.values(), key=lambda g: (g.levels[:1] or (99,), g.name.casefold()))
    for index, proposal in enumerate(plan.groups, start=1):
        proposal.key = str(index)

    by_id = {group.pk: group for group in groups}
    levels_of = {source.group.pk: source.levels for source in plan.source_groups}
    for placement in placements:
        group = by_id[placement.group_id]
        levels = levels_of[group.pk]
        pupil_level, level_from = estimated_level(
            placement.pupil, levels, last_year.get(placement.pupil_id, set()), source
        )
        if pupil_level is None:
            target_group = destination.get((group.pk, None))
        elif pupil_level >= HIGHEST_LEVEL:
            target_group = None  # group 8: leaves the school
        elif (group.pk, pupil_level + 1) in destination:
            target_group = destination[(group.pk, pupil_level + 1)]
        else:
            target_group = destination.get((group.pk, None))
        move = PupilMove(
            pupil=placement.pupil,
            source=group,
            level=pupil_level,
            level_from=level_from,
            target=target_group.key if target_group else LEAVES,
        )
        plan.moves.append(move)
        if target_group is not None:
            target_group.pupils.append(move)
    plan.fingerprint = _fingerprint(plan)
    return plan


def _fingerprint(plan: RolloverPlan) -> str:
    """Changes whenever the keys a confirm form refers to would mean something else."""
    parts = [str(plan.source_year.pk if plan.source_year else ""), str(plan.target_year.pk if plan.target_year else "")]
    parts += [f"s{s.group.pk}:{s.levels}:{s.split}" for s in plan.source_groups]
    parts += [f"g{g.key}:{g.name}:{g.levels}:{[s.pk for s in g.sources]}" for g in plan.groups]
    parts += [f"p{m.pupil.pk}:{m.source.pk}" for m in plan.moves]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# -- the apply ----------------------------------------------------------------------------------


def _checked_choices(plan: RolloverPlan, choices: RolloverChoices) -> dict[str, str]:
    """The final group names by key; raises ValidationError for choices the plan cannot carry."""
    errors: list[ValidationError] = []
    names = {g.key: (choices.group_names.get(g.key) or g.name).strip() for g in plan.groups}
    seen: dict[str, str] = {}
    for key, name in names.items():
        if not name:
            errors.append(ValidationError(_("Every group needs a name.")))
        elif name.casefold() in seen:
            errors.append(
                ValidationError(_("Two groups are called %(name)s; give each group its own name.") % {"name": name})
            )
        seen[name.casefold()] = key
    valid_targets = {g.key for g in plan.groups} | {LEAVES}
    for move in plan.moves:
        target = choices.targets.get(move.pupil.pk, move.target)
        if target not in valid_targets:
            errors.append(ValidationError(_("Choose a group for %(name)s.") % {"name": move.pupil.full_name}))
        elif target == LEAVES and move.pupil.enrolled_on and choices.leave_date < move.pupil.enrolled_on:
            errors.append(
                ValidationError(
                    _("%(name)s was registered on %(date)s and cannot leave before that date.")
                    % {
                        "name": move.pupil.full_name,
                        "date": formats.date_format(move.pupil.enrolled_on, "SHORT_DATE_FORMAT"),
                    }
                )
            )
    if errors:
        raise ValidationError(errors)
    return names


def _target_year(plan: RolloverPlan, choices: RolloverChoices) -> SchoolYear:
    if plan.target_year is not None:
        return plan.target_year
    start, end = choices.start_date or plan.start_date, choices.end_date or plan.end_date
    assert start is not None and end is not None  # the plan always proposes dates
    year = SchoolYear(
        school=plan.school, name=(choices.year_name or plan.year_name).strip(), start_date=start, end_date=end
    )
    year.full_clean()
    if plan.source_year is not None and year.start_date <= plan.source_year.end_date:
        raise ValidationError(_("The new school year must start after the current one ends."))
    year.save()
    return year


def _create_groups(
    plan: RolloverPlan, year: SchoolYear, names: dict[str, str], carry: frozenset[str]
) -> dict[str, Group]:
    groups = {
        g.key: Group(school=plan.school, year=year, name=names[g.key], classroom=g.classroom) for g in plan.groups
    }
    Group.objects.bulk_create(groups.values())
    groups_created.send(sender=Group, school=plan.school)
    GroupYearLevel.objects.bulk_create(
        GroupYearLevel(group=groups[g.key], level=level) for g in plan.groups for level in g.levels
    )
    GroupStaff.objects.bulk_create(
        GroupStaff(group=groups[g.key], staff_member_id=link.staff_member_id, is_teacher=link.is_teacher)
        for g in plan.groups
        if g.key in carry
        for link in g.staff_links
    )
    return groups


def _place_pupils(year: SchoolYear, groups: dict[str, Group], targets: dict[int, str]) -> int:
    placements = [
        Placement(pupil_id=pupil_id, group=groups[key], year=year) for pupil_id, key in targets.items() if key != LEAVES
    ]
    Placement.objects.bulk_create(placements)
    return len(placements)


def _mark_leavers(school: School, pupil_ids: list[int], leave_date: dt.date) -> None:
    """Leavers keep their file; they lose the portal once the date has come (at once when it has
    passed, else through the daily job in `jobs`)."""
    pupils = Pupil.objects.filter(school=school, pk__in=pupil_ids)
    if leave_date <= school_today(school):
        pupils.update(status=Pupil.Status.LEFT, left_on=leave_date)
    else:
        pupils.update(left_on=leave_date)


def _make_current(school: School, year: SchoolYear) -> None:
    # Clear first: the database allows one current year per school at any moment.
    SchoolYear.objects.filter(school=school, is_current=True).exclude(pk=year.pk).update(is_current=False)
    SchoolYear.objects.filter(pk=year.pk).update(is_current=True)
    year.is_current = True


def rollover_apply(actor: Account, school: School, choices: RolloverChoices) -> RolloverOutcome:
    """Carries out the confirmed plan, all or nothing. A repeated confirm changes nothing and
    answers `applied=False`; a form built on a plan that no longer holds raises PlanChanged."""
    if policies.application_admin_of(actor, school.pk) is None:
        raise PermissionDenied
    with transaction.atomic():
        # Two confirms of the same form queue here; the second then finds next year filled.
        School.objects.select_for_update().filter(pk=school.pk).first()
        plan = rollover_plan(school, split_groups=choices.split_groups, source_year_id=choices.source_year_id)
        if plan.done or plan.source_year is None:
            return RolloverOutcome(applied=False, year=plan.target_year)
        if choices.fingerprint != plan.fingerprint:
            raise PlanChanged
        names = _checked_choices(plan, choices)
        year = _target_year(plan, choices)
        groups = _create_groups(plan, year, names, choices.carry_staff)
        targets = {move.pupil.pk: choices.targets.get(move.pupil.pk, move.target) for move in plan.moves}
        placed = _place_pupils(year, groups, targets)
        leavers = [pupil_id for pupil_id, key in targets.items() if key == LEAVES]
        _mark_leavers(school, leavers, choices.leave_date)
        if choices.make_current:
            _make_current(school, year)
        audit.record(
            audit.AuditEvent.Kind.RECORD_CHANGED,
            actor=actor,
            school_id=school.pk,
            subject=f"{plan.source_year.name} → {year.name}",
            data={
                "year_id": year.pk,
                "rollover_groups": len(groups),
                "rollover_placed": placed,
                "rollover_left": len(leavers),
            },
        )
        return RolloverOutcome(
            applied=True,
            year=year,
            groups=len(groups),
            placed=placed,
            leavers=len(leavers),
            made_current=choices.make_current,
        )


# -- what becomes due later ---------------------------------------------------------------------


def carry_out_due_changes(now: dt.datetime | None = None) -> tuple[int, int]:
    """What a rollover left for its dates, in each school's own "today": pupils whose leaving
    date has come are marked left, and a school whose current year has ended switches to the
    next year once that has begun. Returns (pupils marked left, schools switched)."""
    left = switched = 0
    for school in School.objects.all():
        today = school_today(school, now)
        left += Pupil.objects.filter(school=school, status=Pupil.Status.ENROLLED, left_on__lte=today).update(
            status=Pupil.Status.LEFT
        )
        current = SchoolYear.objects.filter(school=school, is_current=True, end_date__lt=today).first()
        if current is None:
            continue
        begun = (
            SchoolYear.objects.filter(school=school, start_date__gt=current.start_date, start_date__lte=today)
            .order_by("-start_date")
            .first()
        )
        if begun is not None:
            with transaction.atomic():
                _make_current(school, begun)
            switched += 1
    return left, switched
