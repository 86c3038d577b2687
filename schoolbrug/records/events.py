"""What the pupil file tells the layers above it: an item guardians may now see.

Records does not know who may see what on the portal (that rule lives in `schoolbrug.portal`,
above records), so it announces the item with a signal, inside the transaction that writes it;
the portal's receiver decides which guardians are told and calls `notifications.notify`, whose
outbox rows then commit or roll back with the item (docs/decisions/0019).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.dispatch import Signal

from schoolbrug.sis.models import Pupil

# Sent with module ("absences", "plans", "notes", "reports": the portal module that shows the
# items), items (pairs of a pupil and his new item; one signal for a whole batch, so the receiver
# works in a fixed number of queries) and actor.
pupil_item_published = Signal()

# A year-plan activity published on the portal (it concerns a school or some of its groups, not
# one pupil): sent with activity, group_ids (empty: the whole school) and actor, after every save
# that leaves it published; the receiver's dedupe key keeps it to one notification per person.
activity_published = Signal()


def announce(*, module: str, items: Sequence[tuple[Pupil, models.Model]], actor: Any) -> None:
    if items:
        pupil_item_published.send(sender=type(items[0][1]), module=module, items=list(items), actor=actor)


def announce_activity(*, activity: models.Model, group_ids: Sequence[int], actor: Any) -> None:
    activity_published.send(sender=type(activity), activity=activity, group_ids=list(group_ids), actor=actor)
