"""The sync engine as the pages use it: read the files, plan, apply (see the package docstring).

One place that names the engine's entry points, so the pages and their worker task ask it the
same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from .dataset import Dataset, Issue


def _engine() -> Any:
    return importlib.import_module("schoolbrug.sis.sync")


def read_files(files: Sequence[tuple[str, bytes]]) -> Dataset:
    dataset: Dataset = _engine().read_files(files)
    return dataset


def sync_plan(*, school: Any, dataset: Dataset) -> Any:
    return _engine().sync_plan(school=school, dataset=dataset)


def sync_apply(*, actor: Any, school: Any, dataset: Dataset) -> Any:
    return _engine().sync_apply(actor=actor, school=school, dataset=dataset)


def plan_issues(plan: Any) -> list[Issue]:
    """Problems the plan found against the records (another school's BRIN, an old school year)."""
    return list(getattr(plan, "issues", None) or [])

