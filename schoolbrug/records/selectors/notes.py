"""Reads of notes: a pupil's list, unread guardian replies and the school's categories."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from schoolbrug.sis.models import Pupil, School
from schoolbrug.sis.policies import pupils_visible_to, staff_member_of

from ..models import Note, NoteCategory


def categories_of_school(school: School) -> QuerySet[NoteCategory]:
    return NoteCategory.objects.filter(school=school)


def notes_for_pupil(*, pupil: Pupil) -> QuerySet[Note]:
    return Note.objects.filter(pupil=pupil).select_related("category")


def unread_replies_for_staff(*, user: Any) -> QuerySet[Note]:
    """Guardian replies nobody at school has opened yet, among the pupils this user reaches."""
    if staff_member_of(user) is None:
        return Note.objects.none()
    return Note.objects.filter(
        pupil__in=pupils_visible_to(user), source=Note.Source.GUARDIAN, read_by_staff_at__isnull=True
    )


def unread_reply_count(*, user: Any) -> int:
    return unread_replies_for_staff(user=user).count()


def visible_on_portal_to(account: Any) -> Q:
    """The school's notes, and of the guardians' replies only the account's own: divorced
    guardians share a child but never each other's words (SECURITY: co-guardian privacy)."""
    return Q(source=Note.Source.STAFF) | Q(source=Note.Source.GUARDIAN, author=account)
