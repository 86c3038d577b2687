"""A few notifications for the demo accounts, so the bell and its list show something."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.models import Account

from .models import Notification, NotificationKind
from .planning import Event
from .services import notify


def load_demo_notifications(accounts: Iterable[Account]) -> None:
    people = list(accounts)
    notify(
        people,
        Event(
            kind=NotificationKind.ANNOUNCEMENT,
            title="School vandaag om 12:00 uit",
            text="Vanwege een storing in de verwarming gaan alle groepen vandaag om 12:00 naar huis.",
            urgent=True,
            dedupe_key="demo:urgent",
        ),
    )
    notify(
        people,
        Event(
            kind=NotificationKind.AGENDA,
            title="Ouderavond op donderdag",
            text="De ouderavond begint om 19:30 in de aula.",
            link=reverse("home"),
            dedupe_key="demo:agenda",
        ),
    )
    # One already read, so the list shows both states.
    Notification.objects.filter(recipient__in=people, dedupe_key="demo:agenda").update(read_at=timezone.now())
