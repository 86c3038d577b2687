"""The communication overview for the school leader (MSG-9): per group per week, the posts of the
kinds the school agreed a rhythm for, against that target, and the share of families who saw them.

Four queries whatever the number of groups, posts or families; the counting happens here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from schoolbrug.sis.dates import monday_of, school_today, school_zone
from schoolbrug.sis.models import School
from schoolbrug.sis.policies import guardianships_reaching_app

from .models import Post, PostKind, Receipt, Space

WEEKS = 8


@dataclass
class WeekCell:
    monday: dt.date
    posts: int = 0
    target: int = 0
    family_posts: int = 0  # (family, post) pairs that reached a family
    family_seen: int = 0  # of those, seen by one of the family's guardians

    @property
    def on_target(self) -> bool:
        return self.posts >= self.target

    @property
    def seen_percentage(self) -> int | None:
        if not self.family_posts:
            return None
        return round(100 * self.family_seen / self.family_posts)


@dataclass
class GroupRow:
    space: Space
    weeks: list[WeekCell] = field(default_factory=list)


def communication_overview(school: School, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    zone = school_zone(school)
    this_monday = monday_of(school_today(school, now))
    mondays = [this_monday - dt.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    start = dt.datetime.combine(mondays[0], dt.time(0), tzinfo=zone)
    tracked = PostKind.objects.filter(school=school, weekly_target__gt=0)
    target = tracked.aggregate(target=Max("weekly_target"))["target"] or 0
    spaces = list(
        Space.objects.filter(school=school, kind=Space.Kind.GROUP, is_enabled=True, group__year__is_current=True)
        .select_related("group")
        .order_by("group__name")
    )
    rows = {space.pk: GroupRow(space, [WeekCell(monday, target=target) for monday in mondays]) for space in spaces}
    links = list(
        Post.spaces.through.objects.filter(
            space_id__in=list(rows),
            post__published_at__gte=start,
            post__kind__in=tracked,
        ).values_list("space_id", "post_id", "post__published_at")
    )
    week_of: dict[int, int] = {}
    posts_of_space: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for space_id, post_id, published_at in links:
        index = (monday_of(timezone.localtime(published_at, zone).date()) - mondays[0]).days // 7
        if 0 <= index < WEEKS:
            week_of[post_id] = index
            rows[space_id].weeks[index].posts += 1
            posts_of_space[space_id].append((post_id, index))
    # Families: the pupils of the group whose guardians the app reaches, with those accounts.
    families: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    group_space = {space.group_id: space.pk for space in spaces}
    for group_id, pupil_id, account_id in (
        guardianships_reaching_app()
        .filter(pupil__placements__group_id__in=list(group_space), guardian__account__isnull=False)
        .values_list("pupil__placements__group_id", "pupil_id", "guardian__account_id")
    ):
        families[group_space[group_id]][pupil_id].add(account_id)
    receipts: dict[int, dict[int, bool]] = defaultdict(dict)
    for post_id, account_id, seen_at in Receipt.objects.filter(post_id__in=list(week_of)).values_list(
        "post_id", "account_id", "seen_at"
    ):
        receipts[post_id][account_id] = seen_at is not None
    for space_id, posts in posts_of_space.items():
        for post_id, index in posts:
            cell = rows[space_id].weeks[index]
            for accounts in families[space_id].values():
                reached = [receipts[post_id][a] for a in accounts if a in receipts[post_id]]
                if reached:
                    cell.family_posts += 1
                    cell.family_seen += any(reached)
    return {"rows": list(rows.values()), "mondays": mondays, "target": target, "tracked": list(tracked)}
