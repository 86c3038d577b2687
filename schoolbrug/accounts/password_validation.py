"""Django's password validators with messages from Schoolbrug's own catalogue.

Django 6.1 reworded the too-short message (`%d` instead of `%(min_length)d`) and its Dutch
catalogue still has only the old wording, so guardians choosing a password read English. The
similarity message names the compared field with "de", which is wrong Dutch for "e-mailadres".
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    # The account's internal `username` ("guardian:<e-mail>") is no name its owner knows; the
    # e-mail address it is built from is compared instead.
    DEFAULT_USER_ATTRIBUTES = ("email", "first_name", "last_name")

    def __init__(self, user_attributes: tuple[str, ...] = DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return gettext("The password is too similar to your %(verbose_name)s.")

    def get_help_text(self) -> str:
        return gettext("Your password must not look like your name or e-mail address.")
