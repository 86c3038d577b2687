"""MSG-4: before photos go to a group, the author is told which children of that group may not
be photographed (the consent app's answer, PRIV-1), and publishes anyway or goes back.

The uploads are stored before the question (checked and cleaned, not yet attached), so the
author does not choose them again; their ids travel signed in the confirmation form, bound to
the author. Unconfirmed uploads become orphans and the media app removes them after a day."""

from __future__ import annotations

from collections.abc import Sequence

from django.core import signing

from schoolbrug.accounts.models import Account
from schoolbrug.consent.selectors import pupils_without_photo_consent
from schoolbrug.media.models import StoredFile
from schoolbrug.sis.models import Pupil

from .models import Space

SALT = "messaging.pending-uploads"


def children_to_warn_about(spaces: Sequence[Space]) -> list[Pupil]:
    return pupils_without_photo_consent([s.group_id for s in spaces if s.group_id is not None])


def sign_pending(account: Account, files: Sequence[StoredFile]) -> str:
    return signing.dumps({"a": account.pk, "f": [f.pk for f in files]}, salt=SALT)


def pending_files(account: Account, token: str) -> list[StoredFile] | None:
    """The author's own stored, unattached uploads named by `token`; None when it is not valid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=60 * 60 * 12)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != account.pk:
        return None
    ids = [i for i in data.get("f", []) if isinstance(i, int)]
    found = {f.pk: f for f in StoredFile.objects.filter(pk__in=ids, uploaded_by=account, attached_at__isnull=True)}
    if len(found) != len(ids):
        return None
    return [found[i] for i in ids]
