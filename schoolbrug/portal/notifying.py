"""POR-9 / NOT-5: guardians who chose "also notify me in the app" hear of new items for their
children: absences, plans, published notes and locked reports.

The same reach rules as the portal pages: the guardian's account is active, his guardianship
carries the access right, the school's module is on and the portal is not in maintenance, and
the item falls within what the module shows (its start date; a note's category is published and
the note is addressed to him). A guardian the portal would not show the item is never told.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.models import NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify
from schoolbrug.records.events import pupil_item_published
from schoolbrug.sis.models import Guardianship, Pupil

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
    sender: type[models.Model], *, module: str, pupils: list[Pupil], item: Any, actor: Any, **kwargs: Any
) -> None:
    if module not in PAGES or not pupils:
        return
    portals = portals_for({pupil.school_id for pupil in pupils})
    links = (
        Guardianship.objects.filter(
            pupil__in=pupils,
            portal_access=True,
            guardian__account__is_active=True,
            guardian__account__portal_preference__link_communication_app=True,
        )
        .select_related("guardian__account", "pupil")
        .order_by("pk")
    )
    # One notification per pupil and language: the title is written in the guardian's language.
    recipients: dict[tuple[int, str], list[Account]] = defaultdict(list)
    by_pupil: dict[int, Pupil] = {}
    for link in links:
        account = link.guardian.account
        pupil = link.pupil
        portal = portals[pupil.school_id]
        if account is None or account == actor or portal.maintenance or not portal.is_on(module):
            continue
        if not _shows(module, item, pupil, account, portal.module(module).start_date):
            continue
        recipients[(pupil.pk, account.language or "nl")].append(account)
        by_pupil[pupil.pk] = pupil
    for (pupil_id, language), accounts in recipients.items():
        pupil = by_pupil[pupil_id]
        with translation.override(language):
            event = Event(
                kind=NotificationKind.ABSENCE if module == Module.ABSENCES else NotificationKind.PORTAL,
                title=_title(module, pupil),
                link=reverse(PAGES[module], args=[pupil.pk]),
                dedupe_key=f"{module}:{item.pk}",
            )
        notify(accounts, event)
