from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Pupil

from ..models import CurriculumTest, StandardisedTest

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CurriculumTestForm(forms.ModelForm):
    class Meta:
        model = CurriculumTest
        fields = ["subject", "name", "date", "scale", "max_score"]
        widgets = {"date": DATE_WIDGET}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scale") == CurriculumTest.Scale.SCORE and not data.get("max_score"):
            self.add_error("max_score", _("Enter the maximum score of the test."))
        return data


class StandardisedTestForm(forms.ModelForm):
    class Meta:
        model = StandardisedTest
        fields = ["name", "provider", "date"]
        widgets = {"date": DATE_WIDGET}


class _PupilRowForm(forms.Form):
    """One row of a group entry page; the hidden pupil id guards against a changed group list."""

    pupil = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupil_obj = pupil
        self.fields["pupil"].initial = pupil.pk

    def clean_pupil(self) -> int:
        value: int = self.cleaned_data["pupil"]
        if value != self.pupil_obj.pk:
            raise forms.ValidationError(_("The group has changed; reload the page."), code="stale")
        return value


class CurriculumResultForm(_PupilRowForm):
    value = forms.DecimalField(label=_("result"), required=False, max_digits=5, decimal_places=1)

    def __init__(self, *args: Any, test: CurriculumTest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.test = test
        widget = self.fields["value"].widget
        widget.attrs.update(min=str(test.lowest), max=str(test.highest), step="0.1" if test.scale == "grade" else "1")
        widget.attrs["aria-label"] = self.pupil_obj.display_name

    def clean_value(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("value")
        if value is not None and not self.test.in_scale(value):
            raise forms.ValidationError(
                _("%(pupil)s: %(value)s lies outside the scale of this test (%(low)s to %(high)s).")
                % {
                    "pupil": self.pupil_obj.display_name,
                    "value": value,
                    "low": self.test.lowest,
                    "high": self.test.highest,
                },
                code="out_of_scale",
            )
        return value


class StandardisedResultForm(_PupilRowForm):
    score = forms.DecimalField(label=_("score"), required=False, max_digits=6, decimal_places=1, min_value=0)
    level = forms.CharField(label=_("level"), required=False, max_length=10)
    adjusted_level = forms.CharField(label=_("adjusted level"), required=False, max_length=10)
    level_value = forms.DecimalField(label=_("level value"), required=False, max_digits=5, decimal_places=1)


class _RowFormSet(forms.BaseFormSet):
    """A formset whose rows are fixed by the server: one per pupil, in this order."""

    def __init__(
        self, *args: Any, pupils: list[Pupil], row_kwargs: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        self.pupils = pupils
        self.row_kwargs = row_kwargs or {}
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.pupils)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = {**super().get_form_kwargs(index), **self.row_kwargs}
        if index is not None:
            kwargs["pupil"] = self.pupils[index]
        return kwargs


CurriculumResultFormSet = cast(
    type[_RowFormSet], forms.formset_factory(CurriculumResultForm, formset=_RowFormSet, extra=0)
)
StandardisedResultFormSet = cast(
    type[_RowFormSet], forms.formset_factory(StandardisedResultForm, formset=_RowFormSet, extra=0)
)
