"""Who may see notes and change the school's note categories."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from schoolbrug.sis.policies import require_application_admin, staff_pupils_visible_to

from ..models import Note, NoteCategory


def notes_visible_to(user: Any) -> QuerySet[Note]:
    return Note.objects.filter(pupil__in=staff_pupils_visible_to(user))


def get_note_for_user_or_404(user: Any, note_id: int) -> Note:
    return get_object_or_404(notes_visible_to(user).select_related("pupil", "category", "in_reply_to"), pk=note_id)


def get_category_for_admin_or_404(user: Any, category_id: int) -> NoteCategory:
    staff = require_application_admin(user)
    return get_object_or_404(NoteCategory, pk=category_id, school_id=staff.school_id)
