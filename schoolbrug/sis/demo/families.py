"""Random families: guardians, their children at the school, emergency numbers and medical data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from schoolbrug.sis.models import Guardian, Guardianship, Pupil

from . import data
from .people import weighted

if TYPE_CHECKING:
    from .planner import SchoolPlanner

Relation = Guardianship.Relation

# How Dutch households are made up, roughly; the weights only need to give variety.
FAMILY_KINDS: tuple[tuple[str, int], ...] = (
    ("mother_father", 70),
    ("mother", 11),
    ("father", 3),
    ("separated", 5),
    ("mother_stepfather", 5),
    ("two_mothers", 3),
    ("two_fathers", 1),
    ("foster", 2),
)
FAMILY_SIZES: tuple[tuple[int, int], ...] = ((1, 45), (2, 38), (3, 14), (4, 3))

GuardianRole = tuple[Guardian, str, dict[str, Any]]


class FamilyMaker:
    def __init__(self, planner: SchoolPlanner) -> None:
        self.planner = planner
        self.people = planner.people

    def fill(self) -> None:
        """Make families until every cohort of the school has its pupils."""
        rng = self.planner.rng
        while open_cohorts := {c: n for c, n in self.planner.remaining.items() if n > 0}:
            size = weighted(rng, FAMILY_SIZES)
            cohorts: list[int] = []
            # Siblings are in different years; twins are rare enough to leave out.
            while open_cohorts and len(cohorts) < size:
                cohort = rng.choices(list(open_cohorts), weights=list(open_cohorts.values()))[0]
                cohorts.append(cohort)
                del open_cohorts[cohort]
            self.family(cohorts)

    def family(self, cohorts: Sequence[int]) -> list[Pupil]:
        planner, people = self.planner, self.people
        home = planner.new_address()
        kind = weighted(planner.rng, FAMILY_KINDS)
        surname = people.surname()
        roles = self._guardians(kind, home, surname)
        kids_surname = surname if kind != "foster" else people.surname()
        secret = people.chance(0.02)
        gp_name, gp_phone = people.pick(data.GP_PRACTICES), people.landline()
        roles[0][0].gp_name, roles[0][0].gp_phone = gp_name, gp_phone
        pupils = []
        for cohort in sorted(cohorts, reverse=True):
            remark = ""
            if secret:
                remark = data.CONFIDENTIAL_ADDRESS_REMARK
            elif planner.spec.rich and people.chance(0.08):
                remark = people.pick(data.PUPIL_REMARKS)
            pupil = planner.add_pupil(home, cohort=cohort, surname=kids_surname, address_secret=secret, remark=remark)
            for order, (guardian, relation, extra) in enumerate(roles, start=1):
                planner.link(pupil, guardian, relation, contact_order=order, **extra)
            pupils.append(pupil)
        if planner.spec.rich:
            self.emergency_contacts(pupils, surname)
            for pupil in pupils:
                if people.chance(0.15):
                    self.medical(pupil, gp_name, gp_phone)
        return pupils

    def _guardians(self, kind: str, home: dict[str, Any], surname: tuple[str, str]) -> list[GuardianRole]:
        planner, people = self.planner, self.people

        def own_name() -> tuple[str, str] | None:
            # Many married Dutch women keep their own name; the children take the father's.
            return surname if people.chance(0.4) else None

        if kind == "mother":
            return [(planner.add_guardian(home, sex="f", surname=surname), Relation.MOTHER, {})]
        if kind == "father":
            return [(planner.add_guardian(home, sex="m", surname=surname), Relation.FATHER, {})]
        if kind == "two_mothers":
            return [
                (planner.add_guardian(home, sex="f", surname=surname), Relation.MOTHER, {}),
                (planner.add_guardian(home, sex="f"), Relation.MOTHER, {}),
            ]
        if kind == "two_fathers":
            return [
                (planner.add_guardian(home, sex="m", surname=surname), Relation.FATHER, {}),
                (planner.add_guardian(home, sex="m"), Relation.FATHER, {}),
            ]
        if kind == "separated":
            away = planner.new_address()
            return [
                (planner.add_guardian(home, sex="f"), Relation.MOTHER, {}),
                (planner.add_guardian(away, sex="m", surname=surname), Relation.FATHER, {"lives_with_pupil": False}),
            ]
        if kind == "mother_stepfather":
            step = {
                "has_custody": False,
                "portal_access_reason": "Stiefouder zonder gezag; toegang op verzoek van de moeder.",
            }
            return [
                (planner.add_guardian(home, sex="f", surname=surname), Relation.MOTHER, {}),
                (planner.add_guardian(home, sex="m"), Relation.STEPPARENT, step),
            ]
        if kind == "foster":
            foster = {
                "has_custody": False,
                "portal_access_reason": "Pleegouders; het gezag ligt bij de gecertificeerde instelling.",
            }
            return [
                (planner.add_guardian(home, sex="f", surname=surname), Relation.FOSTER_PARENT, foster),
                (planner.add_guardian(home, sex="m", surname=surname), Relation.FOSTER_PARENT, foster),
            ]
        roles: list[GuardianRole] = [
            (planner.add_guardian(home, sex="f", surname=own_name()), Relation.MOTHER, {}),
            (planner.add_guardian(home, sex="m", surname=surname), Relation.FATHER, {}),
        ]
        if people.chance(0.3):
            roles.reverse()  # the father is the first contact in some families
        return roles

    def emergency_contacts(self, pupils: Sequence[Pupil], surname: tuple[str, str]) -> None:
        people = self.people
        if not people.chance(0.85):
            return
        contacts = []
        for title, relation in people.rng.sample(data.EMERGENCY_RELATIONS, people.rng.randint(1, 2)):
            if title in ("Oma", "Opa", "Tante", "Oom"):
                family_name = surname if people.chance(0.5) else people.surname()
                name = f"{title} {' '.join(part for part in family_name if part)}"
            else:
                name = f"{title} {people.first_name('m' if title == 'Buurman' else 'f')}"
            contacts.append((name, relation, people.mobile(), people.pick(data.EMERGENCY_REMARKS)))
        # Siblings share the same emergency numbers, as they would on the enrolment forms.
        for pupil in pupils:
            for name, relation, phone, remark in contacts:
                self.planner.add_emergency_contact(pupil, name, relation, phone, remark=remark)

    def medical(self, pupil: Pupil, gp_name: str, gp_phone: str) -> None:
        people = self.people
        fields = {"allergies": "", "medicines": "", "limitations": "", "other": ""}
        options = {
            "allergies": data.ALLERGIES,
            "medicines": data.MEDICINES,
            "limitations": data.LIMITATIONS,
            "other": data.OTHER_MEDICAL,
        }
        for key in people.rng.sample(list(options), people.rng.randint(1, 2)):
            fields[key] = people.pick(options[key])
        self.planner.add_medical(pupil, gp_name=gp_name, gp_phone=gp_phone, **fields)
