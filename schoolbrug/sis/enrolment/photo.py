"""A pupil's photo: uploaded by the application administrator, validated and re-encoded like the
dashboard image (`core.images`), stored under a random name and served only to staff who may
open the pupil, never as a public file."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account
from schoolbrug.core.images import random_png_name, validated_png

from .. import policies
from ..decorators import staff_required
from ..models import Pupil
from .common import posted, record_change, require_editor

MIN_SIDE = 100
STORED_SIDE = 600


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=capfirst(gettext_lazy("photo")),
        required=False,
        help_text=gettext_lazy("At least 100 × 100 pixels; JPEG, PNG or WebP up to 5 MB."),  # noqa: RUF001
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=gettext_lazy("Remove the photo"), required=False)

    def clean_photo(self) -> bytes | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return validated_png(upload, size=upload.size, min_side=MIN_SIDE, stored_side=STORED_SIDE, square=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("photo") and not data.get("remove_photo") and not self.errors:
            raise ValidationError(_("Choose a photo to upload, or tick that the photo is to be removed."))
        return data


@transaction.atomic
def photo_update(*, actor: Account, pupil: Pupil, png: bytes | None) -> Pupil:
    """Stores the validated PNG (or removes the photo when `png` is None); the old file goes
    once the new state is committed, so a failed save never leaves a pupil without his file."""
    require_editor(actor, pupil)
    old = pupil.photo.name if pupil.photo else ""
    if png is None and not old:
        return pupil  # nothing to remove
    if png is not None:
        pupil.photo.save(random_png_name(), ContentFile(png), save=False)
    else:
        pupil.photo = ""  # type: ignore[assignment]
    pupil.save(update_fields=["photo", "updated_at"])
    if old:
        storage = pupil.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    record_change(actor=actor, pupil=pupil, data={"change": "photo_changed" if png is not None else "photo_removed"})
    return pupil


@staff_required
@never_cache
def edit(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = policies.get_pupil_for_editor_or_404(request.user, pupil_id)
    form = PhotoForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        png = form.cleaned_data.get("photo")
        photo_update(actor=request.user, pupil=pupil, png=png)  # type: ignore[arg-type]
        messages.success(
            request, _("The photo has been saved.") if png is not None else _("The photo has been removed.")
        )
        return redirect("staff:pupil", pupil_id=pupil.pk)
    return render(request, "sis/enrolment/photo.html", {"pupil": pupil, "form": form})


@staff_required
@never_cache
def image(request: HttpRequest, pupil_id: int) -> HttpResponseBase:
    """The photo, for staff who may open this pupil (teachers of his group too): the same lookup
    as the pupil page, so a pupil out of reach answers 404 here as there."""
    pupil = get_object_or_404(policies.staff_pupils_visible_to(request.user), pk=pupil_id)
    if not pupil.photo:
        raise Http404
    try:
        file = pupil.photo.open("rb")
    except OSError:
        # A file lost from storage (restore without media) must not break the pupil page.
        raise Http404 from None
    response = FileResponse(file, content_type="image/png")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
