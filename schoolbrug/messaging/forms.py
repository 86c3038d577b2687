"""Forms of messaging: writing an announcement, following groups, the school's kinds of post."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.core import numbers
from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.media.forms import MultipleFilesField
from schoolbrug.media.services import MAX_FILES

from .models import POST_TEXT_MAX, PostKind, Space


class SpaceChoiceField(ModelMultipleIdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=POST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Simple formatting: **bold**, *italic*, lists starting with - and links."),
    )
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=PostKind.objects.none(), widget=forms.RadioSelect)
    spaces = SpaceChoiceField(label=_("Post in"), queryset=Space.objects.none(), widget=forms.CheckboxSelectMultiple)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to publish now."),
    )
    uploads = MultipleFilesField(label=_("Photos and documents"), max_files=MAX_FILES)
    urgent = forms.BooleanField(label=_("Urgent (reaches people also in their quiet hours)"), required=False)

    def __init__(
        self,
        *args: Any,
        kinds: QuerySet[PostKind],
        spaces: QuerySet[Space],
        zone: ZoneInfo,
        may_mark_urgent: bool,
        scheduled: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ModelChoiceField)
        kind_field.queryset = kinds
        kind_field.empty_label = None
        if not self.is_bound and "kind" not in self.initial and kinds:
            self.initial["kind"] = kinds[0].pk
        space_field = self.fields["spaces"]
        assert isinstance(space_field, forms.ModelMultipleChoiceField)
        space_field.queryset = spaces
        if not may_mark_urgent:
            del self.fields["urgent"]
        if not scheduled:
            del self.fields["publish_at"]
            del self.fields["spaces"]
            del self.fields["uploads"]

    def clean_publish_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("publish_at")
        if value is None:
            return None
        # The form shows and reads the school's wall clock, whatever the server's zone.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone)


class FollowForm(forms.Form):
    spaces = SpaceChoiceField(
        label=_("Groups I follow"),
        queryset=Space.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The groups you teach are always followed."),
    )

    def __init__(self, *args: Any, spaces: QuerySet[Space], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["spaces"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = spaces


class SchoolSpaceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_('Empty: the default name, "Whole school".')
    )
    is_enabled = forms.BooleanField(label=_("Switched on"), required=False)


class PostKindForm(forms.ModelForm):
    weekly_target = numbers.IntegerField(
        label=_("Posts per group per week"),
        min_value=0,
        max_value=20,
        help_text=_("The school's agreed rhythm for this kind; 0 leaves it out of the communication overview."),
    )

    class Meta:
        model = PostKind
        fields = ["name", "weekly_target"]
