"""The upload form of the sync pages: several files of one export, checked before anything is kept."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import upload_services


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


def _plain_name(name: str) -> str:
    # Browsers send a bare name, but a crafted request may send a path: the preview names files
    # as the school knows them, never a directory.
    return (PurePath(name.replace("\\", "/")).name or "upload")[:255]


class SyncUploadForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Files"),
        allow_empty_file=True,  # refused below with the file's name
        error_messages={"required": _("Choose at least one file.")},
        help_text=_(
            "An EDEXML file (.xml) from your administration, the guardian file (.csv) and/or a OneRoster "
            "export (.zip). Choose them together."
        ),
        widget=MultipleFileInput(attrs={"accept": ".xml,.csv,.txt,.zip"}),
    )

    def clean_uploads(self) -> list[tuple[str, bytes]]:
        uploaded: list[UploadedFile] = self.cleaned_data["uploads"]
        if len(uploaded) > upload_services.MAX_FILES:
            raise forms.ValidationError(
                _("Upload at most %(count)s files at once."), params={"count": upload_services.MAX_FILES}
            )
        # The size is known before a byte is read: a huge file is refused without reading it.
        if sum(item.size or 0 for item in uploaded) > upload_services.max_upload_bytes():
            raise forms.ValidationError(upload_services.too_big_message())
        files = [(_plain_name(item.name or ""), item.read()) for item in uploaded]
        problems = [problem for name, content in files if (problem := upload_services.file_problem(name, content))]
        if problems:
            raise forms.ValidationError(problems)
        return files
