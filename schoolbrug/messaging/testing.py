"""Families in bulk for fan-out tests and the announcements benchmark."""

from __future__ import annotations

import datetime as dt

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Group, Guardian, Guardianship, Placement, Pupil
from schoolbrug.sis.testing import password_hash


def add_families(group: Group, count: int, prefix: str = "fam") -> list[Account]:
    """`count` enrolled pupils in `group`, each with one guardian whose account the app reaches.
    A handful of bulk inserts, so thousands take a moment."""
    school_id = group.school_id
    accounts = Account.objects.bulk_create(
        [
            Account(
                kind=Account.Kind.GUARDIAN,
                email=f"{prefix}{group.pk}-{n}@test.nl",
                username=Account.make_username(Account.Kind.GUARDIAN, f"{prefix}{group.pk}-{n}@test.nl"),
                first_name="Ouder",
                last_name=f"{prefix} {n}",
                password=password_hash(),
            )
            for n in range(count)
        ]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(school_id=school_id, first_name="Kind", last_name=f"{prefix} {n}", birth_date=dt.date(2018, 1, 1))
            for n in range(count)
        ]
    )
    Placement.objects.bulk_create([Placement(pupil=p, group=group, year_id=group.year_id) for p in pupils])
    guardians = Guardian.objects.bulk_create(
        [
            Guardian(school_id=school_id, account=a, first_name="Ouder", last_name=a.last_name, email=a.email)
            for a in accounts
        ]
    )
    Guardianship.objects.bulk_create(
        [Guardianship(guardian=g, pupil=p, relation="mother") for g, p in zip(guardians, pupils, strict=True)]
    )
    return accounts
