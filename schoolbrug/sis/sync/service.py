"""Sync a school's records with its administration's export (SIS-9): read, preview, apply.

    dataset = read_files([("EDEX.XML", xml_bytes), ("verzorgers.csv", csv_bytes)])
    plan = sync_plan(school=school, dataset=dataset)          # the preview; writes nothing
    plan = sync_apply(actor=account, school=school, dataset=dataset)   # all or nothing

Semantics (docs/sis-sync.md, decision record 0016):
- Records are matched on the file's keys (kept as external keys), then on the ECK iD, then, for
  records Schoolbrug made itself (no key yet), on name and birth date (pupils), e-mail (guardians,
  staff) or name (groups); a match gets the file's key.
- A value the file does not carry (an empty cell, a missing column, remarks, medical data, photos,
  portal flags left empty) is never overwritten. A value the file carries wins, also over an edit
  made in Schoolbrug since the last sync; the plan marks such records `edited_by_hand`.
- A kind the file lists (EDEXML: pupils, groups, staff; the guardian CSV: guardians) is complete:
  a pupil missing from it is marked left (never deleted), a staff member missing from it is no
  longer employed, a guardian missing from it loses the links to the school's pupils, a group
  missing from it is removed only when nothing refers to it any more.
- Applying runs in one transaction with bulk writes (the number of queries does not grow with the
  number of rows, except for batches of 500); an unchanged file writes nothing to the records.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts import audit
from schoolbrug.accounts.models import Account
from schoolbrug.core.numbers import shown

from ..models import (
    Board,
    Branch,
    Group,
    GroupStaff,
    GroupYearLevel,
    Guardian,
    Guardianship,
    Placement,
    Pupil,
    School,
    SchoolYear,
    StaffMember,
)
from ..signals import groups_created
from .dataset import GUARDIAN_PERSONAL_FIELDS, Dataset, GuardianData, Issue, PupilData, Source
from .edexml import looks_like_edexml, read_edexml
from .guardians_csv import looks_like_guardian_csv, read_guardians_csv
from .oneroster import ONEROSTER_FILES, read_oneroster

# Limits for uploads and the command line. A real EDEXML export of a large school is ~2 MB; a
# guardian CSV well under 1 MB. Zip members are counted and read with a cap, so a zip bomb stops
# at the limit instead of filling the memory.
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 40
MAX_ZIP_RATIO = 200  # uncompressed / compressed; CSV compresses ~10x, a bomb ~1000x
KEY_LENGTH = 100  # ExternalKeyMixin.external_key
BATCH = 500
KINDS = ("pupils", "guardians", "groups", "staff")


# ---------------------------------------------------------------------------------------------
# Reading files


def read_files(files: Sequence[tuple[str, bytes]]) -> Dataset:
    """Detects each file's format and reads all of them into one `Dataset`. A zip is opened (with
    limits); its members are read as if uploaded one by one. Never raises on bad input."""
    dataset = Dataset()
    flat: list[tuple[str, bytes]] = []
    total = 0
    for raw_name, content in files:
        name = PurePosixPath(raw_name.replace("\\", "/")).name or raw_name
        if len(content) > MAX_FILE_BYTES:
            dataset.issues.append(Issue(Source(name), _too_big(len(content))))
            continue
        if content[:4] == b"PK\x03\x04":
            members = _unzip(name, content, dataset, budget=MAX_TOTAL_BYTES - total)
            total += sum(len(c) for _n, c in members)
            flat.extend(members)
        else:
            total += len(content)
            flat.append((name, content))
        if total > MAX_TOTAL_BYTES:
            dataset.issues.append(Issue(Source(name), _too_big(total)))
            return dataset

    oneroster: list[tuple[str, bytes]] = []
    for name, content in flat:
        if name.lower() in ONEROSTER_FILES:
            oneroster.append((name, content))
        elif looks_like_edexml(content):
            dataset = dataset.merge(read_edexml(name, content))
        elif looks_like_guardian_csv(_head_text(content)):
            dataset = dataset.merge(read_guardians_csv(name, content))
        else:
            dataset.issues.append(
                Issue(
                    Source(name, line=1),
                    _(
                        "This file is not an EDEXML file, a guardian CSV with the columns pupil_key and "
                        "guardian_key, or a OneRoster CSV file."
                    ),
                )
            )
    if oneroster:
        dataset = dataset.merge(read_oneroster(oneroster))
    return dataset


def _too_big(size: int) -> str:
    return _("The upload is too large (%(size)s MB; at most %(limit)s MB per file, %(total)s MB together).") % {
        "size": shown(round(size / 1024 / 1024, 1)),
        "limit": MAX_FILE_BYTES // 1024 // 1024,
        "total": MAX_TOTAL_BYTES // 1024 // 1024,
    }


def _head_text(content: bytes) -> str:
    return content[:4096].decode("utf-8-sig", errors="replace")


def _unzip(name: str, content: bytes, dataset: Dataset, *, budget: int) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        dataset.issues.append(Issue(Source(name), _("This zip file is damaged and cannot be opened.")))
        return []
    infos = [i for i in infos if not PurePosixPath(i.filename).name.startswith((".", "__MACOSX"))]
    infos = [i for i in infos if "__MACOSX" not in i.filename]
    if len(infos) > MAX_ZIP_MEMBERS:
        dataset.issues.append(
            Issue(
                Source(name),
                _("The zip file holds %(count)s files; at most %(limit)s are read.")
                % {"count": len(infos), "limit": MAX_ZIP_MEMBERS},
            )
        )
        return []
    declared = sum(i.file_size for i in infos)
    limit = min(budget, MAX_TOTAL_BYTES)
    if declared > limit or declared > MAX_ZIP_RATIO * max(len(content), 1):
        dataset.issues.append(Issue(Source(name), _("The zip file unpacks to too much data; nothing was read.")))
        return []
    members: list[tuple[str, bytes]] = []
    used = 0
    for info in infos:
        # The declared sizes may lie: read with a cap and stop at the limit.
        try:
            with archive.open(info) as stream:
                data = stream.read(min(MAX_FILE_BYTES, limit - used) + 1)
        # zipfile's own errors: a damaged member, an encrypted one (RuntimeError) or a compression
        # method it does not support (NotImplementedError).
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            dataset.issues.append(
                Issue(Source(f"{name}/{info.filename}"), _("This file in the zip cannot be unpacked."))
            )
            return []
        used += len(data)
        if len(data) > MAX_FILE_BYTES or used > limit:
            dataset.issues.append(Issue(Source(name), _("The zip file unpacks to too much data; nothing was read.")))
            return []
        members.append((PurePosixPath(info.filename).name, data))
    return members


# ---------------------------------------------------------------------------------------------
# The plan

_BRANCH_CODE = re.compile(r"[0-9]{2}")  # School.branch_code's validator


def _school_number(brin: str, branch_code: str) -> str:
    """BRIN and branch code as DUO writes the school number: "12AB00", or "12AB" without a code."""
    return f"{brin.upper()}{branch_code}"


def _other_school(brin: str, branch_code: str, school: School) -> bool:
    # The branch codes count only when both the file and the school have one.
    if brin.upper() != school.brin.upper():
        return True
    return bool(branch_code and school.branch_code and branch_code != school.branch_code)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str  # translated name of the field
    before: str
    after: str
    # The value was changed in Schoolbrug after the last sync (`before` is that edit).
    edited_by_hand: bool = False


@dataclass
class RecordChange:
    key: str  # the file's key (or, for a record that left, the stored one)
    label: str  # the name shown in the preview
    changes: list[FieldChange] = field(default_factory=list)
    # A field edited in Schoolbrug since the last sync follows the file because the file changed it.
    edited_by_hand: bool = False
    source: Source | None = None
    # Fields edited in Schoolbrug since the last sync that keep their edit: the file still says
    # what it said then (`before` is the edit, `after` the file's value, not applied).
    kept: list[FieldChange] = field(default_factory=list)


@dataclass
class KindPlan:
    added: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    left: list[RecordChange] = field(default_factory=list)
    unchanged: list[RecordChange] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int, int]:
        return len(self.added), len(self.changed), len(self.left), len(self.unchanged)


@dataclass
class SyncPlan:
    school: School | None
    school_year: str
    create_school: bool = False
    pupils: KindPlan = field(default_factory=KindPlan)
    guardians: KindPlan = field(default_factory=KindPlan)
    groups: KindPlan = field(default_factory=KindPlan)
    staff: KindPlan = field(default_factory=KindPlan)
    # Branches are shown in the preview but are not part of the fixed summary line; `left` stays
    # empty: a branch missing from the file is kept.
    branches: KindPlan = field(default_factory=KindPlan)
    # The school's branch code (EDEXML dependancecode) to store on a school that has none yet.
    branch_code: str = ""
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    _ops: _Operations | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.issues

    def kinds(self) -> list[tuple[str, KindPlan]]:
        return [(kind, getattr(self, kind)) for kind in KINDS]

    @property
    def has_changes(self) -> bool:
        # Also a record whose only change is the file's values kept in `sis_values` is written.
        pending = self._ops is not None and self._ops.pending()
        return (
            self.create_school
            or bool(self.branch_code)
            or pending
            or any(k.added or k.changed or k.left for _n, k in self.kinds())
        )

    @property
    def edited_by_hand(self) -> list[RecordChange]:
        return [r for _n, k in self.kinds() for r in k.changed if r.edited_by_hand]

    @property
    def kept_edits(self) -> list[RecordChange]:
        return [r for _n, k in self.kinds() for r in (*k.changed, *k.unchanged) if r.kept]

    def summary(self) -> str:
        """`pupils +A ~C -L =U; guardians +A ~C -L =U; groups +A ~C -L =U; staff +A ~C -L =U`: the
        fixed shape the command prints last, for cron and monitoring."""
        parts = []
        for kind, plan in self.kinds():
            added, changed, left, unchanged = plan.counts()
            parts.append(f"{kind} +{added} ~{changed} -{left} ={unchanged}")
        return "; ".join(parts)


@dataclass
class _Operations:
    """What applying the plan writes, computed together with the plan."""

    school_year: SchoolYear | None = None
    new_year: SchoolYear | None = None
    new_branches: list[Branch] = field(default_factory=list)
    branch_updates: list[Branch] = field(default_factory=list)
    new_groups: list[Group] = field(default_factory=list)
    group_updates: list[Group] = field(default_factory=list)
    group_update_fields: set[str] = field(default_factory=set)
    group_levels: dict[str, tuple[int, ...]] = field(default_factory=dict)  # file key → levels to store
    groups_removed: list[int] = field(default_factory=list)
    new_pupils: list[Pupil] = field(default_factory=list)
    pupil_updates: list[Pupil] = field(default_factory=list)
    pupil_update_fields: set[str] = field(default_factory=set)
    placements: dict[str, str] = field(default_factory=dict)  # pupil key → group key, to create or move
    new_staff: list[StaffMember] = field(default_factory=list)
    staff_updates: list[StaffMember] = field(default_factory=list)
    staff_update_fields: set[str] = field(default_factory=set)
    staff_links_add: list[tuple[str, str]] = field(default_factory=list)  # (staff key, group key)
    staff_links_remove: list[int] = field(default_factory=list)
    new_guardians: list[Guardian] = field(default_factory=list)
    guardian_updates: list[Guardian] = field(default_factory=list)
    guardian_update_fields: set[str] = field(default_factory=set)
    links_add: list[tuple[str, str, GuardianData]] = field(default_factory=list)  # guardian key, pupil key
    link_updates: list[Guardianship] = field(default_factory=list)
    link_update_fields: set[str] = field(default_factory=set)
    links_remove: list[int] = field(default_factory=list)

    def pending(self) -> bool:
        return self.new_year is not None or any(
            value for value in vars(self).values() if isinstance(value, list | dict)
        )


_UNSEEN = object()


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _snapshot(wanted: dict[str, Any]) -> dict[str, Any]:
    """The values a sync took from the file, kept on the record (`sis_values`)."""
    return {name: _as_json(value) for name, value in wanted.items() if value is not None and value != ""}


@dataclass
class _Diff:
    changes: list[FieldChange] = field(default_factory=list)
    kept: list[FieldChange] = field(default_factory=list)  # edits made in Schoolbrug, kept
    dirty: bool = False  # the record must be written (a change, or only its sis_values)


def _any_hand(changes: list[FieldChange]) -> bool:
    return any(change.edited_by_hand for change in changes)


def _year_name(start: int) -> str:
    return f"{start}-{start + 1}"


def _school_year_now(school: School | None) -> str:
    today = timezone.localdate()
    return _year_name(today.year if today.month >= 8 else today.year - 1)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _group_key(year: str, key: str) -> str:
    # Group keys are stored with their school year: an administration may reuse a group's key in
    # the next year, and last year's group must keep its own pupils (external keys are unique per
    # school).
    return f"{year}/{key}"


class _Planner:
    def __init__(self, *, school: School | None, dataset: Dataset, create_school: bool, lock: bool) -> None:
        self.dataset = dataset
        self.school = school
        self.create_school = create_school
        self.lock = lock
        self.today = timezone.localdate()
        self.plan = SyncPlan(school=school, school_year="", create_school=False)
        self.plan.issues.extend(dataset.issues)
        self.plan.notes.extend(dataset.notes)
        self.ops = _Operations()
        self.plan._ops = self.ops
        self.group_by_key: dict[str, Group] = {}
        self.missing_groups: list[Group] = []
        self.pupil_by_key: dict[str, Pupil | None] = {}
        self.moved_pupils: list[int] = []
        self.staff_by_key: dict[str, StaffMember] = {}
        self.guardian_by_key: dict[str, Guardian] = {}
        self.for_next_year = False

    @property
    def group_field(self) -> str:
        # The placement is per school year; so is the group the file gave (current and next year
        # can both be synchronised).
        return f"group {self.plan.school_year}"

    # -- entry ---------------------------------------------------------------------------------

    def run(self) -> SyncPlan:
        self._school_and_year()
        self._check_dataset()
        if self.plan.issues:
            return self.plan
        self._load()
        self._plan_branches()
        self._plan_groups()
        self._plan_pupils()
        self._plan_staff()
        self._plan_guardians()
        return self.plan

    def issue(self, source: Source | None, message: str) -> None:
        self.plan.issues.append(Issue(source or Source(""), message))

    # -- school and year -----------------------------------------------------------------------

    def _school_and_year(self) -> None:
        data = self.dataset.school
        if self.school is None:
            if data is None or not data.brin:
                self.issue(None, _("The files name no school (BRIN); choose the school to synchronise."))
                return
            # A BRIN with several branches (dependances) has one school per branch code; a school
            # without a branch code matches any branch of its BRIN.
            candidates = list(School.objects.filter(brin__iexact=data.brin).order_by("pk"))
            found = next((s for s in candidates if data.branch_code and s.branch_code == data.branch_code), None)
            if found is None:
                found = next((s for s in candidates if not (data.branch_code and s.branch_code)), None)
            if found is not None:
                self.school = self.plan.school = found
            elif self.create_school:
                self.plan.create_school = True
            else:
                self.issue(
                    data.source,
                    _(
                        "No school with BRIN %(brin)s exists in Schoolbrug; create it first or allow creating it "
                        "(--create-school)."
                    )
                    % {"brin": _school_number(data.brin, data.branch_code)},
                )
                return
        elif (
            data is not None
            and data.brin
            and self.school.brin
            and _other_school(data.brin, data.branch_code, self.school)
        ):
            self.issue(
                data.source,
                _("This file belongs to the school with BRIN %(file)s, not to %(school)s (BRIN %(ours)s).")
                % {
                    "file": _school_number(data.brin, data.branch_code),
                    "school": self.school.name,
                    "ours": _school_number(self.school.brin, self.school.branch_code),
                },
            )
            return
        if data is not None and _BRANCH_CODE.fullmatch(data.branch_code):
            if self.school is None:
                self.plan.branch_code = data.branch_code
            elif not self.school.branch_code:
                self.plan.branch_code = data.branch_code
                self.plan.notes.append(
                    _("The school's branch code %(code)s will be stored from the file.") % {"code": data.branch_code}
                )

        current = None
        if self.school is not None:
            current = SchoolYear.objects.filter(school=self.school, is_current=True).first()
        current_name = current.name if current is not None else _school_year_now(self.school)
        start = int(current_name[:4]) if current_name[:4].isdigit() else self.today.year
        allowed = (current_name, _year_name(start + 1))
        wanted = data.school_year if data is not None and data.school_year else current_name
        self.plan.school_year = wanted
        if wanted not in allowed:
            self.issue(
                data.source if data else None,
                _(
                    "The file is for school year %(year)s; only the current school year (%(current)s) or the next "
                    "one (%(next)s) can be synchronised."
                )
                % {"year": wanted, "current": allowed[0], "next": allowed[1]},
            )
            return
        existing = None
        if self.school is not None:
            existing = SchoolYear.objects.filter(school=self.school, name=wanted).first()
        if existing is None and (self.dataset.lists("groups") or self.dataset.lists("pupils")):
            first = int(wanted[:4])
            self.ops.new_year = SchoolYear(
                name=wanted,
                start_date=dt.date(first, 8, 1),
                end_date=dt.date(first + 1, 7, 31),
                is_current=current is None and wanted == current_name,
            )
            self.plan.notes.append(_("The school year %(year)s will be created.") % {"year": wanted})
        self.ops.school_year = existing
        # An export for next year lists next year's pupils and staff: who is missing from it is
        # still at school this year (group 8), so nobody is marked left by it.
        self.for_next_year = wanted != current_name
        if self.for_next_year:
            self.plan.notes.append(
                _(
                    "This export is for next school year (%(year)s): pupils and staff missing from it are "
                    "not marked left."
                )
                % {"year": wanted}
            )

    # -- checks on the files themselves --------------------------------------------------------

    def _check_dataset(self) -> None:
        ds = self.dataset
        for kind, records in (
            ("branches", ds.branches),
            ("groups", ds.groups),
            ("pupils", ds.pupils),
            ("staff", ds.staff),
            ("guardians", ds.guardians),
        ):
            seen: dict[str, Any] = {}
            record: Any
            for record in records:
                if not record.key:
                    self.issue(record.source, _("A record without a key cannot be synchronised."))
                elif len(record.key) > KEY_LENGTH:
                    self.issue(
                        record.source,
                        _("The key %(key)s is longer than %(limit)s characters.")
                        % {"key": record.key[:20] + "…", "limit": KEY_LENGTH},
                    )
                elif record.key in seen:
                    earlier = seen[record.key]
                    if kind == "pupils" and earlier.group_key != record.group_key:
                        self.issue(
                            record.source,
                            _("Pupil %(key)s is in two groups: %(first)s (%(where)s) and %(second)s.")
                            % {
                                "key": record.key,
                                "first": earlier.group_key,
                                "where": earlier.source,
                                "second": record.group_key,
                            },
                        )
                    else:
                        self.issue(
                            record.source,
                            _("The key %(key)s appears twice (also at %(where)s).")
                            % {"key": record.key, "where": earlier.source},
                        )
                else:
                    seen[record.key] = record
        group_keys = {g.key for g in ds.groups}
        names = Counter(g.name.casefold() for g in ds.groups)
        for group in ds.groups:
            if not group.name:
                self.issue(group.source, _("Group %(key)s has no name.") % {"key": group.key})
            elif names[group.name.casefold()] > 1:
                self.issue(group.source, _("Two groups are called %(name)s.") % {"name": group.name})
        for pupil in ds.pupils:
            if pupil.group_key and pupil.group_key not in group_keys:
                self.issue(
                    pupil.source,
                    _("Pupil %(key)s is placed in group %(group)s, which is not in the file.")
                    % {"key": pupil.key, "group": pupil.group_key},
                )
            if pupil.left_on and pupil.enrolled_on and pupil.left_on < pupil.enrolled_on:
                self.issue(pupil.source, _("Pupil %(key)s leaves before enrolling.") % {"key": pupil.key})
        for member in ds.staff:
            for key in member.group_keys:
                if key not in group_keys:
                    self.issue(
                        member.source,
                        _("Staff member %(key)s is linked to group %(group)s, which is not in the file.")
                        % {"key": member.key, "group": key},
                    )

    # -- loading the school's records (a fixed number of queries) -------------------------------

    def _load(self) -> None:
        school, year = self.school, self.ops.school_year
        self.groups: list[Group] = []
        self.pupils: list[Pupil] = []
        self.staff: list[StaffMember] = []
        self.guardians: list[Guardian] = []
        self.placements: dict[int, Placement] = {}
        self.group_staff: list[GroupStaff] = []
        self.guardianships: list[Guardianship] = []
        self.branches: list[Branch] = []
        if school is None:
            return
        if self.dataset.branches:
            self.branches = list(Branch.objects.filter(school=school))
        if year is not None:
            self.groups = list(Group.objects.filter(year=year).prefetch_related("year_levels"))
            self.placements = {p.pupil_id: p for p in Placement.objects.filter(year=year)}
            self.group_staff = list(GroupStaff.objects.filter(group__year=year))
        self.pupils = list(Pupil.objects.filter(school=school))
        self.staff = list(StaffMember.objects.filter(school=school))
        if self.dataset.lists("guardians"):
            self.guardians = list(Guardian.objects.filter(school=school))
            self.guardianships = list(Guardianship.objects.filter(pupil__school=school))

    # -- branches ------------------------------------------------------------------------------

    def _plan_branches(self) -> None:
        """Creates the file's branches and renames changed ones; a branch the file does not list
        stays (it may carry an address and telephone number entered in Schoolbrug)."""
        by_key = {b.external_key: b for b in self.branches if b.external_key}
        # A branch entered in Schoolbrug (no key yet) is matched on its name and gets the key.
        by_name = {b.name.casefold(): b for b in self.branches if not b.external_key}
        kind = self.plan.branches
        for data in self.dataset.branches:
            if not data.name:
                self.issue(data.source, _("Branch %(key)s has no name.") % {"key": data.key})
                continue
            branch = by_key.get(data.key) or by_name.pop(data.name.casefold(), None)
            if branch is None:
                self.ops.new_branches.append(Branch(school=self.school, external_key=data.key, name=data.name))
                kind.added.append(RecordChange(data.key, data.name, source=data.source))
                continue
            changes = []
            if branch.name != data.name:
                changes.append(FieldChange("name", _label(Branch, "name"), branch.name, data.name))
            if changes or branch.external_key != data.key:
                branch.name, branch.external_key = data.name, data.key
                self.ops.branch_updates.append(branch)
            record = RecordChange(data.key, data.name, changes, source=data.source)
            (kind.changed if changes else kind.unchanged).append(record)

    def _compare(self, record: Any, wanted: dict[str, Any], update_fields: set[str]) -> _Diff:
        """Puts the file's values on `record` and returns what changed.

        `None` and "" in `wanted` mean "the file does not say" and keep the stored value. The
        record's `sis_values` hold what the last sync took from the file: a field edited in
        Schoolbrug since then keeps its edit while the file still says the same as last time, and
        follows the file (marked `edited_by_hand`) once the file changes it."""
        snapshot: dict[str, Any] = dict(record.sis_values or {})
        diff = _Diff()
        for name, value in wanted.items():
            if value is None or value == "":
                continue
            before = getattr(record, name)
            synced = snapshot.get(name, _UNSEEN)
            edited = synced is not _UNSEEN and _as_json(before) != synced
            if edited and synced == _as_json(value):
                diff.kept.append(FieldChange(name, _label(type(record), name), _show(before), _show(value), True))
                continue
            if before != value:
                diff.changes.append(FieldChange(name, _label(type(record), name), _show(before), _show(value), edited))
                setattr(record, name, value)
                update_fields.add(name)
            snapshot[name] = _as_json(value)
        if snapshot != (record.sis_values or {}):
            record.sis_values = snapshot
            update_fields.add("sis_values")
            diff.dirty = True
        diff.dirty = diff.dirty or bool(diff.changes)
        return diff

    # -- groups --------------------------------------------------------------------------------

    def _plan_groups(self) -> None:
        if not self.dataset.lists("groups"):
            return
        year = self.plan.school_year
        by_key = {g.external_key: g for g in self.groups if g.external_key}
        by_name = {g.name.casefold(): g for g in self.groups if not g.external_key}
        matched: set[int] = set()
        kind = self.plan.groups
        for data in self.dataset.groups:
            stored_key = _group_key(year, data.key)
            group = by_key.get(stored_key) or by_name.get(data.name.casefold())
            levels = tuple(sorted({lvl for lvl in data.year_levels if 1 <= lvl <= 8}))
            if group is None:
                group = Group(
                    external_key=stored_key,
                    name=data.name,
                    sis_values=_snapshot({"external_key": stored_key, "name": data.name}),
                )
                self.ops.new_groups.append(group)
                self.ops.group_levels[data.key] = levels
                kind.added.append(RecordChange(data.key, data.name, source=data.source))
            else:
                matched.add(group.pk)
                diff = self._compare(
                    group, {"external_key": stored_key, "name": data.name}, self.ops.group_update_fields
                )
                changes = diff.changes
                stored_levels = tuple(level.level for level in group.year_levels.all())
                if levels and levels != stored_levels:
                    changes.append(
                        FieldChange(
                            "year_levels",
                            _("year levels"),
                            "/".join(map(str, stored_levels)),
                            "/".join(map(str, levels)),
                        )
                    )
                    self.ops.group_levels[data.key] = levels
                if diff.dirty:
                    self.ops.group_updates.append(group)
                record = RecordChange(data.key, data.name, changes, _any_hand(changes), data.source, diff.kept)
                (kind.changed if changes else kind.unchanged).append(record)
            self.group_by_key[data.key] = group
        self.missing_groups = [g for g in self.groups if g.external_key and g.pk not in matched]

    def _remove_missing_groups(self) -> None:
        # After pupils are planned: a missing group that still holds placements (pupils who left
        # keep their school career) or a timetable stays.
        if not self.dataset.lists("groups"):
            return
        moved = set(self.moved_pupils)
        held = {p.group_id for pid, p in self.placements.items() if pid not in moved}
        missing = [g for g in self.missing_groups if g.pk not in held]
        timetabled = (
            set(
                Group.objects.filter(pk__in=[g.pk for g in missing], timetable__isnull=False).values_list(
                    "pk", flat=True
                )
            )
            if missing
            else set()
        )
        for group in self.missing_groups:
            if group.pk in held or group.pk in timetabled:
                self.plan.notes.append(
                    _(
                        "Group %(name)s is not in the file but is kept: pupils' school careers or its timetable "
                        "refer to it."
                    )
                    % {"name": group.name}
                )
                continue
            self.ops.groups_removed.append(group.pk)
            self.plan.groups.left.append(RecordChange(group.external_key.split("/", 1)[-1], group.name))

    # -- pupils --------------------------------------------------------------------------------

    def _plan_pupils(self) -> None:
        self.pupil_by_key = {p.external_key: p for p in self.pupils if p.external_key}
        if not self.dataset.lists("pupils"):
            self._remove_missing_groups()
            return
        by_eck = {p.eck_id: p for p in self.pupils if p.eck_id}
        by_name: dict[tuple[str, str, dt.date | None], Pupil] = {
            (p.first_name.casefold(), p.last_name.casefold(), p.birth_date): p
            for p in self.pupils
            if not p.external_key
        }
        group_names = {g.pk: g.name for g in self.groups}
        matched: set[int] = set()
        kind = self.plan.pupils
        for data in self.dataset.pupils:
            pupil = self.pupil_by_key.get(data.key) or (by_eck.get(data.eck_id) if data.eck_id else None)
            if pupil is None:
                pupil = by_name.get((data.first_name.casefold(), data.last_name.casefold(), data.birth_date))
            has_left = data.left_on is not None and data.left_on <= self.today
            wanted: dict[str, Any] = {
                "external_key": data.key,
                "first_name": data.first_name,
                "prefix": data.prefix,
                "last_name": data.last_name,
                "called_name": data.called_name,
                "birth_date": data.birth_date,
                "sex": data.sex.lower() if data.sex.lower() in ("m", "f", "x") else "",
                "eck_id": data.eck_id,
                "enrolled_on": data.enrolled_on,
                "left_on": data.left_on,
                "status": self._status(data, has_left),
            }
            label = " ".join(p for p in (data.called_name or data.first_name, data.prefix, data.last_name) if p)
            if pupil is None:
                problems = []
                if not data.last_name:
                    problems.append(_("a last name"))
                if data.birth_date is None:
                    problems.append(_("a birth date"))
                if problems:
                    self.issue(
                        data.source,
                        _("New pupil %(key)s cannot be added without %(missing)s.")
                        % {"key": data.key, "missing": _(" and ").join(problems)},
                    )
                    continue
                pupil = Pupil(school=self.school, **{k: v for k, v in wanted.items() if v not in (None, "")})
                pupil.sis_values = _snapshot(wanted)
                if data.group_key:
                    pupil.sis_values[self.group_field] = data.group_key
                if not pupil.sex:
                    pupil.sex = Pupil.Sex.OTHER
                self.ops.new_pupils.append(pupil)
                self.pupil_by_key[data.key] = pupil
                if data.group_key:
                    self.ops.placements[data.key] = data.group_key
                kind.added.append(RecordChange(data.key, label, source=data.source))
                continue
            matched.add(pupil.pk)
            changes = []
            dirty = False
            if pupil.status == Pupil.Status.LEFT and not has_left and pupil.left_on is not None and not data.left_on:
                # Back in the export: the earlier date of leaving no longer holds.
                changes.append(FieldChange("left_on", _label(Pupil, "left_on"), _show(pupil.left_on), ""))
                pupil.left_on = None
                self.ops.pupil_update_fields.add("left_on")
            diff = self._compare(pupil, wanted, self.ops.pupil_update_fields)
            changes += diff.changes
            self.pupil_by_key[data.key] = pupil
            placement = self.placements.get(pupil.pk)
            if data.group_key:
                target = self.group_by_key[data.group_key]
                file_group = data.group_key
                synced_group = pupil.sis_values.get(self.group_field)
                if placement is None or placement.group_id != target.pk or target.pk is None:
                    before = group_names.get(placement.group_id, "") if placement else ""
                    moved_by_hand = placement is not None and synced_group is not None
                    if moved_by_hand and synced_group == file_group:
                        # Placed in another group in Schoolbrug; the file still says what it said.
                        diff.kept.append(FieldChange("group", _("group"), before, target.name, True))
                    else:
                        changes.append(FieldChange("group", _("group"), before, target.name, moved_by_hand))
                        self.ops.placements[data.key] = data.group_key
                        if placement is not None:
                            self.moved_pupils.append(pupil.pk)
                if synced_group != file_group:
                    pupil.sis_values = {**pupil.sis_values, self.group_field: file_group}
                    self.ops.pupil_update_fields.add("sis_values")
                    dirty = True
            if diff.dirty or dirty or any(c.field == "left_on" for c in changes):
                self.ops.pupil_updates.append(pupil)
            record = RecordChange(data.key, label, changes, _any_hand(changes), data.source, diff.kept)
            (kind.changed if changes else kind.unchanged).append(record)
        if self.dataset.full and not self.for_next_year:
            for pupil in self.pupils:
                if pupil.pk in matched or pupil.status == Pupil.Status.LEFT:
                    continue
                change = FieldChange(
                    "status", _label(Pupil, "status"), str(pupil.get_status_display()), str(Pupil.Status.LEFT.label)
                )
                pupil.status = Pupil.Status.LEFT
                left_on = self.today
                if pupil.enrolled_on and pupil.enrolled_on > left_on:
                    left_on = pupil.enrolled_on
                pupil.left_on = pupil.left_on or left_on
                # The sync made this change: a later export that lists the pupil again brings him back.
                pupil.sis_values = {**pupil.sis_values, "status": pupil.status, "left_on": _as_json(pupil.left_on)}
                self.ops.pupil_updates.append(pupil)
                self.ops.pupil_update_fields.update({"status", "left_on", "sis_values"})
                kind.left.append(RecordChange(pupil.external_key, pupil.display_name, [change]))
        self._remove_missing_groups()

    def _status(self, data: PupilData, has_left: bool) -> str:
        if has_left:
            return Pupil.Status.LEFT
        if data.enrolled_on and data.enrolled_on > self.today:
            return Pupil.Status.NOT_YET
        return Pupil.Status.ENROLLED

    # -- staff ---------------------------------------------------------------------------------

    def _plan_staff(self) -> None:
        if not self.dataset.lists("staff"):
            return
        by_key = {s.external_key: s for s in self.staff if s.external_key}
        by_eck = {s.eck_id: s for s in self.staff if s.eck_id}
        by_email = {s.email.casefold(): s for s in self.staff if s.email and not s.external_key}
        links: dict[int, dict[int, GroupStaff]] = defaultdict(dict)
        for link in self.group_staff:
            links[link.staff_member_id][link.group_id] = link
        group_names = {g.pk: g.name for g in self.groups}
        matched: set[int] = set()
        kind = self.plan.staff
        for data in self.dataset.staff:
            member = by_key.get(data.key) or (by_eck.get(data.eck_id) if data.eck_id else None)
            if member is None and data.email:
                member = by_email.get(data.email.casefold())
            label = " ".join(p for p in (data.first_name, data.prefix, data.last_name) if p)
            wanted = {
                "external_key": data.key,
                "first_name": data.first_name,
                "prefix": data.prefix,
                "last_name": data.last_name,
                "email": data.email.lower(),
                "eck_id": data.eck_id,
                "is_active": True,
            }
            wanted_groups = [self.group_by_key[k] for k in data.group_keys]
            if member is None:
                member = StaffMember(school=self.school, **{k: v for k, v in wanted.items() if v not in (None, "")})
                member.sis_values = _snapshot(wanted)
                self.ops.new_staff.append(member)
                self.staff_by_key[data.key] = member
                self.ops.staff_links_add.extend((data.key, key) for key in data.group_keys)
                kind.added.append(RecordChange(data.key, label, source=data.source))
                continue
            matched.add(member.pk)
            self.staff_by_key[data.key] = member
            diff = self._compare(member, wanted, self.ops.staff_update_fields)
            changes = diff.changes
            if diff.dirty:
                self.ops.staff_updates.append(member)
            current = links.get(member.pk, {})
            wanted_pks = {g.pk for g in wanted_groups if g.pk is not None}
            new_keys = [k for k in data.group_keys if self.group_by_key[k].pk not in current]
            removed = [link for gid, link in current.items() if gid not in wanted_pks]
            if new_keys or removed:
                before = sorted(group_names.get(gid, "") for gid in current)
                after = sorted(self.group_by_key[k].name for k in data.group_keys)
                changes.append(FieldChange("groups", _("groups"), ", ".join(before), ", ".join(after)))
                self.ops.staff_links_add.extend((data.key, k) for k in new_keys)
                self.ops.staff_links_remove.extend(link.pk for link in removed)
            record = RecordChange(data.key, label, changes, _any_hand(changes), data.source, diff.kept)
            (kind.changed if changes else kind.unchanged).append(record)
        if self.dataset.full and not self.for_next_year:
            for member in self.staff:
                # Only staff that came from an earlier sync: an administrator added in Schoolbrug
                # must not lock himself out by uploading his administration's export.
                if member.pk in matched or not member.external_key or not member.is_active:
                    continue
                member.is_active = False
                member.sis_values = {**member.sis_values, "is_active": False}
                self.ops.staff_updates.append(member)
                self.ops.staff_update_fields.update({"is_active", "sis_values"})
                kind.left.append(
                    RecordChange(
                        member.external_key,
                        member.full_name,
                        [FieldChange("is_active", _label(StaffMember, "is_active"), _show(True), _show(False))],
                    )
                )

    # -- guardians -----------------------------------------------------------------------------

    def _plan_guardians(self) -> None:
        if not self.dataset.lists("guardians"):
            return
        by_key = {g.external_key: g for g in self.guardians if g.external_key}
        by_email = {g.email.casefold(): g for g in self.guardians if g.email and not g.external_key}
        pupils_by_pk = {p.pk: p for p in self.pupils}
        links: dict[int, dict[int, Guardianship]] = defaultdict(dict)
        for link in self.guardianships:
            links[link.guardian_id][link.pupil_id] = link
        matched: set[int] = set()
        kind = self.plan.guardians
        for data in self.dataset.guardians:
            unknown = [k for k in data.pupil_keys if self.pupil_by_key.get(k) is None]
            if unknown:
                self.issue(
                    data.source,
                    _("Guardian %(key)s belongs to pupil %(pupil)s, who is not in the files or in Schoolbrug.")
                    % {"key": data.key, "pupil": unknown[0]},
                )
                continue
            guardian = by_key.get(data.key) or (by_email.get(data.email.casefold()) if data.email else None)
            label = " ".join(p for p in (data.first_name or data.initials, data.prefix, data.last_name) if p)
            wanted = {
                "external_key": data.key,
                **{name: getattr(data, name) for name in GUARDIAN_PERSONAL_FIELDS},
            }
            if guardian is None:
                guardian = Guardian(school=self.school, **{k: v for k, v in wanted.items() if v not in (None, "")})
                guardian.sis_values = _snapshot(wanted)
                if not guardian.first_name:
                    guardian.first_name = data.initials
                self.ops.new_guardians.append(guardian)
                self.ops.links_add.extend((data.key, k, data) for k in data.pupil_keys)
                kind.added.append(RecordChange(data.key, label, source=data.source))
                self.guardian_by_key[data.key] = guardian
                continue
            matched.add(guardian.pk)
            self.guardian_by_key[data.key] = guardian
            diff = self._compare(guardian, wanted, self.ops.guardian_update_fields)
            changes = diff.changes
            if diff.dirty:
                self.ops.guardian_updates.append(guardian)
            current = links.get(guardian.pk, {})
            wanted_pupils: set[int] = set()
            for pupil_key in data.pupil_keys:
                pupil = self.pupil_by_key[pupil_key]
                assert pupil is not None
                found = current.get(pupil.pk) if pupil.pk is not None else None
                if pupil.pk is not None:
                    wanted_pupils.add(pupil.pk)
                if found is None:
                    self.ops.links_add.append((data.key, pupil_key, data))
                    changes.append(FieldChange("pupils", _("child"), "", pupil.display_name))
                    continue
                link_wanted = {
                    "relation": data.relation,
                    "portal_access": data.portal_access,
                    "app_invitation": data.app_invitation,
                }
                link_diff = self._compare(found, link_wanted, self.ops.link_update_fields)
                if link_diff.dirty:
                    self.ops.link_updates.append(found)
                for target, found_changes in ((changes, link_diff.changes), (diff.kept, link_diff.kept)):
                    target.extend(
                        FieldChange(c.field, f"{c.label} ({pupil.display_name})", c.before, c.after, c.edited_by_hand)
                        for c in found_changes
                    )
            for pupil_pk, link in current.items():
                if pupil_pk not in wanted_pupils:
                    self.ops.links_remove.append(link.pk)
                    name = pupils_by_pk[pupil_pk].display_name if pupil_pk in pupils_by_pk else ""
                    changes.append(FieldChange("pupils", _("child"), name, ""))
            record = RecordChange(data.key, label, changes, _any_hand(changes), data.source, diff.kept)
            (kind.changed if changes else kind.unchanged).append(record)
        if self.dataset.full:
            for guardian in self.guardians:
                current = links.get(guardian.pk, {})
                if guardian.pk in matched or not guardian.external_key or not current:
                    continue
                self.ops.links_remove.extend(link.pk for link in current.values())
                names = ", ".join(pupils_by_pk[pk].display_name for pk in current if pk in pupils_by_pk)
                kind.left.append(
                    RecordChange(
                        guardian.external_key, guardian.full_name, [FieldChange("pupils", _("child"), names, "")]
                    )
                )


def sync_plan(*, school: School | None, dataset: Dataset, create_school: bool = False) -> SyncPlan:
    """The preview: what applying `dataset` to `school` would add, change and mark left. No writes."""
    return _Planner(school=school, dataset=dataset, create_school=create_school, lock=False).run()


# ---------------------------------------------------------------------------------------------
# Applying


def sync_apply(
    *, actor: Account | None, school: School | None, dataset: Dataset, create_school: bool = False
) -> SyncPlan:
    """Applies `dataset` in one transaction, or nothing when the plan has an issue (or anything
    fails half-way). Returns the plan; `plan.applied` says whether it was written."""
    with transaction.atomic():
        if school is not None:
            # Two syncs of one school at the same moment would both plan against the same rows.
            school = School.objects.select_for_update().get(pk=school.pk)
        planner = _Planner(school=school, dataset=dataset, create_school=create_school, lock=True)
        plan = planner.run()
        if not plan.ok:
            return plan
        now = timezone.now()
        if plan.has_changes:
            school = _write(planner, plan, now)
            # bulk_create stamps auto_now fields itself, a moment after `now`: the sync's moment is
            # taken after the writes, so that every record it wrote is older than the stamp.
            now = timezone.now()
        assert school is not None or plan.school is not None
        school = school or plan.school
        assert school is not None
        # The bookkeeping is written for every sync, also one that changed nothing: the school
        # page shows when the export was last taken in, and the audit log lists every sync.
        stamp: dict[str, Any] = {"last_synced_at": now, "last_synced_by": actor}
        if plan.branch_code and not school.branch_code:
            # Filled in the same statement as the stamp: no extra query for it.
            stamp["branch_code"] = plan.branch_code
        School.objects.filter(pk=school.pk).update(**stamp)
        for name, value in stamp.items():
            setattr(school, name, value)
        audit.record(
            audit.AuditEvent.Kind.RECORD_CHANGED,
            actor=actor,
            school_id=school.pk,
            subject=_("Synchronisation with the administration"),
            data={
                "sis_sync": plan.summary(),
                "files": _files(dataset),
                "edited_by_hand": len(plan.edited_by_hand),
            },
        )
        plan.school = school
        plan.applied = True
        return plan


def _files(dataset: Dataset) -> list[str]:
    records: Iterable[Any] = (
        dataset.school,
        *dataset.branches,
        *dataset.groups,
        *dataset.pupils,
        *dataset.staff,
        *dataset.guardians,
    )
    return sorted({r.source.file for r in records if r is not None and r.source is not None})


def _write(planner: _Planner, plan: SyncPlan, now: dt.datetime) -> School:
    ops = planner.ops
    school = planner.school
    if school is None:
        data = planner.dataset.school
        assert data is not None
        name = data.name or _("School %(brin)s") % {"brin": data.brin}
        board = Board.objects.create(name=name)
        school = School.objects.create(board=board, name=name, brin=data.brin.upper(), branch_code=plan.branch_code)
        plan.school = school
        for model_list in (ops.new_branches, ops.new_pupils, ops.new_staff, ops.new_guardians):
            for obj in model_list:
                obj.school = school
    year: SchoolYear | None = ops.school_year
    if ops.new_year is not None:
        ops.new_year.school = school
        ops.new_year.save()
        year = ops.new_year

    _create(Branch, ops.new_branches, now)
    _update(Branch, ops.branch_updates, {"name", "external_key"}, now)

    assert year is not None
    # Groups and their year levels.
    for group in ops.new_groups:
        group.school, group.year = school, year
    _create(Group, ops.new_groups, now)
    if ops.new_groups:
        groups_created.send(sender=Group, school=school)
    _update(Group, ops.group_updates, ops.group_update_fields, now)
    groups = planner.group_by_key if planner.dataset.lists("groups") else {}
    if ops.group_levels:
        changed = [groups[key].pk for key in ops.group_levels]
        GroupYearLevel.objects.filter(group_id__in=changed).delete()
        GroupYearLevel.objects.bulk_create(
            [
                GroupYearLevel(group=groups[key], level=level)
                for key, levels in ops.group_levels.items()
                for level in levels
            ],
            batch_size=BATCH,
        )

    # Pupils and their placements in this year's groups.
    _create(Pupil, ops.new_pupils, now)
    _update(Pupil, ops.pupil_updates, ops.pupil_update_fields, now)
    if ops.placements:
        pupils = planner.pupil_by_key
        pupil_ids = [pupil.pk for pupil in (pupils[k] for k in ops.placements) if pupil is not None]
        existing = {p.pupil_id: p for p in Placement.objects.filter(year=year, pupil_id__in=pupil_ids)}
        moved, new = [], []
        for pupil_key, group_key in ops.placements.items():
            pupil = pupils[pupil_key]
            assert pupil is not None
            placement = existing.get(pupil.pk)
            if placement is None:
                new.append(Placement(pupil=pupil, group=groups[group_key], year=year))
            else:
                placement.group = groups[group_key]
                moved.append(placement)
        Placement.objects.bulk_create(new, batch_size=BATCH)
        Placement.objects.bulk_update(moved, ["group"], batch_size=BATCH)
    if ops.groups_removed:
        Group.objects.filter(pk__in=ops.groups_removed).delete()

    # Staff and their groups.
    _create(StaffMember, ops.new_staff, now)
    _update(StaffMember, ops.staff_updates, ops.staff_update_fields, now)
    if ops.staff_links_remove:
        GroupStaff.objects.filter(pk__in=ops.staff_links_remove).delete()
    if ops.staff_links_add:
        GroupStaff.objects.bulk_create(
            [GroupStaff(staff_member=planner.staff_by_key[s], group=groups[g]) for s, g in ops.staff_links_add],
            batch_size=BATCH,
        )

    # Guardians and their links to pupils.
    _create(Guardian, ops.new_guardians, now)
    _update(Guardian, ops.guardian_updates, ops.guardian_update_fields, now)
    if ops.links_remove:
        Guardianship.objects.filter(pk__in=ops.links_remove).delete()
    _update(Guardianship, ops.link_updates, ops.link_update_fields, now)
    if ops.links_add:
        links = []
        for guardian_key, pupil_key, row in ops.links_add:
            link = Guardianship(
                guardian=planner.guardian_by_key[guardian_key],
                pupil=planner.pupil_by_key[pupil_key],
                relation=row.relation or Guardianship.Relation.PARENT,
                sis_values=_snapshot(
                    {"relation": row.relation, "portal_access": row.portal_access, "app_invitation": row.app_invitation}
                ),
                created_at=now,
                updated_at=now,
            )
            if row.portal_access is not None:
                link.portal_access = row.portal_access
            if row.app_invitation is not None:
                link.app_invitation = row.app_invitation
            links.append(link)
        Guardianship.objects.bulk_create(links, batch_size=BATCH)
    return school


def _create(model: type[models.Model], objects: list[Any], now: dt.datetime) -> None:
    if not objects:
        return
    for obj in objects:
        obj.created_at = obj.updated_at = now
    model._default_manager.bulk_create(objects, batch_size=BATCH)
    if any(obj.pk is None for obj in objects):
        # A database that does not return ids from a bulk insert: look them up by the file's key.
        school_id = objects[0].school_id
        pks = dict(model._default_manager.filter(school_id=school_id).values_list("external_key", "pk"))
        for obj in objects:
            obj.pk = pks[obj.external_key]


def _update(model: type[models.Model], objects: list[Any], fields: set[str], now: dt.datetime) -> None:
    if not objects or not fields:
        return
    # bulk_update does not run auto_now; the rows get the sync's moment as their last change.
    for obj in objects:
        obj.updated_at = now
    model._default_manager.bulk_update(objects, sorted({*fields, "updated_at"}), batch_size=BATCH)
