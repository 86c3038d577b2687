"""Forms for notes and note categories."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolbrug.sis.models import School

from ..models import NoteCategory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CategoryChoiceField(forms.ModelChoiceField):
    """Each option says whether guardians will see the note, so the choice is made knowingly."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.publish_on_portal:
            return str(_("%(name)s (published on the portal)") % {"name": obj.name})
        return str(_("%(name)s (school only)") % {"name": obj.name})


class NoteForm(forms.Form):
    category = CategoryChoiceField(label=_("Category"), queryset=NoteCategory.objects.none())
    subject = forms.CharField(label=pgettext_lazy("message", "Subject"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, school: School, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(NoteCategory.objects.filter(school=school))
        field = self.fields["category"]
        field.queryset = NoteCategory.objects.filter(school=school)  # type: ignore[attr-defined]
        published = [c.name for c in self.categories if c.publish_on_portal]
        field.help_text = (
            _("Guardians see notes of these categories on the portal: %(names)s.") % {"names": ", ".join(published)}
            if published
            else _("No category is published on the portal: guardians do not see notes.")
        )
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())
            self.initial.setdefault("date", today)


class NoteCategoryForm(forms.ModelForm):
    class Meta:
        model = NoteCategory
        fields = ["name", "publish_on_portal"]
