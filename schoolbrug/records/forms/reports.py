from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.core import numbers

from ..models import ReportPeriod


class ReportSectionForm(forms.Form):
    title = forms.CharField(label=_("Heading"), max_length=120, required=False)
    body = forms.CharField(label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


ReportSectionFormSet = forms.formset_factory(ReportSectionForm, extra=2, max_num=30, validate_max=True)


class ReportPeriodForm(forms.ModelForm):
    class Meta:
        model = ReportPeriod
        fields = ["name", "order"]
        field_classes = {"order": numbers.IntegerField}
