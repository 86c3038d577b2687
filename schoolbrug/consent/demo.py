"""Privacy answers for the demo school, so the guardian, group and pupil pages show real content:
in the demo teacher's group most children have consent, one has a "no" for photos in the app and
one has not been answered; ouder.b@ said no to the website for the divorced family's children, so
ouder.a@ sees that another guardian said no."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolbrug.sis.demo.schools import PARENT_B_EMAIL, PARENT_EMAIL, TEACHER_GROUP
from schoolbrug.sis.models import Guardian, Guardianship, Pupil, School

from .models import ConsentAnswer, ConsentQuestion
from .services import ensure_default_questions


def load_demo_consent(school: School) -> None:
    ensure_default_questions(school)
    if ConsentAnswer.objects.filter(pupil__school=school).exists():
        return
    questions = list(ConsentQuestion.objects.filter(school=school, is_active=True).order_by("position"))
    photos = next(q for q in questions if q.is_app_photos)
    website = questions[1] if len(questions) > 1 else photos
    moment = timezone.now() - dt.timedelta(days=20)
    links = (
        Guardianship.objects.filter(
            pupil__school=school,
            pupil__status=Pupil.Status.ENROLLED,
            pupil__placements__group__name=TEACHER_GROUP,
            pupil__placements__year__is_current=True,
            portal_access=True,
        )
        .select_related("guardian__account", "pupil")
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id", "contact_order", "pk")
    )
    answers: list[ConsentAnswer] = []
    answered: set[int] = set()
    refused_one = False
    for n, link in enumerate(links):
        pupil, guardian = link.pupil, link.guardian
        if pupil.pk in answered:
            continue
        answered.add(pupil.pk)
        if guardian.account is not None and guardian.account.email == PARENT_EMAIL:
            continue  # ouder@ fills this child's form himself
        if n % 7 == 3:
            continue  # not answered: counts as no consent
        refuse = not refused_one and n > 0
        refused_one = refused_one or refuse
        for question in questions:
            consent = not (refuse and question.pk == photos.pk)
            answers.append(_answer(question, pupil, guardian, consent, moment))
    for link in Guardianship.objects.filter(
        pupil__school=school, guardian__account__email=PARENT_B_EMAIL, portal_access=True
    ).select_related("guardian", "pupil"):
        answers.append(_answer(photos, link.pupil, link.guardian, True, moment))
        answers.append(_answer(website, link.pupil, link.guardian, False, moment))
    ConsentAnswer.objects.bulk_create(answers)


def _answer(
    question: ConsentQuestion, pupil: Pupil, guardian: Guardian, consent: bool, moment: dt.datetime
) -> ConsentAnswer:
    return ConsentAnswer(
        question=question,
        pupil=pupil,
        guardian=guardian,
        guardian_name=guardian.full_name,
        account_id=guardian.account_id,
        consent=consent,
        answered_at=moment,
    )
