"""POR-9 / NOT-5: guardians who chose "also notify me in the app" hear of new items for their
children: absences, plans, published notes, locked reports and published year-plan activities.

The same reach rules as the portal pages: the guardian's account is active, his guardianship
carries the access right, the school's module is on and the portal is not in maintenance, and
the item falls within what the module shows (its start date; a note's category is published and
the note is addressed to him). A guardian the portal would not show the item is never told.

Year-plan activities have no module: the portal always shows published ones (POR-5) to a guardian
with an enrolled child he has the access right for, in the activity's school and, for an activity
of some groups, placed in one of them this year; an activity that is already over is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.models import TITLE_MAX, NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify_each
from schoolbrug.records.events import activity_published, pupil_item_published
from schoolbrug.records.models import Activity
from schoolbrug.sis.models import Guardianship, Placement, Pupil

from . import child_data
from .config import portals_for
from .modules import Module

PAGES: dict[str, str] = {
    Module.ABSENCES: "portal:child-absences",
    Module.PLANS: "portal:child-plans",
    Module.NOTES: "portal:child-notes",
    Module.REPORTS: "portal:child-reports",
}


def _title(module: str, pupil: Pupil) -> str:
    name = pupil.display_first_name
    titles: dict[str, str] = {
        Module.ABSENCES: _("Absence of %(name)s recorded"),
        Module.PLANS: _("New plan for %(name)s"),
        Module.NOTES: _("New note about %(name)s"),
        Module.REPORTS: _("The report of %(name)s is ready"),
    }
    return titles[module] % {"name": name}


def _shows(module: str, item: Any, pupil: Pupil, account: Account, start: Any) -> bool:
    if module == Module.NOTES:
        return child_data.published_note(pupil, account, item.pk, start) is not None
    if module == Module.PLANS:
        return not start or item.start_date >= start
    return True


@receiver(pupil_item_published, dispatch_uid="portal_notify_guardians")
def notify_guardians(
    sender: type[models.Model], *, module: str, items: list[tuple[Pupil, Any]], actor: Any, **kwargs: Any
) -> None:
    if module not in PAGES or not items:
        return
    pupils = {pupil.pk: pupil for pupil, _item in items}
    portals = portals_for({pupil.school_id for pupil in pupils.values()})
    links = (
        Guardianship.objects.filter(
            pupil_id__in=pupils,
            portal_access=True,
            guardian__account__is_active=True,
            guardian__account__portal_preference__link_communication_app=True,
        )
        .select_related("guardian__account")
        .order_by("pk")
    )
    guardians: dict[int, list[Account]] = defaultdict(list)
    for link in links:
        if link.guardian.account is not None and link.guardian.account != actor:
            guardians[link.pupil_id].append(link.guardian.account)
    pairs = []
    for pupil, item in items:
        portal = portals[pupil.school_id]
        if portal.maintenance or not portal.is_on(module):
            continue
        start = portal.module(module).start_date
        for account in guardians.get(pupil.pk, []):
            if not _shows(module, item, pupil, account, start):
                continue
            # The title is written in the guardian's own language.
            with translation.override(account.language or "nl"):
                event = Event(
                    kind=NotificationKind.ABSENCE if module == Module.ABSENCES else NotificationKind.PORTAL,
                    title=_title(module, pupil),
                    link=reverse(PAGES[module], args=[pupil.pk]),
                    dedupe_key=f"{module}:{item.pk}",
                    pupil_id=pupil.pk,
                )
            pairs.append((account, event))
    notify_each(pairs)


@receiver(activity_published, dispatch_uid="portal_notify_activity")
def notify_activity(
    sender: type[models.Model], *, activity: Activity, group_ids: list[int], actor: Any, **kwargs: Any
) -> None:
    portal = portals_for({activity.school_id})[activity.school_id]
    if portal.maintenance or activity.ends_at < timezone.now():
        return
    links = Guardianship.objects.filter(
        pupil__school_id=activity.school_id,
        pupil__status=Pupil.Status.ENROLLED,
        portal_access=True,
        guardian__account__is_active=True,
        guardian__account__portal_preference__link_communication_app=True,
    )
    if group_ids:
        placed = Placement.objects.filter(year__is_current=True, group_id__in=group_ids).values("pupil_id")
        links = links.filter(pupil_id__in=placed)
    children: dict[int, list[Pupil]] = defaultdict(list)
    accounts: dict[int, Account] = {}
    for link in links.select_related("guardian__account", "pupil").order_by("pupil__birth_date", "pk"):
        account = link.guardian.account
        if account is None or account == actor:
            continue
        accounts[account.pk] = account
        if link.pupil not in children[account.pk]:
            children[account.pk].append(link.pupil)
    pairs = []
    link_to = reverse("portal:home") + "?type=activities"
    for account_id, account in accounts.items():
        concerned = children[account_id]
        with translation.override(account.language or "nl"):
            title = _("New in the year plan: %(title)s") % {"title": activity.title}
            event = Event(
                kind=NotificationKind.AGENDA,
                title=Truncator(title).chars(TITLE_MAX),
                link=link_to,
                dedupe_key=f"activity:{activity.pk}",
                # About one child only when it concerns just one of his children; otherwise the
                # digest lists it apart from the children.
                pupil_id=concerned[0].pk if len(concerned) == 1 else None,
            )
        pairs.append((account, event))
    notify_each(pairs)
