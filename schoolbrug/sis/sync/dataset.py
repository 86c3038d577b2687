"""What a school's administration export says, independent of its format (SIS-9).

Every reader (EDEXML, the guardian CSV, OneRoster) turns its files into one `Dataset`; the sync
service compares a `Dataset` with the records of one school, shows the preview and applies it.
Readers never touch the database; they report every problem as an `Issue` that names the file
and the line or element, and the sync applies nothing while there is one.

Keys are the file's own keys (EDEXML `key` attributes, OneRoster `sourcedId`s, the guardian
CSV's key column) and are kept as the records' external keys, so a re-import finds the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """Where a record or a problem comes from: a file name (as uploaded, without directories) and
    a line number (CSV, counting the header as line 1) or an element path (XML)."""

    file: str
    line: int | None = None
    element: str = ""

    def __str__(self) -> str:
        where = str(self.line) if self.line is not None else self.element
        return f"{self.file}:{where}" if where else self.file


@dataclass(frozen=True)
class Issue:
    """A problem in the files; `message` is translated (built with gettext in the reader)."""

    source: Source
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True)
class SchoolData:
    brin: str  # e.g. "12AB"; with `branch_code` ("00") the Dutch school number
    branch_code: str = ""
    name: str = ""
    school_year: str = ""  # "2026-2027"
    source: Source | None = None


@dataclass(frozen=True)
class BranchData:
    """A branch (EDEXML vestiging) of the school; a sync creates and renames, never deletes."""

    key: str
    name: str
    source: Source | None = None


@dataclass(frozen=True)
class GroupData:
    key: str
    name: str
    year_levels: tuple[int, ...] = ()  # 1..8; two or more for a mixed group such as 3/4
    source: Source | None = None


@dataclass(frozen=True)
class PupilData:
    key: str
    first_name: str
    last_name: str
    prefix: str = ""  # tussenvoegsel, "van der"
    called_name: str = ""
    birth_date: dt.date | None = None
    sex: str = ""  # "M", "F" or "" (Pupil.Sex values)
    group_key: str = ""  # the pupil's main group (stamgroep) this school year
    year_level: int | None = None
    eck_id: str = ""
    enrolled_on: dt.date | None = None
    source: Source | None = None
    left_on: dt.date | None = None  # EDEXML uitstroomdatum: the pupil has left (or will leave) on this day


@dataclass(frozen=True)
class StaffData:
    key: str
    first_name: str
    last_name: str
    prefix: str = ""
    email: str = ""
    group_keys: tuple[str, ...] = ()
    source: Source | None = None
    eck_id: str = ""


@dataclass(frozen=True)
class GuardianData:
    key: str
    pupil_keys: tuple[str, ...]
    first_name: str = ""
    last_name: str = ""
    prefix: str = ""
    initials: str = ""
    relation: str = ""  # a Guardianship.Relation value
    email: str = ""
    phone_mobile: str = ""
    phone_home: str = ""
    phone_work: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    portal_access: bool | None = None  # None: the file does not say; keep what the school set
    app_invitation: bool | None = None
    source: Source | None = None


# The guardian's own data as every reader gives it and the sync writes it to `Guardian`; the
# relation and portal flags belong to the link with each pupil.
GUARDIAN_PERSONAL_FIELDS = (
    "first_name",
    "prefix",
    "last_name",
    "initials",
    "email",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
)


@dataclass
class Dataset:
    """One export. `full` means the file lists every current pupil (and every guardian, staff
    member and group): who is missing has left. A partial file only adds and changes."""

    school: SchoolData | None = None
    groups: list[GroupData] = field(default_factory=list)
    pupils: list[PupilData] = field(default_factory=list)
    staff: list[StaffData] = field(default_factory=list)
    guardians: list[GuardianData] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    full: bool = True
    # Remarks for the report that are not errors (e.g. "validated against the 2.1 schema with
    # later school years allowed"); translated.
    notes: list[str] = field(default_factory=list)
    # The kinds ("pupils", "guardians", "groups", "staff") a file of this dataset lists in full,
    # also when it lists none of them. Only a listed kind can have records that left: an EDEXML
    # file says nothing about guardians. A kind with records in the lists counts as listed too.
    kinds: frozenset[str] = frozenset()
    # Not a kind of the summary line (its shape is fixed); a branch missing from the file stays.
    branches: list[BranchData] = field(default_factory=list)

    def merge(self, other: Dataset) -> Dataset:
        """Two files of one export (EDEXML plus the guardian CSV) as one dataset."""
        return Dataset(
            school=self.school or other.school,
            groups=[*self.groups, *other.groups],
            pupils=[*self.pupils, *other.pupils],
            staff=[*self.staff, *other.staff],
            guardians=[*self.guardians, *other.guardians],
            issues=[*self.issues, *other.issues],
            full=self.full and other.full,
            notes=[*self.notes, *other.notes],
            kinds=self.kinds | other.kinds,
            branches=[*self.branches, *other.branches],
        )

    def lists(self, kind: str) -> bool:
        return kind in self.kinds or bool(getattr(self, kind))
