"""Staff pages: the school's privacy questions (administrators), per group who may not be
photographed, and per pupil the answers with their history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.sis import policies as sis_policies
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.decorators import staff_required

from . import selectors, services
from .forms import QuestionForm
from .models import ConsentQuestion
from .policies import get_question_for_admin_or_404, require_consent_admin


@staff_required
@never_cache
def questions(request: HttpRequest) -> HttpResponse:
    staff = require_consent_admin(request.user)
    services.ensure_default_questions(staff.school)
    items = list(selectors.questions_of_school(staff.school_id, active_only=False))
    today = school_today(staff.school)
    return render(request, "consent/questions.html", {"questions": items, "today": today})


def _question_form(request: HttpRequest, question: ConsentQuestion, *, new: bool) -> HttpResponse:
    form = QuestionForm(request.POST or None, instance=question, today=school_today(question.school))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(actor=request.user, question=form.instance)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question has been saved."))
            return redirect("consent:questions")
    return render(request, "consent/question_form.html", {"form": form, "question": question, "new": new})


@staff_required
@never_cache
def question_add(request: HttpRequest) -> HttpResponse:
    staff = require_consent_admin(request.user)
    return _question_form(request, ConsentQuestion(school=staff.school), new=True)


@staff_required
@never_cache
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    return _question_form(request, get_question_for_admin_or_404(request.user, question_id), new=False)


@staff_required
@require_POST
def question_move(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_question_for_admin_or_404(request.user, question_id)
    services.question_move(actor=request.user, question=question, up=request.POST.get("direction") == "up")  # type: ignore[arg-type]
    return redirect("consent:questions")


@staff_required
@never_cache
def question_switch_off(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_question_for_admin_or_404(request.user, question_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Switch off this question?"),
            subject=question.text,
            consequence=_(
                "Guardians no longer see it and teachers no longer see its answers. The answers given "
                "so far are kept; switching it on again brings them back."
            ),
            button=_("Switch off"),
            cancel_url=reverse("consent:questions"),
        )
    services.question_set_active(actor=request.user, question=question, active=False)  # type: ignore[arg-type]
    messages.success(request, _("The question has been switched off."))
    return redirect("consent:questions")


@staff_required
@require_POST
def question_switch_on(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_question_for_admin_or_404(request.user, question_id)
    services.question_set_active(actor=request.user, question=question, active=True)  # type: ignore[arg-type]
    messages.success(request, _("The question has been switched on."))
    return redirect("consent:questions")


@staff_required
@never_cache
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    item = sis_policies.get_group_for_user_or_404(request.user, group_id)
    questions = list(selectors.questions_of_school(item.school_id))
    rows = selectors.group_overview(item, questions)
    reachable = set(
        sis_policies.pupils_visible_to(request.user).filter(placements__group=item).values_list("pk", flat=True)
    )
    context = {
        "group": item,
        "questions": questions,
        "rows": rows,
        "reachable": reachable,
        "has_photo_question": any(q.is_app_photos for q in questions),
        "not_allowed": sum(1 for row in rows if not row.may_be_photographed),
    }
    return render(request, "consent/group.html", context)


@staff_required
@never_cache
def pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    item = sis_policies.get_pupil_for_user_or_404(request.user, pupil_id)
    return render(request, "consent/pupil.html", {"pupil": item, "items": selectors.pupil_history(item)})
