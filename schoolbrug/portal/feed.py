"""The dashboard's items (POR-6): news and activities always (POR-5), absences, notes and
updates (new reports and plans) only for modules that are on and shown on the dashboard.

Each kind costs one query whatever the number of children or items; each list is capped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.records.models import Absence, Activity, NewsItem, Note, Report, SupportPlan
from schoolbrug.records.selectors.dates import school_today, school_zone
from schoolbrug.records.selectors.notes import visible_on_portal_to
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


@dataclass
class FeedItem:
    kind: str
    day: dt.date
    title: str
    text: str = ""
    child: Pupil | None = None
    url: str = ""
    detail: str = ""


def _children_with(children: list[Pupil], portals: dict[int, SchoolPortal], module: str) -> list[Pupil]:
    return [c for c in children if portals[c.school_id].on_dashboard(module)]


def _group_ids(children: list[Pupil]) -> list[int]:
    return [p.group_id for c in children for p in getattr(c, "current_placements", [])]


def _schools(children: list[Pupil]) -> dict[int, School]:
    """The children's schools (loaded with the children): each has its own "today" and zone."""
    return {c.school_id: c.school for c in children}


def _zones(children: list[Pupil]) -> dict[int, ZoneInfo]:
    return {school_id: school_zone(school) for school_id, school in _schools(children).items()}


def news_items(children: list[Pupil], now: dt.datetime) -> list[FeedItem]:
    groups = _group_ids(children)
    # Per school, its own date: a school in another zone may already (or still) be on another day.
    published = Q(pk__in=[])
    for school_id, school in _schools(children).items():
        today = school_today(school, now)
        published |= Q(school_id=school_id, publish_from__lte=today) & (
            Q(publish_until__isnull=True) | Q(publish_until__gte=today)
        )
    news = (
        NewsItem.objects.filter(published)
        .filter(Q(groups__isnull=True) | Q(groups__in=groups))
        .distinct()
        .order_by("-date", "-pk")[:PER_KIND]
    )
    return [FeedItem(kind="news", day=n.date, title=n.subject, text=n.text) for n in news]


def activity_items(children: list[Pupil], now: dt.datetime) -> list[FeedItem]:
    groups = _group_ids(children)
    zones = _zones(children)
    activities = (
        Activity.objects.filter(school_id__in=list(zones), publish_on_portal=True, ends_at__gte=now)
        .filter(Q(groups__isnull=True) | Q(groups__in=groups))
        .distinct()
        .order_by("starts_at", "pk")[:PER_KIND]
    )
    return [
        FeedItem(
            kind="activities",
            day=timezone.localtime(a.starts_at, zones[a.school_id]).date(),
            title=a.title,
            text=a.description,
            detail=a.location,
        )
        for a in activities
    ]


def absence_items(children: list[Pupil], portals: dict[int, SchoolPortal]) -> list[FeedItem]:
    shown = {c.pk: c for c in _children_with(children, portals, Module.ABSENCES)}
    if not shown:
        return []
    absences = (
        Absence.objects.filter(pupil_id__in=shown, year__is_current=True)
        .select_related("reason")
        .order_by("-starts_at", "pk")[:PER_KIND]
    )
    return [
        FeedItem(
            kind="absences",
            day=timezone.localtime(a.starts_at, school_zone(shown[a.pupil_id].school)).date(),
            title=a.reason.name,
            child=shown[a.pupil_id],
            url=reverse("portal:child-absences", args=[a.pupil_id]),
        )
        for a in absences
    ]


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


def note_items(children: list[Pupil], portals: dict[int, SchoolPortal], account: Any) -> list[FeedItem]:
    shown = _children_with(children, portals, Module.NOTES)
    if not shown:
        return []
    by_id = {c.pk: c for c in shown}
    notes = Note.objects.filter(
        _start_date_filter(shown, portals, Module.NOTES, "date"),
        visible_on_portal_to(account),
        category__publish_on_portal=True,
    ).order_by("-date", "-created_at")[:PER_KIND]
    return [
        FeedItem(
            kind="notes",
            day=n.date,
            title=n.subject,
            child=by_id[n.pupil_id],
            url=reverse("portal:child-notes", args=[n.pupil_id]),
        )
        for n in notes
    ]


def update_items(children: list[Pupil], portals: dict[int, SchoolPortal]) -> list[FeedItem]:
    items: list[FeedItem] = []
    with_reports = {c.pk: c for c in _children_with(children, portals, Module.REPORTS)}
    if with_reports:
        reports = (
            Report.objects.filter(pupil_id__in=with_reports, locked_at__isnull=False)
            .select_related("period")
            .order_by("-locked_at")[:PER_KIND]
        )
        items += [
            FeedItem(
                kind="updates",
                day=timezone.localtime(
                    r.locked_at or r.created_at, school_zone(with_reports[r.pupil_id].school)
                ).date(),
                title=r.period.name,
                detail=str(_("New report")),
                child=with_reports[r.pupil_id],
                url=reverse("portal:child-reports", args=[r.pupil_id]),
            )
            for r in reports
        ]
    with_plans = _children_with(children, portals, Module.PLANS)
    if with_plans:
        by_id = {c.pk: c for c in with_plans}
        plans = SupportPlan.objects.filter(
            _start_date_filter(with_plans, portals, Module.PLANS, "start_date")
        ).order_by("-start_date", "-pk")[:PER_KIND]
        items += [
            FeedItem(
                kind="updates",
                day=p.start_date,
                title=p.title,
                detail=str(_("Plan")),
                child=by_id[p.pupil_id],
                url=reverse("portal:child-plans", args=[p.pupil_id]),
            )
            for p in plans
        ]
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
    sources = {
        "updates": lambda: update_items(children, portals),
        "absences": lambda: absence_items(children, portals),
        "notes": lambda: note_items(children, portals, account),
        "news": lambda: news_items(children, now),
        "activities": lambda: activity_items(children, now),
    }
    available = ["news", "activities"] if children else []
    modules = {"updates": (Module.REPORTS, Module.PLANS), "absences": (Module.ABSENCES,), "notes": (Module.NOTES,)}
    for name, needed in modules.items():
        if any(portals[c.school_id].on_dashboard(m) for c in children for m in needed):
            available.insert(len(available) - 2, name)
    chosen = [kind] if kind in available else available
    items: list[FeedItem] = []
    for name in chosen:
        items += sources[name]()
    items.sort(key=lambda item: item.day, reverse=True)
    return {"items": items, "kinds": [(k, KINDS[k]) for k in available], "kind": kind if kind in available else ""}
