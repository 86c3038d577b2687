from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import normalise_postcode

from .models import Guardian, Guardianship, Pupil

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PostcodeMixin(forms.ModelForm):
    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))


class PupilForm(PostcodeMixin):
    class Meta:
        model = Pupil
        fields = [
            "first_name", "called_name", "prefix", "last_name", "birth_date", "sex",
            "street", "house_number", "house_number_suffix", "postcode", "city", "phone",
            "address_secret", "status", "enrolled_on", "left_on", "remark",
        ]  # fmt: skip
        widgets = {"birth_date": DATE_WIDGET, "enrolled_on": DATE_WIDGET, "left_on": DATE_WIDGET}

    def clean_birth_date(self) -> dt.date:
        birth_date: dt.date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError(_("The birth date cannot be in the future."), code="future")
        if birth_date < today.replace(year=today.year - 25):
            raise forms.ValidationError(_("A primary-school pupil cannot be born that long ago."), code="too_old")
        return birth_date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        enrolled_on, left_on, status = data.get("enrolled_on"), data.get("left_on"), data.get("status")
        if enrolled_on and left_on and left_on < enrolled_on:
            self.add_error("left_on", _("The date of leaving must not lie before the date of registration."))
        if status == Pupil.Status.LEFT and not left_on:
            self.add_error("left_on", _("Enter the date on which the pupil left."))
        return data


class GuardianForm(PostcodeMixin):
    # Each language named in itself, as language pickers do; a choice field (not the model's free
    # text) so only these can be saved, and no maxlength lands on the select.
    language = forms.ChoiceField(label=_("language"), choices=[("nl", "Nederlands"), ("en", "English")])

    class Meta:
        model = Guardian
        fields = [
            "initials", "first_name", "prefix", "last_name", "sex", "email", "phone_mobile", "phone_home",
            "phone_work", "street", "house_number", "house_number_suffix", "postcode", "city",
            "birth_country", "education_level", "language",
        ]  # fmt: skip

    def clean_email(self) -> str:
        return self.cleaned_data.get("email", "").strip().lower()


class GuardianshipForm(forms.ModelForm):
    class Meta:
        model = Guardianship
        fields = [
            "relation",
            "has_custody",
            "portal_access",
            "portal_access_reason",
            "app_invitation",
            "lives_with_pupil",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changed = "portal_access" in self.changed_data
        if changed and not data.get("portal_access_reason", "").strip():
            self.add_error("portal_access_reason", _("Give the reason for changing the access right."))
        return data
