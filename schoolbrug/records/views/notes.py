"""Staff pages for notes (REC-2): a pupil's notes, reading a note, unread replies, categories."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from schoolbrug.sis.dates import school_today
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import get_pupil_for_user_or_404, require_application_admin

from ..forms.common import add_service_error
from ..forms.notes import NoteCategoryForm, NoteForm
from ..policies import notes as policies
from ..selectors import notes as selectors
from ..services import notes as services
from .common import school_list_edit, school_list_page


@staff_required
@never_cache
def pupil_notes(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for_user_or_404(request.user, pupil_id)
    notes = selectors.notes_for_pupil(pupil=pupil)
    return render(request, "records/note_list.html", {"pupil": pupil, "notes": notes})


@staff_required
@never_cache
def note_new(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = get_pupil_for_user_or_404(request.user, pupil_id)
    form = NoteForm(request.POST or None, school=pupil.school, today=school_today(pupil.school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.note_create(
                actor=request.user,
                pupil=pupil,
                category=data["category"],
                subject=data["subject"],
                date=data["date"],
                text=data["text"],
                client_key=data["client_key"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The note has been saved."))
            return redirect("records:pupil-notes", pupil_id=pupil.pk)
    return render(request, "records/note_form.html", {"pupil": pupil, "form": form})


@staff_required
@never_cache
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    note = policies.get_note_for_user_or_404(request.user, note_id)
    # Opening the note is what "read" means for the school (the unread count on the home page).
    services.note_mark_read(actor=request.user, note=note)
    replies = note.replies.select_related("category").order_by("created_at")
    return render(request, "records/note_detail.html", {"note": note, "pupil": note.pupil, "replies": replies})


@staff_required
@never_cache
def notes_unread(request: HttpRequest) -> HttpResponse:
    notes = selectors.unread_replies_for_staff(user=request.user).select_related("pupil", "category")
    return render(request, "records/note_unread.html", {"notes": notes.order_by("-created_at")})


@staff_required
def note_categories(request: HttpRequest) -> HttpResponse:
    return school_list_page(
        request, "records/note_categories.html", name="categories", rows_of=selectors.categories_of_school
    )


@staff_required
@never_cache
def note_category_edit(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    require_application_admin(request.user)
    category = policies.get_category_for_admin_or_404(request.user, category_id) if category_id else None
    return school_list_edit(
        request,
        NoteCategoryForm(request.POST or None, instance=category),
        save=lambda data: services.note_category_save(
            actor=request.user, category=category, data=data, request=request
        ),
        saved_message=_("The note category has been saved."),
        success_url="records:note-categories",
        template="records/note_category_form.html",
        context={"category": category},
    )
