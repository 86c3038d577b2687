"""Who reaches which privacy question: the administrators of its school, nobody else (404)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import StaffMember
from schoolbrug.sis.policies import communication_admin_of

from .models import ConsentQuestion


def require_consent_admin(user: Account | AnonymousUser) -> StaffMember:
    """Application or communication administrators decide the school's privacy questions."""
    staff = communication_admin_of(user)
    if staff is None:
        raise Http404
    return staff


def get_question_for_admin_or_404(user: Account | AnonymousUser, question_id: int) -> ConsentQuestion:
    staff = require_consent_admin(user)
    return get_object_or_404(ConsentQuestion, pk=question_id, school_id=staff.school_id)
