from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The guardian will read this."),
    )
