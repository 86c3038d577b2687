from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from schoolbrug.media.forms import MultipleFilesField


class PostForm(forms.Form):
    attachments = MultipleFilesField(label="Photos and files")


def _files(count: int) -> MultiValueDict:
    return MultiValueDict({"attachments": [SimpleUploadedFile(f"{n}.jpg", b"x") for n in range(count)]})


def test_the_field_collects_several_files_and_renders_multiple_with_accept() -> None:
    form = PostForm({}, _files(3))
    assert form.is_valid(), form.errors
    assert [file.name for file in form.cleaned_data["attachments"]] == ["0.jpg", "1.jpg", "2.jpg"]
    html = str(form["attachments"])
    assert "multiple" in html and 'accept="image/jpeg,' in html and ".docx" in html


def test_no_files_is_an_empty_list_and_more_than_twenty_is_refused() -> None:
    form = PostForm({}, MultiValueDict())
    assert form.is_valid() and form.cleaned_data["attachments"] == []
    form = PostForm({}, _files(21))
    assert not form.is_valid()
    assert "20" in form.errors["attachments"][0]
