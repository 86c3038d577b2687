"""The empty first option of a select is in the reader's language, for every kind of select."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase
from django.utils import translation

from schoolbrug.accounts.models import Account


class BlankChoiceForm(forms.Form):
    # A model field with choices (as a ModelForm builds it) and a foreign-key style select.
    kind = Account._meta.get_field("kind").formfield(required=False)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False)


class BlankChoiceLabelTests(SimpleTestCase):
    def test_the_empty_option_is_translated(self) -> None:
        for language, label in (("nl", "- kies -"), ("en", "- choose -")):
            with translation.override(language):
                html = str(BlankChoiceForm())
            with self.subTest(language):
                self.assertIn(f'<option value="" selected>{label}</option>', html)
                self.assertEqual(html.count(label), 2)
                self.assertNotIn("Select an option", html)
