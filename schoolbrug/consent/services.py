"""Changes to privacy preferences: the school's questions and the guardians' answers."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.sis import policies
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.models import Guardianship, Pupil, School

from .models import ConsentAnswer, ConsentQuestion
from .selectors import current_answers, questions_of_school


def ensure_default_questions(school: School) -> list[ConsentQuestion]:
    """A school without any questions gets the usual three (photos in the app, on the website,
    in the newsletter), in the school's language; a school that has questions keeps its own."""
    with transaction.atomic():
        # Locks the school row so two administrators opening the page at once make one set.
        School.objects.select_for_update().filter(pk=school.pk).first()
        if ConsentQuestion.objects.filter(school=school).exists():
            return []
        with translation.override(settings.LANGUAGE_CODE):
            explanation = _("We only use photos and videos for this purpose. You can change your answer at any time.")
            defaults = [
                (_("May photos and videos of your child be shared in the app with the group's families?"), True),
                (_("May photos and videos of your child be published on the school website?"), False),
                (_("May photos of your child appear in the school newsletter?"), False),
            ]
        return ConsentQuestion.objects.bulk_create(
            ConsentQuestion(school=school, text=text, explanation=explanation, is_app_photos=app, position=n)
            for n, (text, app) in enumerate(defaults, start=1)
        )


def _require_admin(actor: Account, school_id: int) -> None:
    if policies.communication_admin_of(actor, school_id) is None:
        raise PermissionDenied


def _check_single_app_photos(question: ConsentQuestion) -> None:
    if not question.is_app_photos:
        return
    other = ConsentQuestion.objects.filter(school_id=question.school_id, is_app_photos=True).exclude(pk=question.pk)
    if other.exists():
        raise ValidationError(
            {
                "is_app_photos": _("Another question is already the question for photos in the app: %(text)s")
                % {"text": other.first()}
            }
        )


def question_save(*, actor: Account, question: ConsentQuestion) -> ConsentQuestion:
    """Creates or changes a question of the actor's school (he must administer it)."""
    _require_admin(actor, question.school_id)
    if not question.text.strip():
        raise ValidationError({"text": _("Enter the question.")})
    with transaction.atomic():
        _check_single_app_photos(question)
        if question.pk is None:
            last = ConsentQuestion.objects.filter(school_id=question.school_id).aggregate(m=Max("position"))["m"]
            question.position = (last or 0) + 1
        question.save()
    return question


def question_move(*, actor: Account, question: ConsentQuestion, up: bool) -> None:
    """Swaps the question with its neighbour; positions are renumbered 1..n on the way."""
    _require_admin(actor, question.school_id)
    with transaction.atomic():
        ordered = list(questions_of_school(question.school_id, active_only=False).select_for_update())
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            item.position = position
        ConsentQuestion.objects.bulk_update(ordered, ["position"])


def question_set_active(*, actor: Account, question: ConsentQuestion, active: bool) -> None:
    _require_admin(actor, question.school_id)
    question.is_active = active
    question.save(update_fields=["is_active"])


def record_answers(*, actor: Account, pupil: Pupil, choices: Mapping[int, bool]) -> int:
    """A guardian's answers for one child: a new history row for each answer that differs from
    his current one. All or nothing: a locked or unknown question refuses the whole form.
    Returns the number of answers recorded."""
    if not policies.pupils_visible_to(actor).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    guardianship = (
        Guardianship.objects.select_related("guardian")
        .filter(pupil=pupil, guardian__account=actor, portal_access=True)
        .first()
    )
    if guardianship is None:
        raise PermissionDenied
    guardian = guardianship.guardian
    questions = {q.pk: q for q in questions_of_school(pupil.school_id)}
    if not set(choices) <= set(questions):
        raise PermissionDenied
    today = school_today(pupil.school)
    locked = [questions[q] for q in choices if questions[q].is_locked_on(today)]
    if locked:
        raise ValidationError(
            _("The school has closed the answers to this question; ask the school to change it: %(text)s")
            % {"text": locked[0].text}
        )
    with transaction.atomic():
        own = current_answers([pupil.pk], list(choices))
        new = [
            ConsentAnswer(
                question_id=question_id,
                pupil=pupil,
                guardian=guardian,
                guardian_name=guardian.full_name,
                account_id=actor.pk,
                consent=consent,
            )
            for question_id, consent in choices.items()
            if own.get((pupil.pk, question_id), {}).get(guardian.pk) is not consent
        ]
        ConsentAnswer.objects.bulk_create(new)
    return len(new)
