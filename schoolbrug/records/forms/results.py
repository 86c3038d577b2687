from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.core import numbers
from schoolbrug.core.forms import BLANK_CHOICE_LABEL
from schoolbrug.sis.models import Pupil

from ..models import CurriculumTest, StandardisedTest
from ..services.results import StandardisedValues, out_of_scale_message, standardised_problems

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CurriculumTestForm(forms.ModelForm):
    class Meta:
        model = CurriculumTest
        fields = ["subject", "name", "date", "scale", "max_score"]
        widgets = {"date": DATE_WIDGET}
        field_classes = {"max_score": numbers.IntegerField}

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
    value = numbers.DecimalField(label=_("result"), required=False, max_digits=5, decimal_places=1)

    def __init__(self, *args: Any, test: CurriculumTest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.test = test
        self.fields["value"].widget.attrs.update({"aria-label": self.pupil_obj.display_name, "size": 6})

    def clean_value(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("value")
        if value is not None and not self.test.in_scale(value):
            raise forms.ValidationError(out_of_scale_message(self.test, self.pupil_obj, value), code="out_of_scale")
        return value


class _LevelField(forms.ChoiceField):
    """A select of the test's levels. Whether a value is a level of the test is the service's rule
    (`standardised_problems`), whose message names the levels allowed, so the field takes any."""

    def valid_value(self, value: Any) -> bool:
        return True


class StandardisedResultForm(_PupilRowForm):
    """Levels are offered as the test provider's fixed set; the bounds are the service's."""

    score = numbers.DecimalField(label=_("score"), required=False, max_digits=6, decimal_places=1)
    level = _LevelField(label=_("level"), required=False)
    adjusted_level = _LevelField(label=_("adjusted level"), required=False)
    level_value = numbers.DecimalField(label=_("level value"), required=False, max_digits=5, decimal_places=1)

    LEVEL_FIELDS = ("level", "adjusted_level")

    def __init__(self, *args: Any, test: StandardisedTest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.test = test
        for name in self.LEVEL_FIELDS:
            choices = [("", BLANK_CHOICE_LABEL), *((level, level) for level in test.levels)]
            stored = self.initial.get(name) or ""
            if stored and stored not in test.levels:
                # Shown as it is, so saving the row asks for a valid level instead of clearing it.
                choices.append((stored, stored))
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = choices
            field.widget.attrs["aria-label"] = f"{self.pupil_obj.display_name}: {self.fields[name].label}"
        for name in ("score", "level_value"):
            label = f"{self.pupil_obj.display_name}: {self.fields[name].label}"
            self.fields[name].widget.attrs.update({"aria-label": label, "size": 6})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.LEVEL_FIELDS:
            data[name] = (data.get(name) or "").strip().upper()
        row = StandardisedValues(
            score=data.get("score"),
            level=data["level"],
            adjusted_level=data["adjusted_level"],
            level_value=data.get("level_value"),
        )
        for name, message in standardised_problems(self.test, row).items():
            self.add_error(name, message)
        return data


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
