"""The dashboard's items (POR-6): news and activities always (POR-5), absences, notes and
updates (new reports and plans) only for modules that are on and shown on the dashboard.

Every source picks its newest PER_KIND items in its own capped subquery; the sources are then
read together in one UNION ALL, so the whole feed is one query whatever the number of children,
items or kinds (BENCHMARKS.md scenario 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    F,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.records.models import Absence, Activity, NewsItem, Note, Report, SupportPlan
from schoolbrug.records.selectors.notes import visible_on_portal_to
from schoolbrug.sis.dates import school_today, school_zone
from schoolbrug.sis.models import Pupil, School

from .config import SchoolPortal
from .modules import Module

PER_KIND = 10

KINDS = {
    "updates": _("Updates"),
    "absences": _("Absences"),
    "notes": _("Notes"),
    "news": _("News"),
    "activities": _("Activities"),
}

# The shape every source is brought into for the UNION: same names, same types, same order.
COLUMNS: dict[str, type[Any]] = {
    "feed_source": CharField,
    "feed_id": BigIntegerField,
    "feed_pupil": BigIntegerField,
    "feed_school": BigIntegerField,
    "feed_date": DateField,
    "feed_moment": DateTimeField,
    "feed_title": CharField,
    "feed_text": TextField,
    "feed_detail": CharField,
}

# Typed NULLs for the columns a source lacks: PostgreSQL resolves UNION column types pairwise and
# rejects untyped ones. Built once; Django copies expressions when it resolves them.
NULLS = {name: Cast(Value(None), output_field=field()) for name, field in COLUMNS.items()}

Row = dict[str, Any]


@dataclass
class FeedItem:
    kind: str
    day: dt.date
    title: str
    text: str = ""
    child: Pupil | None = None
    url: str = ""
    detail: str = ""


@dataclass
class Source:
    """One kind of item: its capped rows as a UNION member, and how a row becomes an item.
    `order` repeats the subquery's ordering, which a UNION does not keep."""

    name: str
    queryset: QuerySet[Any]
    order: Callable[[Row], Any]
    item: Callable[[Row], FeedItem]


def _shaped(model: type[Model], newest: QuerySet[Any], source: str, **columns: F) -> QuerySet[Any]:
    """The first PER_KIND rows of `newest` (ordered) as a UNION member."""
    annotations: dict[str, Any] = {"feed_source": Value(source, output_field=CharField()), "feed_id": F("pk")}
    for name in list(COLUMNS)[2:]:
        annotations[name] = columns.get(name, NULLS[name])
    if connections[newest.db].features.supports_slicing_ordering_in_compound:
        return newest.annotate(**annotations).values(*COLUMNS)[:PER_KIND]
    # SQLite allows no ORDER BY or LIMIT in a UNION member: pick the rows in a subquery instead.
    picked = newest.values("pk")[:PER_KIND]
    return model._default_manager.filter(pk__in=picked).order_by().annotate(**annotations).values(*COLUMNS)


def _children_with(children: list[Pupil], portals: dict[int, SchoolPortal], module: str) -> list[Pupil]:
    return [c for c in children if portals[c.school_id].on_dashboard(module)]


def _group_ids(children: list[Pupil]) -> list[int]:
    return [p.group_id for c in children for p in getattr(c, "current_placements", [])]


def _schools(children: list[Pupil]) -> dict[int, School]:
    """The children's schools (loaded with the children): each has its own "today" and zone."""
    return {c.school_id: c.school for c in children}


def _zones(children: list[Pupil]) -> dict[int, ZoneInfo]:
    return {school_id: school_zone(school) for school_id, school in _schools(children).items()}


def _for_groups(model: type[Model], link: str, groups: list[int]) -> Q:
    """For the whole school (no groups) or for one of `groups`. Subqueries rather than a join, so
    an item for several groups stays one row and the capped subquery needs no DISTINCT."""
    through = model._meta.get_field("groups").remote_field.through  # type: ignore[union-attr]
    linked = through.objects.values(f"{link}_id")
    return ~Q(pk__in=linked) | Q(pk__in=linked.filter(group_id__in=groups))


class _Desc:
    """Sort key part for a descending field next to ascending ones."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and bool(self.value == other.value)


def news_source(children: list[Pupil], now: dt.datetime) -> Source:
    # Per school, its own date: a school in another zone may already (or still) be on another day.
    published = Q(pk__in=[])
    for school_id, school in _schools(children).items():
        today = school_today(school, now)
        published |= Q(school_id=school_id, publish_from__lte=today) & (
            Q(publish_until__isnull=True) | Q(publish_until__gte=today)
        )
    newest = NewsItem.objects.filter(published, _for_groups(NewsItem, "newsitem", _group_ids(children))).order_by(
        "-date", "-pk"
    )
    return Source(
        name="news",
        queryset=_shaped(NewsItem, newest, "news", feed_date=F("date"), feed_title=F("subject"), feed_text=F("text")),
        order=lambda r: (_Desc(r["feed_date"]), -r["feed_id"]),
        item=lambda r: FeedItem(kind="news", day=r["feed_date"], title=r["feed_title"], text=r["feed_text"]),
    )


def activity_source(children: list[Pupil], now: dt.datetime) -> Source:
    zones = _zones(children)
    newest = Activity.objects.filter(
        _for_groups(Activity, "activity", _group_ids(children)),
        school_id__in=list(zones),
        publish_on_portal=True,
        ends_at__gte=now,
    ).order_by("starts_at", "pk")
    return Source(
        name="activities",
        queryset=_shaped(
            Activity,
            newest,
            "activities",
            feed_school=F("school_id"),
            feed_moment=F("starts_at"),
            feed_title=F("title"),
            feed_text=F("description"),
            feed_detail=F("location"),
        ),
        order=lambda r: (r["feed_moment"], r["feed_id"]),
        item=lambda r: FeedItem(
            kind="activities",
            day=timezone.localtime(r["feed_moment"], zones[r["feed_school"]]).date(),
            title=r["feed_title"],
            text=r["feed_text"],
            detail=r["feed_detail"],
        ),
    )


def absence_source(children: list[Pupil], portals: dict[int, SchoolPortal]) -> Source | None:
    shown = {c.pk: c for c in _children_with(children, portals, Module.ABSENCES)}
    if not shown:
        return None
    newest = Absence.objects.filter(pupil_id__in=shown, year__is_current=True).order_by("-starts_at", "pk")
    return Source(
        name="absences",
        queryset=_shaped(
            Absence,
            newest,
            "absences",
            feed_pupil=F("pupil_id"),
            feed_moment=F("starts_at"),
            feed_title=F("reason__name"),
        ),
        order=lambda r: (_Desc(r["feed_moment"]), r["feed_id"]),
        item=lambda r: FeedItem(
            kind="absences",
            day=timezone.localtime(r["feed_moment"], school_zone(shown[r["feed_pupil"]].school)).date(),
            title=r["feed_title"],
            child=shown[r["feed_pupil"]],
            url=reverse("portal:child-absences", args=[r["feed_pupil"]]),
        ),
    )


def _start_date_filter(children: list[Pupil], portals: dict[int, SchoolPortal], module: str, field: str) -> Q:
    """Per school, items from the module's start date on (POR-3 "start date")."""
    condition = Q(pk__in=[])
    for school_id in {c.school_id for c in children}:
        pupil_ids = [c.pk for c in children if c.school_id == school_id]
        start = portals[school_id].module(module).start_date
        part = Q(pupil_id__in=pupil_ids)
        if start:
            part &= Q(**{f"{field}__gte": start})
        condition |= part
    return condition


def note_source(children: list[Pupil], portals: dict[int, SchoolPortal], account: Any) -> Source | None:
    shown = _children_with(children, portals, Module.NOTES)
    if not shown:
        return None
    by_id = {c.pk: c for c in shown}
    newest = Note.objects.filter(
        _start_date_filter(shown, portals, Module.NOTES, "date"),
        visible_on_portal_to(account),
        category__publish_on_portal=True,
    ).order_by("-date", "-created_at")
    return Source(
        name="notes",
        queryset=_shaped(
            Note,
            newest,
            "notes",
            feed_pupil=F("pupil_id"),
            feed_date=F("date"),
            feed_moment=F("created_at"),
            feed_title=F("subject"),
        ),
        order=lambda r: (_Desc(r["feed_date"]), _Desc(r["feed_moment"])),
        item=lambda r: FeedItem(
            kind="notes",
            day=r["feed_date"],
            title=r["feed_title"],
            child=by_id[r["feed_pupil"]],
            url=reverse("portal:child-notes", args=[r["feed_pupil"]]),
        ),
    )


def report_source(children: list[Pupil], portals: dict[int, SchoolPortal]) -> Source | None:
    with_reports = {c.pk: c for c in _children_with(children, portals, Module.REPORTS)}
    if not with_reports:
        return None
    newest = Report.objects.filter(pupil_id__in=with_reports, locked_at__isnull=False).order_by("-locked_at")
    return Source(
        name="reports",
        queryset=_shaped(
            Report,
            newest,
            "reports",
            feed_pupil=F("pupil_id"),
            feed_moment=F("locked_at"),
            feed_title=F("period__name"),
        ),
        order=lambda r: _Desc(r["feed_moment"]),
        item=lambda r: FeedItem(
            kind="updates",
            day=timezone.localtime(r["feed_moment"], school_zone(with_reports[r["feed_pupil"]].school)).date(),
            title=r["feed_title"],
            detail=str(_("New report")),
            child=with_reports[r["feed_pupil"]],
            url=reverse("portal:child-reports", args=[r["feed_pupil"]]),
        ),
    )


def plan_source(children: list[Pupil], portals: dict[int, SchoolPortal]) -> Source | None:
    with_plans = _children_with(children, portals, Module.PLANS)
    if not with_plans:
        return None
    by_id = {c.pk: c for c in with_plans}
    newest = SupportPlan.objects.filter(_start_date_filter(with_plans, portals, Module.PLANS, "start_date")).order_by(
        "-start_date", "-pk"
    )
    return Source(
        name="plans",
        queryset=_shaped(
            SupportPlan,
            newest,
            "plans",
            feed_pupil=F("pupil_id"),
            feed_date=F("start_date"),
            feed_title=F("title"),
        ),
        order=lambda r: (_Desc(r["feed_date"]), -r["feed_id"]),
        item=lambda r: FeedItem(
            kind="updates",
            day=r["feed_date"],
            title=r["feed_title"],
            detail=str(_("Plan")),
            child=by_id[r["feed_pupil"]],
            url=reverse("portal:child-plans", args=[r["feed_pupil"]]),
        ),
    )


def _read(sources: list[Source]) -> list[FeedItem]:
    """All sources in one query; items in source order, each source in its own order."""
    if not sources:
        return []
    first, *rest = (s.queryset for s in sources)
    rows: dict[str, list[Row]] = {}
    # A UNION takes the first model's default ordering, whose columns are not in the result.
    for row in first.union(*rest, all=True).order_by() if rest else first:
        rows.setdefault(row["feed_source"], []).append(row)
    items: list[FeedItem] = []
    for source in sources:
        items += [source.item(r) for r in sorted(rows.get(source.name, []), key=source.order)]
    return items


def dashboard_feed(
    *,
    children: list[Pupil],
    portals: dict[int, SchoolPortal],
    account: Any,
    kind: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """`account` is the portal account: of the guardians' replies it sees only its own.
    News and activities come only from schools where the guardian reaches a child: without
    access right nothing is shown."""
    now = now or timezone.now()
    sources: dict[str, Callable[[], list[Source | None]]] = {
        "updates": lambda: [report_source(children, portals), plan_source(children, portals)],
        "absences": lambda: [absence_source(children, portals)],
        "notes": lambda: [note_source(children, portals, account)],
        "news": lambda: [news_source(children, now)],
        "activities": lambda: [activity_source(children, now)],
    }
    available = ["news", "activities"] if children else []
    modules = {"updates": (Module.REPORTS, Module.PLANS), "absences": (Module.ABSENCES,), "notes": (Module.NOTES,)}
    for name, needed in modules.items():
        if any(portals[c.school_id].on_dashboard(m) for c in children for m in needed):
            available.insert(len(available) - 2, name)
    chosen = [kind] if kind in available else available
    items = _read([s for name in chosen for s in sources[name]() if s is not None])
    items.sort(key=lambda item: item.day, reverse=True)
    return {"items": items, "kinds": [(k, KINDS[k]) for k in available], "kind": kind if kind in available else ""}
