"""Password rules speak the reader's language on every page that sets a password."""

from __future__ import annotations

from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from schoolbrug.accounts.activation import activation_token_issue
from schoolbrug.accounts.models import Account

# One password each configured validator refuses for an account named Anna Visser.
REFUSED = {
    "UserAttributeSimilarityValidator": "anna.visser",
    "MinimumLengthValidator": "kort",
    "CommonPasswordValidator": "password123",
    "NumericPasswordValidator": "8364019275513",
}


class PasswordMessageTests(TestCase):
    def setUp(self) -> None:
        self.anna = Account.objects.create_account(
            kind=Account.Kind.GUARDIAN, email="anna.visser@example.nl", first_name="Anna", last_name="Visser"
        )

    def refusal(self, validator: object, language: str) -> str:
        with translation.override(language):
            try:
                validator.validate(REFUSED[type(validator).__name__], self.anna)  # type: ignore[attr-defined]
            except ValidationError as error:
                return " ".join(error.messages)
        self.fail(f"{type(validator).__name__} accepted {REFUSED[type(validator).__name__]!r}")

    def test_every_configured_rule_refuses_and_explains_in_dutch_and_english(self) -> None:
        validators = get_default_password_validators()
        self.assertEqual(sorted(type(v).__name__ for v in validators), sorted(REFUSED))
        for validator in validators:
            with self.subTest(type(validator).__name__):
                dutch, english = self.refusal(validator, "nl"), self.refusal(validator, "en")
                self.assertNotEqual(dutch, english, f"no Dutch translation of {english!r}")
                with translation.override("nl"):
                    dutch_help = validator.get_help_text()
                with translation.override("en"):
                    english_help = validator.get_help_text()
                self.assertNotEqual(dutch_help, english_help, f"no Dutch translation of {english_help!r}")

    def test_the_activation_page_explains_a_short_password_in_dutch(self) -> None:
        raw = activation_token_issue(account=self.anna)
        url = reverse("accounts:activate", args=[raw])
        response = self.client.post(url, {"new_password1": "kort", "new_password2": "kort"}, HTTP_ACCEPT_LANGUAGE="nl")
        self.assertContains(response, "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten.")
        self.assertNotContains(response, "too short")
        similar = self.client.post(url, {"new_password1": "anna.visser", "new_password2": "anna.visser"})
        self.assertContains(similar, "Het wachtwoord lijkt te veel op uw e-mailadres.")
        self.assertNotContains(similar, "op de username")
