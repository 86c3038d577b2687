"""The demo schools: OBS De Regenboog with its showcase families, CBS De Wegwijzer, and the
benchmark schools of `demo --schools N`."""

from __future__ import annotations

import datetime as dt
import random

from schoolbrug.sis.models import Board, Guardianship, Pupil

from . import data
from .people import bench_streets
from .planner import SchoolPlanner
from .spec import NOT_YET, GroupSpec, SchoolSpec, StaffSeed

Relation = Guardianship.Relation

BOARD_KEY = "demo-bestuur"
BOARD = {"name": "Stichting Openbaar en Christelijk Onderwijs Deventer", "website": "https://www.socd.demo"}
REGENBOOG_KEY = "demo-regenboog"
WEGWIJZER_KEY = "demo-wegwijzer"
DEMO_SCHOOL_KEYS = (REGENBOOG_KEY, WEGWIJZER_KEY)

BENCH_BOARD_KEY = "bench"
BENCH_BOARD = {"name": "Stichting Benchmark Primair Onderwijs", "website": "https://www.benchmark.demo"}

# Demo accounts, all with the same password; see builder.DEMO_PASSWORD.
ADMIN_EMAIL = "beheer@regenboog.demo"
PRINCIPAL_EMAIL = "directeur@regenboog.demo"
TEACHER_EMAIL = "leerkracht@regenboog.demo"
PARENT_EMAIL = "ouder@regenboog.demo"
PARENT_A_EMAIL = "ouder.a@regenboog.demo"
PARENT_B_EMAIL = "ouder.b@regenboog.demo"
WEGWIJZER_ADMIN_EMAIL = "beheer@wegwijzer.demo"
STAFF_EMAILS = (ADMIN_EMAIL, PRINCIPAL_EMAIL, TEACHER_EMAIL, WEGWIJZER_ADMIN_EMAIL)
GUARDIAN_EMAILS = (PARENT_EMAIL, PARENT_A_EMAIL, PARENT_B_EMAIL)

TEACHER_GROUP = "Groep 4"  # leerkracht@ teaches the younger child of ouder@

REGENBOOG_LAYOUT = (
    GroupSpec("Groep 1/2a", (1, 2), "Lokaal 1"),
    GroupSpec("Groep 1/2b", (1, 2), "Dependance De Boog, lokaal 1"),
    GroupSpec("Groep 3", (3,), "Lokaal 2"),
    GroupSpec("Groep 4", (4,), "Lokaal 3"),
    GroupSpec("Groep 5", (5,), "Lokaal 4"),
    GroupSpec("Groep 5/6", (5, 6), "Dependance De Boog, lokaal 2"),
    GroupSpec("Groep 6", (6,), "Lokaal 5"),
    GroupSpec("Groep 7", (7,), "Lokaal 6"),
    GroupSpec("Groep 8", (8,), "Lokaal 7"),
)
# 199 enrolled pupils, two who start during the year and last year's group 8.
REGENBOOG_COHORTS = {NOT_YET: 2, 1: 22, 2: 24, 3: 26, 4: 25, 5: 27, 6: 26, 7: 25, 8: 24, 9: 23}

WEGWIJZER_LAYOUT = (
    GroupSpec("Groep 1/2", (1, 2), "Kleuterlokaal"),
    GroupSpec("Groep 3/4/5", (3, 4, 5), "Lokaal 1"),
    GroupSpec("Groep 6/7/8", (6, 7, 8), "Lokaal 2"),
)
WEGWIJZER_COHORTS = {1: 5, 2: 5, 3: 5, 4: 4, 5: 5, 6: 5, 7: 5, 8: 5, 9: 4}


def regenboog_spec(board: Board) -> SchoolSpec:
    return SchoolSpec(
        key=REGENBOOG_KEY,
        name="OBS De Regenboog",
        board=board,
        seed=REGENBOOG_KEY,
        city="Deventer",
        streets=data.DEVENTER_STREETS,
        area_code="0570",
        email_domain="regenboog.demo",
        layout=REGENBOOG_LAYOUT,
        cohorts=REGENBOOG_COHORTS,
        address={"street": "Amstellaan", "house_number": "2", "postcode": "7417 EA"},
        school_fields={
            "brin": "12RG",
            "phone": "0570 612345",
            "email": "info@regenboog.demo",
            "website": "https://www.regenboog.demo",
        },
        branches=(
            {
                "name": "Dependance De Boog",
                "street": "Vechtstraat",
                "house_number": "31",
                "postcode": "7417 BK",
                "city": "Deventer",
                "phone": "0570 612346",
            },
        ),
        staff=(
            StaffSeed(
                "administration",
                "Petra",
                "Smit",
                "f",
                account_email=ADMIN_EMAIL,
                application_admin=True,
                communication_admin=True,
            ),
            StaffSeed("principal", "Anouk", "Jansen", "f", account_email=PRINCIPAL_EMAIL),
            StaffSeed("teacher", "Femke", "de Boer", "f", group_name=TEACHER_GROUP, account_email=TEACHER_EMAIL),
            StaffSeed("coordinator"),
            StaffSeed("support"),
        ),
        duo_groups=("Groep 1/2b", "Groep 3"),
    )


def add_regenboog_families(planner: SchoolPlanner) -> None:
    """The families the demo accounts belong to, and the cases every screen should show."""
    people = planner.people

    # ouder@: two children in different groups, the younger one taught by leerkracht@, and a
    # grandmother who picks them up but has no right to the portal.
    home = planner.new_address()
    mother = planner.add_guardian(
        home,
        sex="f",
        first_name="Sanne",
        surname=("de", "Vries"),
        account_email=PARENT_EMAIL,
        education_level="higher",
        birth_country="Nederland",
    )
    father = planner.add_guardian(home, sex="m", first_name="Martijn", surname=("", "Hoekstra"))
    grandmother = planner.add_guardian(
        planner.new_address(),
        sex="f",
        first_name="Ria",
        surname=("de", "Vries"),
        email="",
        phone_work="",
    )
    lieke = planner.add_pupil(
        home, cohort=4, surname=("", "Hoekstra"), sex="f", first_name="Lieke", group_name=TEACHER_GROUP
    )
    bram = planner.add_pupil(
        home,
        cohort=7,
        surname=("", "Hoekstra"),
        sex="m",
        first_name="Bram",
        group_name="Groep 7",
        remark="Doet mee aan de plusklas op donderdag.",
    )
    for child in (lieke, bram):
        planner.link(child, mother, Relation.MOTHER, contact_order=1)
        planner.link(child, father, Relation.FATHER, contact_order=2)
        planner.link(
            child,
            grandmother,
            Relation.GRANDPARENT,
            contact_order=3,
            has_custody=False,
            portal_access=False,
            portal_access_reason="Grootmoeder zonder gezag; haalt op woensdag op.",
            portal_access_changed_on=dt.date(2025, 9, 1),
            app_invitation=False,
            lives_with_pupil=False,
        )
        planner.add_emergency_contact(child, "Oma Ria de Vries", "grootmoeder", grandmother.phone_mobile)
    planner.add_medical(
        lieke, allergies="Pinda's (EpiPen in de klas)", gp_name="Huisartsenpraktijk De Worp", gp_phone="0570 614422"
    )

    # ouder.a@ and ouder.b@: divorced parents who share the care, each in their own home.
    mothers_home, fathers_home = planner.new_address(), planner.new_address()
    parent_b = planner.add_guardian(
        mothers_home, sex="f", first_name="Ilse", surname=("", "Mulder"), account_email=PARENT_B_EMAIL
    )
    parent_a = planner.add_guardian(
        fathers_home, sex="m", first_name="Thomas", surname=("van den", "Berg"), account_email=PARENT_A_EMAIL
    )
    remark = "Co-ouderschap: de kinderen wonen om de week bij vader en moeder. Beide ouders krijgen alle informatie."
    for cohort, name, sex in ((5, "Noor", "f"), (2, "Daan", "m")):
        child = planner.add_pupil(
            mothers_home, cohort=cohort, surname=("van den", "Berg"), sex=sex, first_name=name, remark=remark
        )
        planner.link(child, parent_b, Relation.MOTHER, contact_order=1)
        planner.link(child, parent_a, Relation.FATHER, contact_order=2)
        planner.add_emergency_contact(child, "Ilse Mulder", "moeder", parent_b.phone_mobile)
        planner.add_emergency_contact(child, "Thomas van den Berg", "vader", parent_a.phone_mobile)

    # A pupil who moved away during last year: a career without a current placement.
    home = planner.new_address()
    surname = people.surname()
    parent = planner.add_guardian(home, sex="f", surname=surname)
    moved = planner.add_pupil(
        home,
        cohort=6,
        surname=surname,
        sex="f",
        status=Pupil.Status.LEFT,
        birth_date=dt.date(2016, 11, 3),
        enrolled_on=dt.date(2020, 11, 3),
        left_on=dt.date(2026, 4, 24),
        remark="Verhuisd naar Zwolle; het onderwijskundig rapport is verstuurd naar de nieuwe school.",
    )
    planner.link(moved, parent, Relation.MOTHER)


def wegwijzer_spec(board: Board) -> SchoolSpec:
    return SchoolSpec(
        key=WEGWIJZER_KEY,
        name="CBS De Wegwijzer",
        board=board,
        seed=WEGWIJZER_KEY,
        city="Deventer",
        streets=data.DEVENTER_STREETS,
        area_code="0570",
        email_domain="wegwijzer.demo",
        layout=WEGWIJZER_LAYOUT,
        cohorts=WEGWIJZER_COHORTS,
        address={"street": "Schalkhaarderweg", "house_number": "58", "postcode": "7433 AK"},
        school_fields={
            "brin": "13WW",
            "phone": "0570 623456",
            "email": "info@wegwijzer.demo",
            "website": "https://www.wegwijzer.demo",
        },
        staff=(
            StaffSeed(
                "administration",
                "Jeroen",
                "Bosman",
                "m",
                account_email=WEGWIJZER_ADMIN_EMAIL,
                application_admin=True,
                communication_admin=True,
            ),
            StaffSeed("principal"),
        ),
    )


def bench_layout(cohorts: dict[int, int], target: int = 28) -> tuple[GroupSpec, ...]:
    """Groups of about `target` pupils; small year levels share a mixed group, as in real schools."""
    layout: list[GroupSpec] = []

    def add(levels: tuple[int, ...], count: int) -> None:
        label = "/".join(str(level) for level in levels)
        parts = max(1, round(count / target))
        for index in range(parts):
            suffix = "abcdefghij"[index] if parts > 1 else ""
            layout.append(GroupSpec(f"Groep {label}{suffix}", levels, f"Lokaal {len(layout) + 1}"))

    add((1, 2), cohorts.get(1, 0) + cohorts.get(2, 0))
    level = 3
    while level <= 8:
        count, following = cohorts.get(level, 0), cohorts.get(level + 1, 0)
        if level < 8 and count < target * 0.6 and count + following <= target * 1.3:
            add((level, level + 1), count + following)
            level += 2
        else:
            add((level,), count)
            level += 1
    return tuple(layout)


def bench_spec(board: Board, index: int, pupils: int) -> SchoolSpec:
    key = f"bench-{index}"
    town, area_code, low, high = data.BENCH_TOWNS[(index - 1) % len(data.BENCH_TOWNS)]
    # Spread the pupils over the eight year levels; any remainder goes to the youngest.
    cohorts = {level: pupils // 8 + (1 if level <= pupils % 8 else 0) for level in range(1, 9)}
    streets = bench_streets(random.Random(key), low, high)
    street, pc4 = streets[0]
    domain = f"{key}.demo"
    return SchoolSpec(
        key=key,
        name=f"Benchmarkschool {index}",
        board=board,
        seed=key,
        city=town,
        streets=streets,
        area_code=area_code,
        email_domain=domain,
        layout=bench_layout(cohorts),
        cohorts=cohorts,
        address={"street": street, "house_number": "1", "postcode": f"{pc4} AB"},
        school_fields={"email": f"info@{domain}", "website": f"https://www.{domain}"},
        staff=(StaffSeed("principal"), StaffSeed("administration", application_admin=True)),
    )
