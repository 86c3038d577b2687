"""Reads of privacy preferences. The strictest answer counts (docs/decisions/0022):

- only guardians who hold the portal access right for the child count;
- each guardian's current answer is his latest;
- any current "no" makes the child's answer no; no answer at all counts as no consent.
Every function here takes a fixed number of queries, whatever the number of pupils.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Group, Guardianship, Placement, Pupil

from .models import ConsentAnswer, ConsentQuestion


class Effective(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNANSWERED = "unanswered"

    @property
    def allows(self) -> bool:
        return self is Effective.YES


def questions_of_school(school_id: int, *, active_only: bool = True) -> QuerySet[ConsentQuestion]:
    questions = ConsentQuestion.objects.filter(school_id=school_id)
    if active_only:
        questions = questions.filter(is_active=True)
    return questions.order_by("position", "pk")


def current_answers(pupil_ids: Iterable[int], question_ids: Iterable[int]) -> dict[tuple[int, int], dict[int, bool]]:
    """{(pupil, question): {guardian: consent}}: the latest answer of each guardian who now holds
    the portal access right for that child. One query."""
    pupil_ids, question_ids = list(pupil_ids), list(question_ids)
    if not pupil_ids or not question_ids:
        return {}
    with_right = Guardianship.objects.filter(
        guardian_id=OuterRef("guardian_id"), pupil_id=OuterRef("pupil_id"), portal_access=True
    )
    rows = (
        ConsentAnswer.objects.filter(pupil_id__in=pupil_ids, question_id__in=question_ids)
        .filter(Exists(with_right))
        .order_by("answered_at", "pk")
        .values_list("pupil_id", "question_id", "guardian_id", "consent")
    )
    found: dict[tuple[int, int], dict[int, bool]] = defaultdict(dict)
    for pupil_id, question_id, guardian_id, consent in rows:
        found[(pupil_id, question_id)][guardian_id] = consent  # later rows overwrite earlier ones
    return found


def strictest(answers: Iterable[bool]) -> Effective:
    answers = list(answers)
    if not answers:
        return Effective.UNANSWERED
    return Effective.YES if all(answers) else Effective.NO


def effective_answers(pupil_ids: Iterable[int], question_ids: Iterable[int]) -> dict[tuple[int, int], Effective]:
    pupil_ids, question_ids = list(pupil_ids), list(question_ids)
    current = current_answers(pupil_ids, question_ids)
    return {(p, q): strictest(current.get((p, q), {}).values()) for p in pupil_ids for q in question_ids}


def app_photos_questions(school_ids: Iterable[int]) -> dict[int, ConsentQuestion]:
    """The switched-on app photo question per school."""
    questions = ConsentQuestion.objects.filter(school_id__in=list(school_ids), is_app_photos=True, is_active=True)
    return {q.school_id: q for q in questions}


def pupils_without_photo_consent(group_ids: Iterable[int]) -> list[Pupil]:
    """MSG-4: enrolled pupils placed in these groups whose effective answer to their school's app
    photo question is not yes, ordered by group then name, each with `.group_name`. [] when the
    school has no such question switched on. At most three queries."""
    group_ids = list(group_ids)
    if not group_ids:
        return []
    questions = {
        q.school_id: q
        for q in ConsentQuestion.objects.filter(
            is_app_photos=True, is_active=True, school__groups__id__in=group_ids
        ).distinct()
    }
    if not questions:
        return []
    placements = list(
        Placement.objects.filter(
            group_id__in=group_ids, pupil__status=Pupil.Status.ENROLLED, pupil__school_id__in=list(questions)
        )
        .select_related("pupil", "group")
        .order_by("group__name", "pupil__last_name", "pupil__first_name", "pupil_id")
    )
    pupil_ids = {p.pupil_id for p in placements}
    current = current_answers(pupil_ids, [q.pk for q in questions.values()])
    found: list[Pupil] = []
    seen: set[int] = set()
    for placement in placements:
        pupil = placement.pupil
        if pupil.pk in seen:
            continue
        seen.add(pupil.pk)
        question = questions[pupil.school_id]
        if not strictest(current.get((pupil.pk, question.pk), {}).values()).allows:
            pupil.group_name = placement.group.name  # type: ignore[attr-defined]
            found.append(pupil)
    return found


@dataclass
class PupilConsentRow:
    pupil: Pupil
    answers: list[Effective]
    may_be_photographed: bool


def group_overview(group: Group, questions: Sequence[ConsentQuestion]) -> list[PupilConsentRow]:
    """The group's enrolled pupils with their effective answers in the order of `questions`;
    those who may not be photographed for the app first. Two queries."""
    pupils = list(
        Pupil.objects.filter(placements__group=group, status=Pupil.Status.ENROLLED)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    effective = effective_answers([p.pk for p in pupils], [q.pk for q in questions])
    photo_question = next((q for q in questions if q.is_app_photos), None)
    rows = []
    for pupil in pupils:
        answers = [effective[(pupil.pk, q.pk)] for q in questions]
        may = photo_question is None or effective[(pupil.pk, photo_question.pk)].allows
        rows.append(PupilConsentRow(pupil=pupil, answers=answers, may_be_photographed=may))
    rows.sort(key=lambda row: row.may_be_photographed)  # stable: names stay in order
    return rows


@dataclass
class GuardianView:
    """What one guardian sees for one child and one question: the child's effective answer, his
    own current answer, and whether another guardian's "no" decides it (never who)."""

    question: ConsentQuestion
    effective: Effective
    own: bool | None
    other_said_no: bool
    locked: bool = False


def guardian_view(
    pupil: Pupil, guardian_id: int, questions: Sequence[ConsentQuestion], today: dt.date
) -> list[GuardianView]:
    current = current_answers([pupil.pk], [q.pk for q in questions])
    views = []
    for question in questions:
        answers = current.get((pupil.pk, question.pk), {})
        views.append(
            GuardianView(
                question=question,
                effective=strictest(answers.values()),
                own=answers.get(guardian_id),
                other_said_no=any(not v for g, v in answers.items() if g != guardian_id),
                locked=question.is_locked_on(today),
            )
        )
    return views


@dataclass
class QuestionHistory:
    question: ConsentQuestion
    effective: Effective
    history: list[ConsentAnswer] = field(default_factory=list)


def pupil_history(pupil: Pupil) -> list[QuestionHistory]:
    """For staff: per question of the school (switched-off ones too, when answered), the
    effective answer and every answer ever given, newest first. Three queries."""
    questions = list(questions_of_school(pupil.school_id, active_only=False))
    effective = effective_answers([pupil.pk], [q.pk for q in questions])
    by_question: dict[int, list[ConsentAnswer]] = defaultdict(list)
    for answer in ConsentAnswer.objects.filter(pupil=pupil).order_by("-answered_at", "-pk"):
        by_question[answer.question_id].append(answer)
    return [
        QuestionHistory(question=q, effective=effective[(pupil.pk, q.pk)], history=by_question[q.pk])
        for q in questions
        if q.is_active or by_question[q.pk]
    ]


def own_guardian_id(account: Account, pupil: Pupil) -> int | None:
    """The account's guardian record holding the portal access right for this child."""
    return (
        Guardianship.objects.filter(pupil=pupil, guardian__account=account, portal_access=True)
        .values_list("guardian_id", flat=True)
        .first()
    )
