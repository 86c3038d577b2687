"""Plans one school as unsaved model instances; writer.py saves them with bulk_create.

Nothing here touches the database, so a school of any size costs one INSERT per table. Related
rows refer to their parents as instances; Django copies the primary key over when the child is
bulk-created after its parent (bulk_create sets primary keys on SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import (
    Branch,
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

from . import data
from .families import FamilyMaker
from .people import AddressMaker, PeopleMaker, split_last_name
from .spec import CURRENT_YEAR, GRADUATED, NOT_YET, PREVIOUS_YEAR, SchoolPlan, SchoolSpec, StaffSeed
from .timetable import timetable_for

if TYPE_CHECKING:
    from faker import Faker


@dataclass
class Kid:
    pupil: Pupil
    cohort: int
    group_name: str = ""  # pins the current placement


class SchoolPlanner:
    def __init__(
        self,
        spec: SchoolSpec,
        *,
        fake: Faker,
        password_hash: str = "",
        existing_accounts: dict[str, Account] | None = None,
    ) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        fake.seed_instance(spec.seed)
        self.people = PeopleMaker(fake, self.rng, area_code=spec.area_code, email_domain="ouders.example")
        self.addresses = AddressMaker(self.rng, spec.city, spec.streets)
        self.password_hash = password_hash
        self.existing_accounts = existing_accounts or {}
        self.plan = SchoolPlan()
        self.kids: list[Kid] = []
        self.remaining = dict(spec.cohorts)
        self._numbers: dict[str, int] = defaultdict(int)
        self._contacts: dict[int, int] = defaultdict(int)  # id(pupil) -> emergency numbers so far
        self._make_school()
        self.families = FamilyMaker(self)

    # -- school, years and groups -------------------------------------------------------------

    def _make_school(self) -> None:
        spec = self.spec
        self.school = School(
            board=spec.board,
            external_key=spec.key,
            name=spec.name,
            city=spec.city,
            **spec.address,
            **spec.school_fields,
        )
        self.plan.schools.append(self.school)
        self.plan.branches += [Branch(school=self.school, **branch) for branch in spec.branches]
        self.years: dict[str, SchoolYear] = {}
        self.groups: dict[str, dict[str, Group]] = {}
        for (name, start, end), current in ((PREVIOUS_YEAR, False), (CURRENT_YEAR, True)):
            year = SchoolYear(school=self.school, name=name, start_date=start, end_date=end, is_current=current)
            self.plan.years.append(year)
            self.years[name] = year
            self.groups[name] = {}
            for group_spec in spec.layout:
                group = Group(school=self.school, year=year, name=group_spec.name, classroom=group_spec.classroom)
                self.plan.groups.append(group)
                self.groups[name][group_spec.name] = group
                self.plan.year_levels += [GroupYearLevel(group=group, level=level) for level in group_spec.levels]
                self.plan.timetable += timetable_for(group, group_spec.levels, self.rng)

    def next_key(self, letter: str) -> str:
        # Numbers like an SIS would give them, so the records can later be matched on import.
        self._numbers[letter] += 1
        return f"{letter}{self._numbers[letter]:05d}"

    # -- accounts -------------------------------------------------------------------------------

    def account(self, kind: str, email: str, first_name: str, last_name: str) -> Account:
        username = Account.make_username(kind, email)
        if username in self.existing_accounts:
            return self.existing_accounts[username]
        account = Account(
            kind=kind,
            email=email.lower(),
            username=username,
            first_name=first_name,
            last_name=last_name,
            password=self.password_hash,
        )
        self.plan.accounts.append(account)
        self.existing_accounts[username] = account
        return account

    # -- families -------------------------------------------------------------------------------

    def new_address(self) -> dict[str, Any]:
        return self.addresses.make()

    def add_guardian(
        self,
        address: dict[str, Any],
        *,
        sex: str,
        surname: tuple[str, str] | None = None,
        first_name: str = "",
        account_email: str = "",
        **fields: Any,
    ) -> Guardian:
        people = self.people
        first_name = first_name or people.first_name(sex)
        prefix, last_name = surname or people.surname()
        if account_email:
            people.reserve_email(account_email)
            fields.setdefault("email", account_email)
            last_full = f"{prefix} {last_name}".strip()
            fields["account"] = self.account(Account.Kind.GUARDIAN, account_email, first_name, last_full)
        elif "email" not in fields and people.chance(0.95):
            fields["email"] = people.email(first_name, prefix, last_name)
        defaults: dict[str, Any] = {
            "initials": people.initials(first_name),
            "phone_mobile": people.mobile(),
            "phone_home": people.landline() if people.chance(0.5) else "",
            "phone_work": people.work_phone() if people.chance(0.25) else "",
            "birth_country": people.birth_country(),
            "education_level": people.education_level(),
        }
        if defaults["birth_country"] not in ("Nederland", "België", "Suriname") and people.chance(0.3):
            defaults["language"] = "en"  # the portal speaks English to some newcomers
        guardian = Guardian(
            school=self.school,
            external_key=self.next_key("V"),
            first_name=first_name,
            prefix=prefix,
            last_name=last_name,
            sex=sex,
            **address,
            **{**defaults, **fields},
        )
        self.plan.guardians.append(guardian)
        return guardian

    def add_pupil(
        self,
        address: dict[str, Any],
        *,
        cohort: int,
        surname: tuple[str, str],
        sex: str = "",
        first_name: str = "",
        group_name: str = "",
        **fields: Any,
    ) -> Pupil:
        people = self.people
        sex = sex or people.pick(("f", "m"))
        called_name = ""
        if not first_name:
            formal = [(formal, called) for s, formal, called in data.CALLED_NAMES if s == sex]
            if people.chance(0.05):
                first_name, called_name = people.pick(formal)
            else:
                first_name = people.first_name(sex)
        birth_date = fields.pop("birth_date", None) or self.birth_date(cohort)
        status = fields.pop("status", None) or self.default_status(cohort)
        enrolled_on = fields.pop("enrolled_on", None) or self.enrolment_date(cohort, birth_date)
        if cohort == GRADUATED:
            fields.setdefault("left_on", PREVIOUS_YEAR[2])
            fields.setdefault("remark", "Uitgestroomd naar het voortgezet onderwijs.")
        pupil = Pupil(
            school=self.school,
            external_key=self.next_key("L"),
            first_name=first_name,
            called_name=called_name,
            prefix=surname[0],
            last_name=surname[1],
            sex=sex,
            birth_date=birth_date,
            status=status,
            enrolled_on=enrolled_on,
            **address,
            **fields,
        )
        if status == self.default_status(cohort) and self.remaining.get(cohort, 0) > 0:
            self.remaining[cohort] -= 1
        self.plan.pupils.append(pupil)
        self.kids.append(Kid(pupil, cohort, group_name))
        return pupil

    def link(self, pupil: Pupil, guardian: Guardian, relation: str, **fields: Any) -> Guardianship:
        guardianship = Guardianship(pupil=pupil, guardian=guardian, relation=relation, **fields)
        self.plan.guardianships.append(guardianship)
        return guardianship

    def add_emergency_contact(self, pupil: Pupil, name: str, relation: str, phone: str, **fields: Any) -> None:
        self._contacts[id(pupil)] += 1
        position = self._contacts[id(pupil)]
        self.plan.emergency_contacts.append(
            EmergencyContact(pupil=pupil, name=name, relation=relation, phone=phone, position=position, **fields)
        )

    def add_medical(self, pupil: Pupil, **fields: Any) -> None:
        self.plan.medical.append(MedicalInfo(pupil=pupil, **fields))

    # -- dates ----------------------------------------------------------------------------------

    @staticmethod
    def default_status(cohort: int) -> str:
        if cohort == NOT_YET:
            return Pupil.Status.NOT_YET
        return Pupil.Status.LEFT if cohort == GRADUATED else Pupil.Status.ENROLLED

    def birth_date(self, cohort: int) -> dt.date:
        # Dutch children start school at four: group 1 is four on 1 September, group 8 is eleven.
        start = CURRENT_YEAR[1]
        earliest = start.replace(year=start.year - cohort - 4)
        spread = (30, 240) if cohort == NOT_YET else (1, 365)
        return earliest + dt.timedelta(days=self.rng.randint(*spread))

    def enrolment_date(self, cohort: int, birth_date: dt.date) -> dt.date:
        fourth = fourth_birthday(birth_date)
        if 2 <= cohort <= 8 and self.people.chance(0.06):
            # A pupil who came from another school; some moved in over the summer.
            latest = CURRENT_YEAR[1] - dt.timedelta(days=1)
            earliest = max(fourth, latest - dt.timedelta(days=3 * 365))
            return earliest + dt.timedelta(days=self.rng.randint(0, max(0, (latest - earliest).days)))
        if PREVIOUS_YEAR[2] < fourth < CURRENT_YEAR[1]:
            return CURRENT_YEAR[1]  # turned four in the summer holiday
        return fourth

    # -- finishing ------------------------------------------------------------------------------

    def finish(self) -> SchoolPlan:
        self.families.fill()
        self._place()
        self._staff()
        return self.plan

    def _place(self) -> None:
        current, previous = self.years[CURRENT_YEAR[0]], self.years[PREVIOUS_YEAR[0]]
        filled: dict[int, int] = defaultdict(int)  # id(group) -> pupils placed

        def choose(year: SchoolYear, level: int, pinned: str = "") -> Group:
            groups = self.groups[year.name]
            candidates = [groups[s.name] for s in self.spec.layout if level in s.levels]
            if pinned:
                group = groups[pinned]
                if group not in candidates:
                    raise ValueError(f"{pinned} has no year level {level}")
                return group
            return min(candidates, key=lambda group: filled[id(group)])

        levels = {group_spec.name: group_spec.levels for group_spec in self.spec.layout}
        # Pinned pupils first, then by year level so mixed groups fill evenly.
        for kid in sorted(self.kids, key=lambda kid: (not kid.group_name, kid.cohort)):
            pupil, cohort, stays_in = kid.pupil, kid.cohort, ""
            if pupil.status == Pupil.Status.ENROLLED and 1 <= cohort <= 8:
                group = choose(current, cohort, kid.group_name)
                filled[id(group)] += 1
                self.plan.placements.append(Placement(pupil=pupil, group=group, year=current))
                stays_in = group.name
            was_at_school = pupil.enrolled_on is not None and pupil.enrolled_on <= previous.end_date
            left_before = pupil.left_on is not None and pupil.left_on < previous.start_date
            if cohort != NOT_YET and was_at_school and not left_before:
                previous_level = min(max(cohort - 1, 1), 8)
                # Kindergarten and mixed groups keep their pupils for a second year, as schools do.
                if previous_level not in levels.get(stays_in, ()):
                    stays_in = ""
                group = choose(previous, previous_level, stays_in)
                filled[id(group)] += 1
                self.plan.placements.append(Placement(pupil=pupil, group=group, year=previous))

    def _staff(self) -> None:
        spec, people = self.spec, self.people
        seeds = list(spec.staff)
        taught = {seed.group_name for seed in seeds if seed.group_name}
        seeds += [StaffSeed("teacher", group_name=g.name) for g in spec.layout if g.name not in taught]
        seeds += [StaffSeed("teacher", group_name=name) for name in spec.duo_groups]
        current = self.groups[CURRENT_YEAR[0]]
        for seed in seeds:
            sex = seed.sex or people.pick(("f", "f", "f", "m"))  # primary teaching is mostly women
            first_name = seed.first_name or people.first_name(sex)
            prefix, last_name = split_last_name(seed.last_name) if seed.last_name else people.surname()
            email = seed.account_email or people.email(first_name, prefix, last_name, spec.email_domain)
            account = None
            if seed.account_email and self.password_hash:
                last_full = f"{prefix} {last_name}".strip()
                account = self.account(Account.Kind.STAFF, seed.account_email, first_name, last_full)
            sees_all = seed.position in ("principal", "administration", "coordinator")
            member = StaffMember(
                school=self.school,
                external_key=self.next_key("M"),
                account=account,
                first_name=first_name,
                prefix=prefix,
                last_name=last_name,
                position=seed.position,
                function_title=data.STAFF_FUNCTION_TITLES.get(seed.position, ""),
                email=email,
                phone=people.mobile() if people.chance(0.3) else "",
                is_application_admin=seed.application_admin,
                is_communication_admin=seed.communication_admin,
                group_authorisation=not sees_all,
            )
            self.plan.staff.append(member)
            if seed.group_name:
                for groups in self.groups.values():
                    self.plan.group_staff.append(GroupStaff(group=groups[seed.group_name], staff_member=member))
            elif seed.position in ("principal", "support"):
                # The principal follows every group; support staff the kindergarten groups.
                followed = [current[s.name] for s in spec.layout if seed.position == "principal" or min(s.levels) <= 2]
                self.plan.group_staff += [
                    GroupStaff(group=group, staff_member=member, is_teacher=False) for group in followed
                ]


def fourth_birthday(birth_date: dt.date) -> dt.date:
    try:
        return birth_date.replace(year=birth_date.year + 4)
    except ValueError:  # born on 29 February
        return birth_date.replace(year=birth_date.year + 4, day=28)
