"""The sync engine as the pages use it: read the files, plan, apply (see `service`).

One place that names the engine's entry points, so the pages and their worker task ask it the
same way. The pages sync the administrator's own school: never `create_school`.
"""

from __future__ import annotations

from collections.abc import Sequence

from schoolbrug.accounts.models import Account

from ..models import School
from .dataset import Dataset, Issue
from .service import SyncPlan
from .service import read_files as _read_files
from .service import sync_apply as _sync_apply
from .service import sync_plan as _sync_plan


def read_files(files: Sequence[tuple[str, bytes]]) -> Dataset:
    return _read_files(files)


def sync_plan(*, school: School, dataset: Dataset) -> SyncPlan:
    return _sync_plan(school=school, dataset=dataset)


def sync_apply(*, actor: Account, school: School, dataset: Dataset) -> SyncPlan:
    return _sync_apply(actor=actor, school=school, dataset=dataset)


def plan_issues(plan: SyncPlan) -> list[Issue]:
    """Every problem: the readers' (the plan carries them) and those found against the records
    (another school's BRIN, a school year that is not the current or next one)."""
    return list(plan.issues)
