from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts.models import Account
from schoolbrug.core.forms import ModelMultipleIdChoiceField
from schoolbrug.media.forms import MultipleFilesField
from schoolbrug.messaging.selectors import member_accounts_of

from .models import MESSAGE_MAX, TITLE_MAX, GroupChatSettings, SchoolChatSettings
from .policies import StartOptions
from .selectors import public_name


class PersonChoiceField(ModelMultipleIdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Only the name: another guardian's e-mail address or phone number is never shown.
        return public_name(obj)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("A message can be at most %(limit_value)d characters.")},
    )
    attachments = MultipleFilesField(label=_("Photos and documents"))
    # Made when the form is shown: sending the same form twice stores one message.
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Text, photos or both: an empty text is fine when something is attached.
        self.fields["body"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("body") or "").strip() and not data.get("attachments") and "body" not in self.errors:
            self.add_error("body", _("Write a message first."))
        return data


class StartForm(forms.Form):
    teachers = forms.BooleanField(label=_("The teachers of the group"), required=False)
    people = PersonChoiceField(
        label=_("People"), queryset=Account.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Subject"), max_length=TITLE_MAX, required=False)
    body = MessageForm.base_fields["body"]
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, options: StartOptions, group_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teachers"].label = _("The teachers of %(group)s") % {"group": group_name}
        if not options.teachers:
            del self.fields["teachers"]
        people = self.fields["people"]
        assert isinstance(people, PersonChoiceField)
        people.queryset = options.people
        if not options.several:
            people.help_text = _("Choose one person.")


class GroupSettingsForm(forms.ModelForm):
    contact_parents = PersonChoiceField(
        label=_("Contact parents"),
        queryset=Account.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Guardians of the group who may start group conversations with other guardians."),
    )

    class Meta:
        model = GroupChatSettings
        fields = [
            "guardians_may_start_with_teacher",
            "guardians_may_start_with_each_other",
            "guardians_may_share_photos",
            "contact_parents",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact_parents"]
        assert isinstance(field, PersonChoiceField)
        field.queryset = (
            member_accounts_of([self.instance.space])
            .filter(kind=Account.Kind.GUARDIAN)
            .order_by("first_name", "last_name", "pk")
        )


class SchoolSettingsForm(forms.ModelForm):
    class Meta:
        model = SchoolChatSettings
        fields = ["family_split"]
        widgets = {"family_split": forms.RadioSelect}
