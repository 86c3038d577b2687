"""The upload field the announcement and conversation forms share (Django's documented pattern
for several files in one field). It only collects the files; `services.store_uploads` checks
them by content when the form's owner is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .services import MAX_FILES

ACCEPT = (
    "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif,"
    "application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
)
ACCEPT_IMAGES = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFilesField(forms.FileField):
    """A list of uploaded files (empty when not required and none chosen); at most `max_files`."""

    def __init__(self, *args: Any, max_files: int = MAX_FILES, accept: str = ACCEPT, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Photos (JPEG, PNG, HEIC) and documents (PDF, Word, Excel, PowerPoint)."))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not items:
            single(None, initial)  # raises "required" when the field is
            return []
        if len(items) > self.max_files:
            raise forms.ValidationError(
                _("Add at most %(count)s photos and files at once."),
                code="too_many_files",
                params={"count": self.max_files},
            )
        return [single(item, initial) for item in items]
