"""What every form of Schoolbrug shares."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The first option of a select that may stay empty. Django 6.1 introduced "- Select an option -"
# and its Dutch catalogue has no translation for it yet; this label is in ours. CoreConfig.ready
# hands it to Django, so model and form choice fields use it too.
BLANK_CHOICE_LABEL = _("- choose -")
