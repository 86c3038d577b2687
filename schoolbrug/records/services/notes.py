"""Writes for notes (REC-2): staff notes, guardian replies, read state and categories."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.records.events import announce
from schoolbrug.sis.dates import school_today, year_for_date
from schoolbrug.sis.models import Guardian, Pupil
from schoolbrug.sis.policies import pupils_visible_to, staff_member_of

from ..models import Note, NoteCategory
from .common import school_setting_save

MAX_TEXT = 10000


def _year_or_error(pupil: Pupil, day: dt.date) -> Any:
    year = year_for_date(pupil.school, day)
    if year is None:
        raise ValidationError({"date": _("This date lies before the school's first school year.")})
    return year


@transaction.atomic
def note_create(
    *,
    actor: Any,
    pupil: Pupil,
    category: NoteCategory,
    subject: str,
    date: dt.date,
    text: str,
    client_key: UUID | None = None,
) -> Note:
    staff = staff_member_of(actor)
    if staff is None or not pupils_visible_to(actor).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    if client_key is not None:
        earlier = Note.objects.filter(pupil=pupil, client_key=client_key, author=actor).first()
        if earlier is not None:
            return earlier
    if category.school_id != pupil.school_id:
        raise ValidationError({"category": _("Choose one of the school's note categories.")})
    if not subject.strip() or not text.strip():
        raise ValidationError(_("Enter a subject and a text."))
    note = Note.objects.create(
        pupil=pupil,
        year=_year_or_error(pupil, date),
        category=category,
        subject=subject.strip()[:200],
        date=date,
        text=text.strip(),
        source=Note.Source.STAFF,
        author=actor,
        author_name=staff.full_name,
        # A staff member's own note needs no attention from his colleagues.
        read_by_staff_at=timezone.now(),
        client_key=client_key,
    )
    announce(module="notes", items=[(pupil, note)], actor=actor)
    return note


def note_mark_read(*, actor: Any, note: Note) -> None:
    if staff_member_of(actor) is None or not pupils_visible_to(actor).filter(pk=note.pupil_id).exists():
        raise PermissionDenied
    if note.read_by_staff_at is None:
        now = timezone.now()
        # Conditional update: two colleagues opening it at once keep the first moment.
        Note.objects.filter(pk=note.pk, read_by_staff_at__isnull=True).update(read_by_staff_at=now)
        note.read_by_staff_at = now


def reply_subject(subject: str) -> str:
    prefix = "Re: "
    return (subject if subject.startswith(prefix) else prefix + subject)[:200]


@transaction.atomic
def note_reply_from_guardian(*, guardian_account: Any, note: Note, text: str, replies_allowed: bool = True) -> Note:
    """A guardian's reply on the portal: a new note 'Re: <subject>', unread for the school.

    Allowed only for a guardian who reaches the pupil, on a school's note (never on a reply) whose
    category is published on the portal, while the portal allows replies (`replies_allowed`, a
    portal module setting).
    """
    if not getattr(guardian_account, "is_guardian", False) or not replies_allowed:
        raise PermissionDenied
    if not pupils_visible_to(guardian_account).filter(pk=note.pupil_id).exists():
        raise PermissionDenied
    # Read the note again: the caller's copy may predate a change of category. Only a school's
    # note takes a reply; a reply to a reply would be filed as a new thread nobody asked for.
    note = Note.objects.get(pk=note.pk)
    if note.source != Note.Source.STAFF:
        raise PermissionDenied
    # Locked, so a school unpublishing the category at this moment waits until the reply is in
    # (or the reply sees the category unpublished).
    category = NoteCategory.objects.select_for_update().get(pk=note.category_id)
    if not category.publish_on_portal:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a reply first.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("Keep the reply under %(max)d characters.") % {"max": MAX_TEXT}})
    pupil = Pupil.objects.select_related("school").get(pk=note.pupil_id)
    guardian = Guardian.objects.filter(account=guardian_account, school_id=pupil.school_id).first()
    author_name = guardian.full_name if guardian else guardian_account.get_full_name()
    today = school_today(pupil.school)
    return Note.objects.create(
        pupil=pupil,
        year=_year_or_error(pupil, today),
        category=category,
        subject=reply_subject(note.subject),
        date=today,
        text=text,
        source=Note.Source.GUARDIAN,
        author=guardian_account,
        author_name=author_name,
        in_reply_to=note,
        read_by_staff_at=None,
    )


@transaction.atomic
def note_category_save(
    *, actor: Any, category: NoteCategory | None = None, data: dict[str, Any], request: HttpRequest | None = None
) -> NoteCategory:
    return school_setting_save(
        actor=actor, model=NoteCategory, instance=category, data=data, request=request, label="note category"
    )
