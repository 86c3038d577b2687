"""Builds the demo data: the demo board with its two schools and, on request, benchmark schools.

Idempotent per school external key: a school that exists is left alone, so `manage.py demo` can
run on every start. That check is one query; Faker and the password hasher are only loaded when
something has to be built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Board, Pupil, School

from . import schools
from .planner import SchoolPlanner
from .spec import SchoolPlan
from .writer import write_plan

if TYPE_CHECKING:
    from faker import Faker

DEMO_PASSWORD = "Regenboog-demo-1"  # noqa: S105 - the documented password of the demo accounts
DEMO_EMAILS = {Account.Kind.STAFF: schools.STAFF_EMAILS, Account.Kind.GUARDIAN: schools.GUARDIAN_EMAILS}


@dataclass(frozen=True)
class SchoolSummary:
    key: str
    name: str
    groups: int
    enrolled: int
    pupils: int
    guardians: int
    rows: int


@dataclass
class DemoResult:
    built: list[SchoolSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)  # e-mail addresses of new demo accounts

    @property
    def changed(self) -> bool:
        return bool(self.built)

    @property
    def pupils(self) -> int:
        return sum(summary.pupils for summary in self.built)


def wanted_keys(*, demo: bool, extra_schools: int) -> list[str]:
    keys = list(schools.DEMO_SCHOOL_KEYS) if demo else []
    return keys + [f"bench-{index}" for index in range(1, extra_schools + 1)]


def build_demo(
    *,
    extra_schools: int = 0,
    pupils_per_school: int = 250,
    demo: bool = True,
) -> DemoResult:
    """Create whatever demo schools are missing; returns what was built and what was skipped."""
    if extra_schools < 0 or pupils_per_school < 1:
        raise ValueError("The number of schools cannot be negative and a school needs at least one pupil.")
    keys = wanted_keys(demo=demo, extra_schools=extra_schools)
    existing = set(School.objects.filter(external_key__in=keys).values_list("external_key", flat=True))
    result = DemoResult(skipped=[key for key in keys if key in existing])
    missing = [key for key in keys if key not in existing]
    if not missing:
        return result

    # Imported here: Faker takes a noticeable part of a second to load, wasted when all is loaded.
    from faker import Faker

    fake = Faker("nl_NL")
    # Hashing is deliberately slow (Argon2), so the demo password is hashed once per run and the
    # hash shared by every demo account.
    needs_accounts = any(key in schools.DEMO_SCHOOL_KEYS for key in missing)
    password_hash = make_password(DEMO_PASSWORD) if needs_accounts else ""
    with transaction.atomic():
        for key in missing:
            plan = _plan_school(key, fake, password_hash, pupils_per_school)
            rows = write_plan(plan)
            summary = _summarise(plan, rows)
            result.built.append(summary)
            result.accounts += [account.email for account in plan.accounts]
    return result


def _plan_school(key: str, fake: Faker, password_hash: str, pupils_per_school: int) -> SchoolPlan:
    if key not in schools.DEMO_SCHOOL_KEYS:
        board = _board(schools.BENCH_BOARD_KEY, schools.BENCH_BOARD)
        index = int(key.removeprefix("bench-"))
        return SchoolPlanner(schools.bench_spec(board, index, pupils_per_school), fake=fake).finish()
    board = _board(schools.BOARD_KEY, schools.BOARD)
    spec = schools.regenboog_spec(board) if key == schools.REGENBOOG_KEY else schools.wegwijzer_spec(board)
    # Accounts that outlived a deleted demo school are linked again as they are, not recreated.
    usernames = [Account.make_username(kind, email) for kind, emails in DEMO_EMAILS.items() for email in emails]
    existing = {account.username: account for account in Account.objects.filter(username__in=usernames)}
    planner = SchoolPlanner(spec, fake=fake, password_hash=password_hash, existing_accounts=existing)
    if key == schools.REGENBOOG_KEY:
        schools.add_regenboog_families(planner)
    return planner.finish()


def _board(key: str, fields: dict[str, str]) -> Board:
    board, _created = Board.objects.get_or_create(external_key=key, defaults=fields)
    return board


def _summarise(plan: SchoolPlan, rows: int) -> SchoolSummary:
    school = plan.schools[0]
    current_groups = [group for group in plan.groups if group.year.is_current]
    enrolled = sum(1 for pupil in plan.pupils if pupil.status == Pupil.Status.ENROLLED)
    return SchoolSummary(
        key=school.external_key,
        name=school.name,
        groups=len(current_groups),
        enrolled=enrolled,
        pupils=len(plan.pupils),
        guardians=len(plan.guardians),
        rows=rows,
    )
