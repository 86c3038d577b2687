"""Demo reach for the group invitation page (MSG-8) and the "reachable in app" filter (ACC-5).

Most guardians of the demo school's current groups get an activated account (it has been used:
a login), so the invitation page shows a realistic share, e.g. "17 of 24 families"; about one in five
stays without an account and about one in eleven guardianships lacks the app invitation flag
(shown unticked with the reason). Accounts made here have no usable password: only the named demo
accounts log in. Idempotent: guardians that already have an account are left alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from schoolbrug.accounts.models import Account

from ..models import Guardian, Guardianship, School


def load_demo_app_reach(school: School) -> int:
    """Returns how many accounts it made."""
    guardians = list(
        Guardian.objects.filter(
            school=school,
            account__isnull=True,
            guardianships__pupil__placements__year__is_current=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    # Chosen by id, not by position, so a second run picks nobody new (idempotent).
    chosen = [guardian for guardian in guardians if guardian.pk % 5 != 0]
    taken = set(
        Account.objects.filter(kind=Account.Kind.GUARDIAN, email__in=[g.email.lower() for g in chosen]).values_list(
            "email", flat=True
        )
    )
    chosen = [g for g in chosen if g.email.lower() not in taken]
    links = Guardianship.objects.filter(guardian__in=chosen).values_list("pk", flat=True)
    Guardianship.objects.filter(pk__in=[pk for pk in links if pk % 11 == 3]).update(app_invitation=False)
    used_at = timezone.now() - dt.timedelta(days=3)
    unusable = make_password(None)
    accounts = Account.objects.bulk_create(
        Account(
            kind=Account.Kind.GUARDIAN,
            email=g.email.lower(),
            username=Account.make_username(Account.Kind.GUARDIAN, g.email.lower()),
            first_name=g.first_name,
            last_name=g.last_name,
            password=unusable,
            last_login=used_at,
        )
        for g in chosen
    )
    for guardian, account in zip(chosen, accounts, strict=True):
        guardian.account = account
    Guardian.objects.bulk_update(chosen, ["account"], batch_size=500)
    return len(accounts)
