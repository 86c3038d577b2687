"""The instruction letter for guardians (ACC-2), made from the school's own data.

How to log in (the site's address and the guardian's own login name), how to install the app
on a phone, what the guardian will see (the portal modules that are on, and those planned to
open with their date, from the module schedule), when the invitation e-mail comes, and who helps
with login problems (the contact person and help moment of the portal settings).

One letter per guardian who may use the app for a child of the group (or school): the one rule
`sis.policies.guardianships_reaching_app`. As a PDF (WeasyPrint, one page per guardian) in the
school's language, or as an e-mail to each guardian in his own language, sent by the task
worker through the mail queue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.mail import KIND_HEADER, SCHOOL_HEADER
from schoolbrug.core.mail_queue import mail_enqueue
from schoolbrug.core.outgoing import EmailMessage, email_link
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.models import Group, Guardian, Guardianship, School
from schoolbrug.sis.policies import guardianships_reaching_app

from .config import portal_for
from .models import ModuleSchedule, PortalSettings
from .modules import Module

MAIL_KIND = "instruction_letter"
StrOrPromise = str | Promise


@dataclass(frozen=True)
class PlannedModule:
    label: StrOrPromise  # lazy: rendered in the language of each letter
    opens_on: dt.date


@dataclass(frozen=True)
class LetterFacts:
    """What is the same in every letter of a school."""

    school: School
    login_url: str
    modules_on: list[StrOrPromise]
    modules_planned: list[PlannedModule]
    contact_name: str
    contact_email: str
    contact_phone: str
    help_moment: str


@dataclass(frozen=True)
class LetterAddressee:
    guardian: Guardian
    children: list[str]
    login: str


def letter_facts(school: School, *, base_url: str = "") -> LetterFacts:
    """The school's part of the letter; module labels are lazy, so they follow the letter's language."""
    portal = portal_for(school.pk)
    today = school_today(school)
    planned = (
        ModuleSchedule.objects.filter(school=school, enabled=True, start_applied_at__isnull=True, starts_on__gte=today)
        .exclude(module__in=[m for m in Module.values if portal.is_on(m)])
        .order_by("starts_on", "pk")
    )
    seen: set[str] = set()
    modules_planned = []
    for plan in planned:
        if plan.module not in seen:  # the first opening counts
            seen.add(plan.module)
            modules_planned.append(PlannedModule(label=Module(plan.module).label, opens_on=plan.starts_on))
    row: PortalSettings | None = portal.settings
    return LetterFacts(
        school=school,
        login_url=email_link(reverse("accounts:login"), base_url=base_url),
        modules_on=[Module(value).label for value in Module.values if portal.is_on(value)],
        modules_planned=modules_planned,
        contact_name=row.help_contact_name if row else "",
        contact_email=(row.help_contact_email if row else "") or school.email,
        contact_phone=(row.help_contact_phone if row else "") or school.phone,
        help_moment=row.help_moment if row else "",
    )


def letter_guardianships(school: School, group: Group | None = None) -> QuerySet[Guardianship]:
    """The guardianships a letter goes out for: the one rule, in the school (or the group this year)."""
    links = guardianships_reaching_app().filter(pupil__school=school)
    if group is not None:
        links = links.filter(pupil__placements__group=group, pupil__placements__year_id=group.year_id)
    return links


def letter_addressees(school: School, group: Group | None = None) -> list[LetterAddressee]:
    """One addressee per guardian, with his children (of the group), sorted by name. One query."""
    links = (
        letter_guardianships(school, group)
        .select_related("guardian", "guardian__account", "pupil")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "pupil__first_name")
        .distinct()
    )
    children: dict[int, list[str]] = defaultdict(list)
    guardians: dict[int, Guardian] = {}
    for link in links:
        guardians.setdefault(link.guardian_id, link.guardian)
        if link.pupil.display_name not in children[link.guardian_id]:
            children[link.guardian_id].append(link.pupil.display_name)
    return [
        LetterAddressee(
            guardian=guardian,
            children=children[pk],
            login=(guardian.account.email if guardian.account else "") or guardian.email.strip().lower(),
        )
        for pk, guardian in guardians.items()
    ]


def school_language() -> str:
    """The letter's language on paper: the site's (Dutch for a Dutch school)."""
    return str(settings.LANGUAGE_CODE)


def _language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else school_language()


def letter_pdf(school: School, group: Group | None = None, *, language: str | None = None, base_url: str = "") -> bytes:
    """The letters as one A4 PDF, a page per guardian (a single explanatory page when none)."""
    from weasyprint import HTML  # imported late: loading pango costs time on every process start

    context = {
        "facts": letter_facts(school, base_url=base_url),
        "group": group,
        "addressees": letter_addressees(school, group),
    }
    with translation.override(_language(language)):
        html = render_to_string("portal/letter_print.html", context)
    return bytes(HTML(string=html).write_pdf())


def letter_filename(school: School, group: Group | None) -> str:
    from django.utils.text import slugify

    part = slugify(group.name) if group is not None else "school"
    return f"instruction-letter-{slugify(school.name) or 'school'}-{part}.pdf"


def letter_message(facts: LetterFacts, addressee: LetterAddressee, group: Group | None) -> EmailMessage:
    """The letter as a plain-text e-mail in the guardian's language (no secret in it)."""
    language = _language(addressee.guardian.language)
    context = {"facts": facts, "addressee": addressee, "group": group}
    with translation.override(language):
        subject = str(_("How to use Schoolbrug at %(school)s") % {"school": facts.school.name})
        body = render_to_string("portal/email/letter_body.txt", context)
    school = facts.school
    return EmailMessage(
        subject=subject,
        body=body,
        to=[addressee.guardian.email.strip()],
        reply_to=[facts.contact_email] if facts.contact_email else None,
        headers={
            SCHOOL_HEADER: str(school.pk),
            KIND_HEADER: MAIL_KIND,
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )


@task()
def send_instruction_letters(*, group_id: int, base_url: str = "") -> int:
    """Queues the letter e-mail for every guardian of the group with an address (the mail queue
    sends and retries each); returns how many were queued."""
    group = Group.objects.select_related("school", "year").filter(pk=group_id).first()
    if group is None:
        return 0
    facts = letter_facts(group.school, base_url=base_url)
    queued = 0
    for addressee in letter_addressees(group.school, group):
        if addressee.guardian.email.strip():
            mail_enqueue(letter_message(facts, addressee, group))
            queued += 1
    return queued
