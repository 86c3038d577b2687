"""Saves a SchoolPlan: one bulk INSERT per table, parents before children."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

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
    TimetableEntry,
)

from .spec import SchoolPlan

# Keeps each statement well below PostgreSQL's 65,535 parameters; SQLite's own (lower) limit
# is applied by Django on top of this.
BATCH_SIZE = 1000


def write_plan(plan: SchoolPlan) -> int:
    """Insert every row of the plan; returns the number of rows."""
    tables: Sequence[tuple[type[models.Model], Sequence[Any]]] = (
        (Account, plan.accounts),
        (School, plan.schools),
        (Branch, plan.branches),
        (SchoolYear, plan.years),
        (Group, plan.groups),
        (GroupYearLevel, plan.year_levels),
        (TimetableEntry, plan.timetable),
        (StaffMember, plan.staff),
        (GroupStaff, plan.group_staff),
        (Guardian, plan.guardians),
        (Pupil, plan.pupils),
        (Guardianship, plan.guardianships),
        (EmergencyContact, plan.emergency_contacts),
        (MedicalInfo, plan.medical),
        (Placement, plan.placements),
    )
    rows = 0
    for model, objects in tables:
        if objects:
            model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
            rows += len(objects)
    return rows
