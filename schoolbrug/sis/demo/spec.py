"""The shape of a demo school: its years, groups, cohorts and staff, and the plan of its rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import (
    Board,
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
    TimetableEntry,
)

# The demo is pinned to these years (the issue asks for 2026-2027 as the current year), so the
# pupils' ages and careers stay the same whatever day the demo is loaded.
CURRENT_YEAR = ("2026-2027", dt.date(2026, 9, 1), dt.date(2027, 7, 16))
PREVIOUS_YEAR = ("2025-2026", dt.date(2025, 9, 1), dt.date(2026, 7, 17))

# Cohort = the year level a child has (or would have) this year: 0 starts during the year
# ("not yet"), 9 finished group 8 last summer.
NOT_YET, GRADUATED = 0, 9


@dataclass(frozen=True)
class GroupSpec:
    name: str
    levels: tuple[int, ...]
    classroom: str = ""


@dataclass(frozen=True)
class StaffSeed:
    """A staff member the school needs; blank names are generated."""

    position: str  # a StaffMember.Position value
    first_name: str = ""
    last_name: str = ""  # with its prefix: "de Boer"
    sex: str = ""
    group_name: str = ""  # for a teacher: the group he teaches in both years
    account_email: str = ""
    application_admin: bool = False
    communication_admin: bool = False


@dataclass
class SchoolSpec:
    key: str
    name: str
    board: Board
    seed: str
    city: str
    streets: Sequence[tuple[str, int]]
    area_code: str
    email_domain: str
    layout: tuple[GroupSpec, ...]
    cohorts: dict[int, int]  # cohort -> number of pupils, see NOT_YET and GRADUATED
    address: dict[str, str] = field(default_factory=dict)  # street, house_number, postcode
    school_fields: dict[str, str] = field(default_factory=dict)  # phone, email, website, brin
    branches: tuple[dict[str, str], ...] = ()
    staff: tuple[StaffSeed, ...] = ()
    duo_groups: tuple[str, ...] = ()
    rich: bool = True  # emergency numbers, medical data and remarks


@dataclass
class SchoolPlan:
    """Unsaved rows in the order they have to be inserted."""

    accounts: list[Account] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    years: list[SchoolYear] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    year_levels: list[GroupYearLevel] = field(default_factory=list)
    timetable: list[TimetableEntry] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    group_staff: list[GroupStaff] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)
    guardianships: list[Guardianship] = field(default_factory=list)
    emergency_contacts: list[EmergencyContact] = field(default_factory=list)
    medical: list[MedicalInfo] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
