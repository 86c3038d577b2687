"""Personas for tests (ARCHITECTURE.md): a small school where every access rule has a face.

- tess: teacher of group 3, with group authorisation
- paula: guardian (mother) of sam in group 3; dirk: sam's father, divorced, own household
- otto: guardian of olivia in group 5
- gerda: sam's grandmother, without portal access right
- lars: guardian of lotte, who left the school
- pim: principal, sees all groups; ada: application administrator
- wim: administrator of another school
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.test import TestCase

from schoolbrug.accounts.models import Account

from .models import (
    Board,
    EmergencyContact,
    Group,
    GroupStaff,
    GroupYearLevel,
    Guardian,
    Guardianship,
    MedicalInfo,
    Placement,
    Pupil,
    School,
    SchoolYear,
    StaffMember,
)

PASSWORD = "Persona-wachtwoord-1"


@functools.cache
def password_hash() -> str:
    # Argon2 is slow by design; hashing once keeps hundreds of persona accounts cheap.
    return make_password(PASSWORD)


def _new_account(kind: str, email: str, first_name: str, last_name: str) -> Account:
    account = Account(kind=kind, email=email, first_name=first_name, last_name=last_name, password=password_hash())
    account.save()
    return account


@dataclass
class Persona:
    account: Account
    record: Any

    @property
    def user(self) -> Account:
        return self.account


def make_school(name: str, board: Board | None = None) -> tuple[School, SchoolYear, SchoolYear]:
    board = board or Board.objects.create(name=f"Bestuur {name}")
    school = School.objects.create(board=board, name=name, city="Deventer", postcode="7411 AB")
    previous = SchoolYear.objects.create(
        school=school, name="2025-2026", start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 7, 17)
    )
    current = SchoolYear.objects.create(
        school=school, name="2026-2027", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 7, 16), is_current=True
    )
    return school, previous, current


def make_group(school: School, year: SchoolYear, name: str, *levels: int) -> Group:
    group = Group.objects.create(school=school, year=year, name=name, classroom=f"Lokaal {name[-1]}")
    GroupYearLevel.objects.bulk_create(GroupYearLevel(group=group, level=level) for level in levels)
    return group


def make_pupil(school: School, first_name: str, last_name: str, *placements: Group, **fields: Any) -> Pupil:
    defaults: dict[str, Any] = {
        "birth_date": dt.date(2019, 5, 1),
        "street": "Brink",
        "house_number": "1",
        "postcode": "7411 BR",
        "city": "Deventer",
        "enrolled_on": dt.date(2023, 9, 1),
    }
    defaults.update(fields)
    pupil = Pupil.objects.create(school=school, first_name=first_name, last_name=last_name, **defaults)
    Placement.objects.bulk_create(Placement(pupil=pupil, group=g, year_id=g.year_id) for g in placements)
    return pupil


def make_guardian_account(school: School, email: str, first_name: str, last_name: str, **fields: Any) -> Persona:
    account = _new_account(Account.Kind.GUARDIAN, email, first_name, last_name)
    guardian = Guardian.objects.create(
        school=school, account=account, first_name=first_name, last_name=last_name, email=email, **fields
    )
    return Persona(account, guardian)


def make_staff_account(school: School, email: str, first_name: str, last_name: str, **fields: Any) -> Persona:
    account = _new_account(Account.Kind.STAFF, email, first_name, last_name)
    staff = StaffMember.objects.create(
        school=school, account=account, first_name=first_name, last_name=last_name, email=email, **fields
    )
    return Persona(account, staff)


def link(guardian: Guardian, pupil: Pupil, relation: str, **fields: Any) -> Guardianship:
    return Guardianship.objects.create(guardian=guardian, pupil=pupil, relation=relation, **fields)


class SchoolTestCase(TestCase):
    """Builds the persona school once per test class."""

    school: School
    previous_year: SchoolYear
    year: SchoolYear
    group3: Group
    group5: Group
    old_group2: Group
    tess: Persona
    pim: Persona
    ada: Persona
    paula: Persona
    dirk: Persona
    gerda: Persona
    otto: Persona
    lars: Persona
    wim: Persona
    sam: Pupil
    olivia: Pupil
    lotte: Pupil
    other_school: School
    other_year: SchoolYear
    other_group: Group
    other_pupil: Pupil

    @classmethod
    def setUpTestData(cls) -> None:
        build_personas(cls)


def build_personas(cls: Any) -> None:
    """Sets the persona school's objects as attributes of `cls` (a test class or a namespace)."""
    cls.school, cls.previous_year, cls.year = make_school("OBS Testschool")
    cls.group3 = make_group(cls.school, cls.year, "Groep 3", 3)
    cls.group5 = make_group(cls.school, cls.year, "Groep 5/6", 5, 6)
    cls.old_group2 = make_group(cls.school, cls.previous_year, "Groep 2", 2)

    cls.tess = make_staff_account(cls.school, "tess@test.nl", "Tess", "Leraar", position="teacher")
    GroupStaff.objects.create(group=cls.group3, staff_member=cls.tess.record)
    cls.pim = make_staff_account(
        cls.school, "pim@test.nl", "Pim", "Directeur", position="principal", group_authorisation=False
    )
    cls.ada = make_staff_account(
        cls.school, "ada@test.nl", "Ada", "Beheer", position="administration", is_application_admin=True
    )

    cls.sam = make_pupil(cls.school, "Sam", "Bakker", cls.old_group2, cls.group3, address_secret=True)
    cls.paula = make_guardian_account(
        cls.school, "paula@test.nl", "Paula", "Bakker", phone_mobile="06 11111111", street="Brink", city="Deventer"
    )
    cls.dirk = make_guardian_account(
        cls.school, "dirk@test.nl", "Dirk", "Bakker", phone_mobile="06 22222222", street="Singel", city="Zutphen"
    )
    link(cls.paula.record, cls.sam, "mother")
    link(cls.dirk.record, cls.sam, "father")
    cls.gerda = make_guardian_account(cls.school, "gerda@test.nl", "Gerda", "Oma")
    link(cls.gerda.record, cls.sam, "grandparent", portal_access=False, has_custody=False)
    EmergencyContact.objects.create(pupil=cls.sam, name="Buurvrouw Els", phone="0570 123456")
    MedicalInfo.objects.create(pupil=cls.sam, allergies="Pinda's")

    cls.olivia = make_pupil(cls.school, "Olivia", "Smit", cls.group5)
    cls.otto = make_guardian_account(cls.school, "otto@test.nl", "Otto", "Smit", phone_mobile="06 33333333")
    link(cls.otto.record, cls.olivia, "father")

    cls.lotte = make_pupil(
        cls.school, "Lotte", "Vos", cls.old_group2, status=Pupil.Status.LEFT, left_on=dt.date(2026, 7, 17)
    )
    cls.lars = make_guardian_account(cls.school, "lars@test.nl", "Lars", "Vos")
    link(cls.lars.record, cls.lotte, "father")

    cls.other_school, _, cls.other_year = make_school("CBS Elders")
    cls.other_group = make_group(cls.other_school, cls.other_year, "Groep 3", 3)
    cls.other_pupil = make_pupil(cls.other_school, "Bram", "Elders", cls.other_group)
    cls.wim = make_staff_account(
        cls.other_school, "wim@test.nl", "Wim", "Elders", is_application_admin=True, group_authorisation=False
    )
