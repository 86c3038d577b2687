from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .images import validated_dashboard_png
from .models import ModuleSchedule, PortalModule, PortalSettings
from .modules import DASHBOARD_MODULES, MODULE_OPTIONS, Module


class PortalSettingsForm(forms.ModelForm):
    image = forms.FileField(
        label=_("Dashboard image"),
        required=False,
        help_text=_("Square, at least 170 × 170 pixels; JPEG, PNG or WebP up to 5 MB."),  # noqa: RUF001
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_image = forms.BooleanField(label=_("Use the default image"), required=False)

    class Meta:
        model = PortalSettings
        fields = [
            "correction_email",
            "website",
            "maintenance_mode",
            "help_contact_name",
            "help_contact_email",
            "help_contact_phone",
            "help_moment",
        ]

    def clean_image(self) -> bytes | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        return validated_dashboard_png(upload, size=upload.size)


class PortalModuleForm(forms.ModelForm):
    class Meta:
        model = PortalModule
        fields = [
            "enabled",
            "show_on_dashboard",
            "show_addresses",
            "show_contact",
            "standardised_display",
            "start_date",
            "replies_allowed",
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, module: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module = module
        keep = {"enabled", *MODULE_OPTIONS.get(module, ())}
        if module in DASHBOARD_MODULES:
            keep.add("show_on_dashboard")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("show_on_dashboard") and not data.get("enabled"):
            self.add_error("show_on_dashboard", _("A module can only be shown on the dashboard while it is on."))
        return data


class ModuleScheduleForm(forms.ModelForm):
    class Meta:
        model = ModuleSchedule
        fields = ["module", "enabled", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    enabled = forms.TypedChoiceField(
        label=_("Switch"),
        choices=[("on", _("on")), ("off", _("off"))],
        coerce=lambda value: value == "on",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date lies before the start date."))
        return data

    def _post_clean(self) -> None:
        # The service validates and saves; the model's constraints need a school first.
        pass


class GuardianPreferenceForm(forms.Form):
    link_communication_app = forms.BooleanField(
        label=_("Also notify me in the app"),
        required=False,
        help_text=_("New absences, plans, notes, reports and activities also appear as notifications in the app."),
    )


class ImpersonationForm(forms.Form):
    guardian_account = forms.IntegerField(widget=forms.HiddenInput)


def raise_on_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form's fields (or on top when it names none)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


__all__ = [
    "GuardianPreferenceForm",
    "ImpersonationForm",
    "Module",
    "ModuleScheduleForm",
    "PortalModuleForm",
    "PortalSettingsForm",
    "raise_on_form",
]
