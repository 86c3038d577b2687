"""OneRoster 1.1 and 1.2 CSV exports read into a `Dataset` (SIS-9; decision 0017).

A OneRoster export is a set of CSV files (usually zipped) described by `manifest.csv`. We read the
rostering files a primary school needs: orgs (the school), academicSessions (the school year),
classes (homeroom classes become groups), users (students, staff and parents; in 1.2 their roles
come from roles.csv), enrollments (who is in which group) and demographics (birth date and sex).
Other files of the export are ignored.

The reader never touches the database. It checks what it uses and reports every problem as an
`Issue` naming the file and line (the header is line 1), so the sync applies nothing while there
is one. Spelling mistakes in headers are caught because unknown columns are errors (extensions
must start with `metadata.`, as the binding says); enumerations are compared without regard to
case, because exporters differ in that and nothing is lost by it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolbrug.core.numbers import shown

from .dataset import Dataset, GroupData, GuardianData, Issue, PupilData, SchoolData, Source, StaffData

# A OneRoster zip has at most some twenty files; rosters of a single school are a few megabytes.
# Anything far beyond is a mistake or a zip bomb, refused before it is unpacked.
MAX_ZIP_MEMBERS = 50
MAX_ZIP_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
SESSIONS = "academicSessions.csv"
CLASSES = "classes.csv"
USERS = "users.csv"
ENROLLMENTS = "enrollments.csv"
DEMOGRAPHICS = "demographics.csv"
ROLES = "roles.csv"

_COMMON = ("sourcedId", "status", "dateLastModified")

# Every file name the OneRoster 1.1 and 1.2 CSV bindings define (lower case), so that a caller
# sorting uploaded files can hand all of an export to `read_oneroster`, also the gradebook and
# resource files that are not read (they are named in a note).
ONEROSTER_FILES = frozenset(
    f"{name.lower()}.csv"
    for name in [
        "manifest",
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "users",
        "roles",
        "userProfiles",
        "userResources",
        "scoreScales",
        "lineItemScoreScales",
        "resultScoreScales",
        "lineItemLearningObjectiveIds",
        "resultLearningObjectiveIds",
    ]
)

# The columns of each file as the CSV bindings list them (1.1.1 and 1.2.1), and the ones the
# binding requires in every row. A header must name every required column.
_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "1.1": {
        MANIFEST: ("propertyName", "value"),
        ORGS: (*_COMMON, "name", "type", "identifier", "parentSourcedId"),
        SESSIONS: (*_COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
        CLASSES: (
            *_COMMON,
            "title",
            "grades",
            "courseSourcedId",
            "classCode",
            "classType",
            "location",
            "schoolSourcedId",
            "termSourcedIds",
            "subjects",
            "subjectCodes",
            "periods",
        ),
        USERS: (
            *_COMMON,
            "enabledUser",
            "orgSourcedIds",
            "role",
            "username",
            "userIds",
            "givenName",
            "familyName",
            "middleName",
            "identifier",
            "email",
            "sms",
            "phone",
            "agentSourcedIds",
            "grades",
            "password",
        ),
        ENROLLMENTS: (
            *_COMMON,
            "classSourcedId",
            "schoolSourcedId",
            "userSourcedId",
            "role",
            "primary",
            "beginDate",
            "endDate",
        ),
        DEMOGRAPHICS: (
            *_COMMON,
            "birthDate",
            "sex",
            "americanIndianOrAlaskaNative",
            "asian",
            "blackOrAfricanAmerican",
            "nativeHawaiianOrOtherPacificIslander",
            "white",
            "demographicRaceTwoOrMoreRaces",
            "hispanicOrLatinoEthnicity",
            "countryOfBirthCode",
            "stateOfBirthAbbreviation",
            "cityOfBirth",
            "publicSchoolResidenceStatus",
        ),
    },
}
_COLUMNS["1.2"] = {
    **_COLUMNS["1.1"],
    USERS: (
        *_COMMON,
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    ROLES: (
        *_COMMON,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
}

_REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    "1.1": {
        MANIFEST: ("propertyName", "value"),
        ORGS: ("sourcedId", "name", "type"),
        SESSIONS: ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
        CLASSES: ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"),
        USERS: ("sourcedId", "enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName"),
        ENROLLMENTS: ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
        DEMOGRAPHICS: ("sourcedId",),
    },
}
_REQUIRED["1.2"] = {
    **_REQUIRED["1.1"],
    USERS: ("sourcedId", "enabledUser", "username", "givenName", "familyName"),
    ROLES: ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
}

# Files the reader cannot do without; the others (academicSessions, demographics) only add detail.
_NEEDED = {"1.1": (ORGS, CLASSES, USERS, ENROLLMENTS), "1.2": (ORGS, CLASSES, USERS, ENROLLMENTS, ROLES)}

_ORG_TYPES = {"department", "school", "district", "local", "state", "national"}
_SESSION_TYPES = {"gradingperiod", "semester", "schoolyear", "term"}
_CLASS_TYPES = {"homeroom", "scheduled"}
_USER_ROLES = {
    "1.1": {"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"},
    "1.2": {
        "aide",
        "counselor",
        "districtadministrator",
        "guardian",
        "parent",
        "principal",
        "proctor",
        "relative",
        "siteadministrator",
        "student",
        "systemadministrator",
        "teacher",
    },
}
_ENROLLMENT_ROLES = {"administrator", "proctor", "student", "teacher"}
_STAFF_ROLES = {"teacher", "aide", "administrator", "principal", "siteadministrator", "counselor"}
# Guardianship.Relation values; a OneRoster "guardian" is someone caring for the child who is not
# named a parent (the Dutch "verzorger"), a "relative" is family without that role.
_GUARDIAN_RELATIONS = {"parent": "parent", "guardian": "carer", "relative": "other"}
_SEXES = {"1.1": {"male": "m", "female": "f"}, "1.2": {"male": "m", "female": "f", "other": "x", "unspecified": ""}}
# OneRoster 1.0 wrote "inactive" where 1.1 writes "tobedeleted"; exports still carry it.
_STATUSES = {"", "active", "tobedeleted", "inactive"}

# CEDS grade codes (the OneRoster default vocabulary) to Dutch year levels, by age: groep 1 is the
# year a child turns four or five (pre-kindergarten, also transitional kindergarten), groep 2
# kindergarten, groep 3 first grade … groep 8 sixth grade. The other codes are outside primary
# school and give no year level.
_YEAR_LEVELS = {"PK": 1, "TK": 1, "KG": 2, "01": 3, "02": 4, "03": 5, "04": 6, "05": 7, "06": 8}
_GRADE_CODES = {
    "IT",
    "PR",
    "PK",
    "TK",
    "KG",
    *(f"{n:02d}" for n in range(1, 14)),
    "PS",
    "UG",
    "OTHER",
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_BRIN = re.compile(r"(\d{2}[A-Z]{2})(\d{2})?")


@dataclass
class _Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def source(self) -> Source:
        return Source(self.file, self.line)

    def ids(self, column: str) -> list[str]:
        # Lists are comma-separated inside one quoted value.
        return [part.strip() for part in self[column].split(",") if part.strip()]


@dataclass
class _Table:
    file: str
    rows: list[_Row] = field(default_factory=list)
    active: dict[str, _Row] = field(default_factory=dict)  # by sourcedId
    deleted: set[str] = field(default_factory=set)
    invalid: set[str] = field(default_factory=set)  # rows with a problem, reported on their own line
    usable: bool = True  # False when the header lacks required columns: rows were not read


class _Reader:
    def __init__(self, files: Sequence[tuple[str, bytes]], today: dt.date) -> None:
        self.today = today
        self.issues: list[Issue] = []
        self.notes: list[str] = []
        self.data: dict[str, tuple[str, bytes]] = {}
        for name, content in files:
            base = posixpath.basename(name.replace("\\", "/"))
            if base.lower() in self.data:
                self.issue(base, None, _("The export holds this file twice."))
            self.data[base.lower()] = (base, content)
        self.version = ""
        self.modes: dict[str, str] = {}  # file name → bulk/delta/absent, from the manifest
        self.tables: dict[str, _Table] = {}

    # -- helpers ---------------------------------------------------------------------------------

    def issue(self, file: str, line: int | None, message: str) -> None:
        file = self.data.get(file.lower(), (file, b""))[0]  # the name as uploaded
        self.issues.append(Issue(Source(file, line), message))

    def present(self, file: str) -> bool:
        return file.lower() in self.data

    def decode(self, file: str) -> str | None:
        content = self.data[file.lower()][1]
        if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.issue(file, None, _("The file is UTF-16; save it as UTF-8."))
            return None
        # Spreadsheet programs put a byte order mark before UTF-8; it is not part of the header.
        if content.startswith(codecs.BOM_UTF8):
            content = content[len(codecs.BOM_UTF8) :]
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError as error:
            line = content[: error.start].count(b"\n") + 1
            self.issue(file, line, _("This line is not valid UTF-8; save the file as UTF-8."))
            return None

    def parse(self, file: str) -> tuple[list[str], list[_Row]] | None:
        text = self.decode(file)
        if text is None:
            return None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[str] | None = None
        rows: list[_Row] = []
        width = 0
        previous_end = 0
        try:
            for values in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue  # blank lines carry nothing
                if header is None:
                    header = [value.strip() for value in values]
                    # Trailing unnamed columns are reported once below, not on every row.
                    width = len(header)
                    while width and not header[width - 1]:
                        width -= 1
                    continue
                if len(values) > width and not any(value.strip() for value in values[width:]):
                    values = values[:width]
                if len(values) != width:
                    self.issue(
                        file,
                        start,
                        _("This line has %(found)s values; the header has %(expected)s columns.")
                        % {"found": len(values), "expected": width},
                    )
                    continue
                rows.append(_Row(file, start, dict(zip(header, (value.strip() for value in values), strict=False))))
        except csv.Error as error:
            self.issue(file, reader.line_num, _("The file cannot be read as CSV: %(error)s") % {"error": error})
            return None
        if header is None:
            self.issue(file, None, _("The file is empty; a header line is required."))
            return None
        return header, rows

    def check_header(self, file: str, header: list[str]) -> bool:
        known = _COLUMNS[self.version][file]
        required = _REQUIRED[self.version][file]
        ok = True
        if any(not column for column in header):
            self.issue(file, 1, _("The header has a column without a name."))
        named = [column for column in header if column]
        doubles = sorted({column for column in named if named.count(column) > 1})
        if doubles:
            self.issue(file, 1, _("Columns named more than once: %(columns)s") % {"columns": ", ".join(doubles)})
            ok = False
        unknown = [column for column in header if column and column not in known and not column.startswith("metadata.")]
        if unknown:
            self.issue(file, 1, _("Unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
        missing = [column for column in required if column not in header]
        if missing:
            self.issue(file, 1, _("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)})
            ok = False
        return ok

    def load(self, file: str, needed: Sequence[str]) -> _Table | None:
        """Read one data file: header, status, dateLastModified, unique sourcedIds, and the values
        this reader needs in each active row."""
        if not self.present(file):
            return None
        table = _Table(file)
        self.tables[file] = table
        parsed = self.parse(file)
        if parsed is None:
            table.usable = False
            return table
        header, rows = parsed
        if not self.check_header(file, header):
            table.usable = False
            return table
        first_line: dict[str, int] = {}
        for row in rows:
            key = row["sourcedId"]
            if not key:
                self.issue(file, row.line, _("The sourcedId is empty."))
                continue
            if key in first_line:
                self.issue(
                    file,
                    row.line,
                    _("The sourcedId %(key)s is used before, on line %(line)s.")
                    % {"key": key, "line": first_line[key]},
                )
                continue
            first_line[key] = row.line
            status = row["status"].lower()
            if status not in _STATUSES:
                self.issue(file, row.line, _("Unknown status %(value)s.") % {"value": row["status"]})
                table.invalid.add(key)
                continue
            modified = row["dateLastModified"]
            if modified and not _is_timestamp(modified):
                self.issue(
                    file,
                    row.line,
                    _("The dateLastModified %(value)s is not an ISO 8601 date and time (2026-08-31T12:00:00Z).")
                    % {"value": modified},
                )
            if status in {"tobedeleted", "inactive"}:
                table.deleted.add(key)
                continue
            empty = [column for column in needed if not row[column]]
            if empty:
                self.issue(file, row.line, _("Required values are empty: %(columns)s") % {"columns": ", ".join(empty)})
                table.invalid.add(key)
                continue
            table.rows.append(row)
            table.active[key] = row
        return table

    def known(self, file: str, key: str) -> bool | None:
        """Whether `key` is a row of `file`: True if active, False if unknown; None when we cannot
        tell (the file is unreadable or a delta that need not list it) or the row is deleted."""
        table = self.tables.get(file)
        if table is not None and key in table.active:
            return True
        if table is None or not table.usable or key in table.deleted | table.invalid or self.modes.get(file) == "delta":
            return None
        return False

    def reference(self, row: _Row, column: str, file: str, key: str) -> bool:
        """True when the referenced row is present and active; reports a reference to nothing."""
        found = self.known(file, key)
        if found is False:
            self.issue(
                row.file,
                row.line,
                _("%(column)s %(key)s is not in %(file)s.") % {"column": column, "key": key, "file": file},
            )
        return bool(found)

    # -- the export ------------------------------------------------------------------------------

    def read_manifest(self) -> bool:
        if not self.present(MANIFEST):
            self.issue(MANIFEST, None, _("The export has no manifest.csv; it is required to read OneRoster files."))
            return False
        parsed = self.parse(MANIFEST)
        if parsed is None:
            return False
        header, rows = parsed
        if [column for column in header if column] != ["propertyName", "value"]:
            self.issue(MANIFEST, 1, _("The header must be propertyName,value."))
            return False
        version_line = 1
        for row in rows:
            name, value = row["propertyName"], row["value"]
            if name == "oneroster.version":
                self.version, version_line = value, row.line
            elif name.startswith("file."):
                file = f"{name[5:]}.csv"
                mode = value.lower()
                if mode not in {"bulk", "delta", "absent"}:
                    self.issue(
                        MANIFEST,
                        row.line,
                        _("%(property)s must be bulk, delta or absent, not %(value)s.")
                        % {"property": name, "value": value or '""'},
                    )
                    continue
                # File names in the manifest are matched like the files themselves.
                canonical = next((known for known in _COLUMNS["1.2"] if known.lower() == file.lower()), file)
                self.modes[canonical] = mode
        if self.version not in _COLUMNS:
            if self.version:
                self.issue(
                    MANIFEST,
                    version_line,
                    _("OneRoster version %(version)s is not supported; export version 1.1 or 1.2.")
                    % {"version": self.version},
                )
            else:
                self.issue(MANIFEST, None, _("The manifest does not give oneroster.version."))
            return False
        for file in _NEEDED[self.version]:
            mode = self.modes.get(file, "")
            if self.present(file):
                if mode == "absent":
                    self.issue(file, None, _("The manifest says this file is absent, but it is in the export."))
            elif mode != "absent" or self.bulk:  # a delta may leave out a file without changes
                self.issue(file, None, _("This file is missing from the export; it is required."))
        for file in (SESSIONS, DEMOGRAPHICS):
            if not self.present(file) and self.modes.get(file) in {"bulk", "delta"}:
                self.issue(file, None, _("The manifest lists this file, but it is missing from the export."))
        return True

    @property
    def bulk(self) -> bool:
        # A full export: no file we read is a delta. Rows missing from it have gone.
        return all(self.modes.get(file, "bulk") != "delta" for file in (*_NEEDED[self.version], DEMOGRAPHICS))

    def read(self) -> Dataset:
        if not self.read_manifest():
            return Dataset(issues=self.issues, full=False)
        orgs = self.load(ORGS, ("name", "type"))
        sessions = self.load(SESSIONS, ("type", "startDate", "endDate", "schoolYear"))
        classes = self.load(CLASSES, ("title", "classType", "schoolSourcedId"))
        users = self.load(USERS, ("givenName", "familyName") + (("role",) if self.version == "1.1" else ()))
        enrollments = self.load(ENROLLMENTS, ("classSourcedId", "userSourcedId", "role"))
        demographics = self.load(DEMOGRAPHICS, ())
        roles = self.load(ROLES, ("userSourcedId", "role", "orgSourcedId")) if self.version == "1.2" else None

        school_row = self.school(orgs)
        year_of_session = self.sessions(sessions)
        groups, group_rows = self.groups(classes, school_row)
        user_roles = self.user_roles(users, roles)
        pupils, staff, guardian_rows = self.people(users, user_roles)
        placements, group_keys = self.enrollments(enrollments, group_rows, pupils, staff)
        births = self.demographics(demographics, pupils)
        links = self.agents(users, pupils, guardian_rows)

        # A bulk export lists every pupil, guardian, group and staff member of the school, also
        # when a kind has none left; a delta lists only what changed.
        everything = frozenset({"pupils", "guardians", "groups", "staff"})
        dataset = Dataset(full=self.bulk, kinds=everything if self.bulk else frozenset())
        if school_row is not None:
            dataset.school = self.school_data(school_row, group_rows, year_of_session)
        dataset.groups = groups
        years = {group.key: group.year_levels for group in groups}
        for key, row in pupils.items():
            group_key = placements.get(key, "")
            birth_date, sex = births.get(key, (None, ""))
            dataset.pupils.append(
                PupilData(
                    key=key,
                    first_name=row["givenName"],
                    last_name=row["familyName"],
                    called_name=row["preferredGivenName"],
                    birth_date=birth_date,
                    sex=sex,
                    group_key=group_key,
                    year_level=self.year_level(row, years.get(group_key, ())),
                    source=row.source(),
                )
            )
        for key, row in staff.items():
            dataset.staff.append(
                StaffData(
                    key=key,
                    first_name=row["givenName"],
                    last_name=row["familyName"],
                    email=row["email"],
                    group_keys=tuple(group_keys.get(key, ())),
                    source=row.source(),
                )
            )
        without_pupil = 0
        for key, (row, relation) in guardian_rows.items():
            children = links.get(key, [])
            if not children:
                without_pupil += 1
                continue
            dataset.guardians.append(
                GuardianData(
                    key=key,
                    pupil_keys=tuple(children),
                    first_name=row["givenName"],
                    last_name=row["familyName"],
                    relation=relation,
                    email=row["email"],
                    phone_mobile=row["sms"],
                    phone_home=row["phone"],
                    source=row.source(),
                )
            )
        if without_pupil:
            self.notes.append(
                ngettext(
                    "%(count)s parent or guardian is linked to no pupil in the export and is left out.",
                    "%(count)s parents or guardians are linked to no pupil in the export and are left out.",
                    without_pupil,
                )
                % {"count": shown(without_pupil)}
            )
        if not dataset.full:
            self.notes.append(
                _(
                    "This is a delta export: it adds and changes records; pupils leave and enrolments "
                    "change only for users listed in it. Removals need a full (bulk) export."
                )
            )
        read = {file.lower() for file in self.tables} | {MANIFEST.lower()}
        ignored = sorted(name for key, (name, _content) in self.data.items() if key not in read)
        if ignored:
            self.notes.append(_("Files not read: %(files)s") % {"files": ", ".join(ignored)})
        # By file and line, as a reader goes through them (problems without a line first).
        dataset.issues = sorted(self.issues, key=lambda issue: (issue.source.file, issue.source.line or 0))
        dataset.notes = self.notes
        return dataset

    def school(self, orgs: _Table | None) -> _Row | None:
        if orgs is None or not orgs.usable:
            return None
        for row in orgs.rows:
            if row["type"].lower() not in _ORG_TYPES:
                self.issue(ORGS, row.line, _("Unknown org type %(value)s.") % {"value": row["type"]})
        schools = [row for row in orgs.rows if row["type"].lower() == "school"]
        if len(schools) > 1:
            self.issue(
                ORGS,
                schools[1].line,
                _("The export holds more than one school (%(names)s); export one school at a time.")
                % {"names": ", ".join(row["name"] for row in schools)},
            )
            return None
        if schools:
            return schools[0]
        if len(orgs.rows) == 1:
            only = orgs.rows[0]
            self.notes.append(
                _("The export has no org of type school; its only org, %(name)s, is taken as the school.")
                % {"name": only["name"]}
            )
            return only
        self.issue(ORGS, None, _("The export has no org of type school."))
        return None

    def sessions(self, sessions: _Table | None) -> dict[str, tuple[int, _Row]]:
        """The ending year of each active academic session (OneRoster's schoolYear)."""
        years: dict[str, tuple[int, _Row]] = {}
        if sessions is None or not sessions.usable:
            return years
        for row in sessions.rows:
            problems = False
            if row["type"].lower() not in _SESSION_TYPES:
                self.issue(SESSIONS, row.line, _("Unknown session type %(value)s.") % {"value": row["type"]})
                problems = True
            for column in ("startDate", "endDate"):
                if _date(row[column]) is None:
                    self.issue(SESSIONS, row.line, _bad_date(column, row[column]))
                    problems = True
            if not _YEAR.fullmatch(row["schoolYear"]):
                self.issue(
                    SESSIONS,
                    row.line,
                    _("The schoolYear %(value)s is not a year such as 2027 (the year the school year ends).")
                    % {"value": row["schoolYear"]},
                )
                problems = True
            if not problems:
                years[row["sourcedId"]] = (int(row["schoolYear"]), row)
        return years

    def groups(self, classes: _Table | None, school: _Row | None) -> tuple[list[GroupData], dict[str, _Row]]:
        groups: list[GroupData] = []
        rows: dict[str, _Row] = {}
        if classes is None or not classes.usable:
            return groups, rows
        scheduled = 0
        for row in classes.rows:
            kind = row["classType"].lower()
            if kind not in _CLASS_TYPES:
                self.issue(CLASSES, row.line, _("Unknown classType %(value)s.") % {"value": row["classType"]})
                continue
            if kind != "homeroom":
                # Lessons of a subject are not groups in a primary school; their enrolments are
                # not placements either.
                scheduled += 1
                continue
            problems = False
            school_key = row["schoolSourcedId"]
            if not self.reference(row, "schoolSourcedId", ORGS, school_key):
                problems = self.known(ORGS, school_key) is False
            elif school is not None and school_key != school["sourcedId"]:
                self.issue(CLASSES, row.line, _("The class belongs to another school (%(key)s).") % {"key": school_key})
                problems = True
            for term in row.ids("termSourcedIds"):
                if not self.reference(row, "termSourcedIds", SESSIONS, term) and self.known(SESSIONS, term) is False:
                    problems = True
            levels = self.grades(row)
            if levels is None or problems:
                continue
            if len(row["title"]) > 50:
                self.issue(CLASSES, row.line, _("The title is longer than 50 characters."))
                continue
            rows[row["sourcedId"]] = row
            groups.append(GroupData(key=row["sourcedId"], name=row["title"], year_levels=levels, source=row.source()))
        if scheduled:
            self.notes.append(
                ngettext(
                    "%(count)s scheduled class (a lesson, not a homeroom class) is not a group and is left out.",
                    "%(count)s scheduled classes (lessons, not homeroom classes) are not groups and are left out.",
                    scheduled,
                )
                % {"count": shown(scheduled)}
            )
        return groups, rows

    def grades(self, row: _Row) -> tuple[int, ...] | None:
        """Dutch year levels of the grades in `row`, or None after reporting an unknown code."""
        levels: set[int] = set()
        for code in row.ids("grades"):
            if code.upper() not in _GRADE_CODES:
                self.issue(
                    row.file,
                    row.line,
                    _("Unknown grade %(value)s; use the CEDS codes PK, KG, 01 … 13.") % {"value": code},
                )
                return None
            if code.upper() in _YEAR_LEVELS:
                levels.add(_YEAR_LEVELS[code.upper()])
        return tuple(sorted(levels))

    def year_level(self, row: _Row, group_levels: tuple[int, ...]) -> int | None:
        levels = self.grades(row) or ()
        if len(levels) == 1:
            return levels[0]
        return group_levels[0] if len(group_levels) == 1 else None

    def user_roles(self, users: _Table | None, roles: _Table | None) -> dict[str, list[tuple[str, _Row]]]:
        """The roles of each active user with the line that gives each: users.csv in 1.1,
        roles.csv in 1.2."""
        result: dict[str, list[tuple[str, _Row]]] = {}
        allowed = _USER_ROLES[self.version]
        if users is None or not users.usable:
            return result
        if self.version == "1.1":
            for row in users.rows:
                for org in row.ids("orgSourcedIds"):
                    self.reference(row, "orgSourcedIds", ORGS, org)
                result[row["sourcedId"]] = [(row["role"].lower(), row)]
        elif roles is not None and roles.usable:
            for row in roles.rows:
                user = row["userSourcedId"]
                self.reference(row, "orgSourcedId", ORGS, row["orgSourcedId"])
                if self.reference(row, "userSourcedId", USERS, user):
                    result.setdefault(user, []).append((row["role"].lower(), row))
        for user, entries in result.items():
            kept = []
            for role, row in entries:
                if role not in allowed:
                    self.issue(row.file, row.line, _("Unknown role %(value)s.") % {"value": row["role"]})
                else:
                    kept.append((role, row))
            result[user] = kept
        return result

    def people(
        self, users: _Table | None, user_roles: dict[str, list[tuple[str, _Row]]]
    ) -> tuple[dict[str, _Row], dict[str, _Row], dict[str, tuple[_Row, str]]]:
        pupils: dict[str, _Row] = {}
        staff: dict[str, _Row] = {}
        guardians: dict[str, tuple[_Row, str]] = {}
        if users is None or not users.usable:
            return pupils, staff, guardians
        others = 0
        for row in users.rows:
            key = row["sourcedId"]
            entries = user_roles.get(key)
            if entries is None:
                roles = self.tables.get(ROLES)
                if self.version == "1.2" and roles is not None and roles.usable:
                    self.issue(USERS, row.line, _("The user has no role in roles.csv."))
                continue
            names = {role for role, _line in entries}
            if "student" in names:
                if len(names) > 1:
                    self.issue(
                        entries[0][1].file,
                        entries[0][1].line,
                        _("A student cannot also have the roles %(roles)s.")
                        % {"roles": ", ".join(sorted(names - {"student"}))},
                    )
                    continue
                pupils[key] = row
                continue
            if names & _STAFF_ROLES:
                staff[key] = row
            relation = next((_GUARDIAN_RELATIONS[role] for role in _GUARDIAN_RELATIONS if role in names), "")
            if relation:
                guardians[key] = (row, relation)
            if not names & _STAFF_ROLES and not relation and names:
                others += 1
        if others:
            self.notes.append(
                ngettext(
                    "%(count)s user with another role (such as proctor) is left out.",
                    "%(count)s users with other roles (such as proctor) are left out.",
                    others,
                )
                % {"count": shown(others)}
            )
        return pupils, staff, guardians

    def enrollments(
        self,
        enrollments: _Table | None,
        group_rows: dict[str, _Row],
        pupils: dict[str, _Row],
        staff: dict[str, _Row],
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        placements: dict[str, str] = {}
        placed_on: dict[str, int] = {}
        group_keys: dict[str, list[str]] = {}
        if enrollments is None or not enrollments.usable:
            return placements, group_keys
        not_matching = 0
        for row in enrollments.rows:
            role = row["role"].lower()
            if role not in _ENROLLMENT_ROLES:
                self.issue(ENROLLMENTS, row.line, _("Unknown role %(value)s.") % {"value": row["role"]})
                continue
            class_key, user_key = row["classSourcedId"], row["userSourcedId"]
            class_found = self.reference(row, "classSourcedId", CLASSES, class_key)
            user_found = self.reference(row, "userSourcedId", USERS, user_key)
            if not (class_found and user_found) or class_key not in group_rows:
                continue  # a deleted or unknown row, or a lesson rather than a homeroom class
            if role == "student":
                if user_key not in pupils:
                    not_matching += 1
                    continue
                if placements.get(user_key, class_key) != class_key:
                    self.issue(
                        ENROLLMENTS,
                        row.line,
                        _("The pupil %(key)s is already in the homeroom class %(group)s (line %(line)s).")
                        % {"key": user_key, "group": placements[user_key], "line": placed_on[user_key]},
                    )
                    continue
                placements[user_key] = class_key
                placed_on.setdefault(user_key, row.line)
            elif role == "teacher":
                if user_key not in staff:
                    not_matching += 1
                    continue
                keys = group_keys.setdefault(user_key, [])
                if class_key not in keys:
                    keys.append(class_key)
        if not_matching:
            self.notes.append(
                ngettext(
                    "%(count)s enrolment whose role does not match the user's role is left out.",
                    "%(count)s enrolments whose role does not match the user's role are left out.",
                    not_matching,
                )
                % {"count": shown(not_matching)}
            )
        return placements, group_keys

    def demographics(
        self, demographics: _Table | None, pupils: dict[str, _Row]
    ) -> dict[str, tuple[dt.date | None, str]]:
        result: dict[str, tuple[dt.date | None, str]] = {}
        if demographics is None or not demographics.usable:
            return result
        sexes = _SEXES[self.version]
        for row in demographics.rows:
            key = row["sourcedId"]
            if not self.reference(row, "sourcedId", USERS, key) or key not in pupils:
                continue  # staff and parents' demographics are not kept
            birth_date = None
            if row["birthDate"]:
                birth_date = _date(row["birthDate"])
                if birth_date is None:
                    self.issue(DEMOGRAPHICS, row.line, _bad_date("birthDate", row["birthDate"]))
            sex = row["sex"].lower()
            if sex and sex not in sexes:
                self.issue(
                    DEMOGRAPHICS,
                    row.line,
                    _("Unknown sex %(value)s; use %(values)s.")
                    % {"value": row["sex"], "values": ", ".join(sorted(sexes))},
                )
            result[key] = (birth_date, sexes.get(sex, ""))
        return result

    def agents(
        self, users: _Table | None, pupils: dict[str, _Row], guardians: dict[str, tuple[_Row, str]]
    ) -> dict[str, list[str]]:
        """Guardian key → pupil keys. A student lists its parents in agentSourcedIds and a parent
        its children; either side is enough."""
        links: dict[str, list[str]] = {}
        if users is None or not users.usable:
            return links
        other = 0

        def link(guardian: str, pupil: str) -> None:
            children = links.setdefault(guardian, [])
            if pupil not in children:
                children.append(pupil)

        for row in users.rows:
            key = row["sourcedId"]
            for agent in row.ids("agentSourcedIds"):
                if not self.reference(row, "agentSourcedIds", USERS, agent):
                    continue
                if key in pupils and agent in guardians:
                    link(agent, key)
                elif key in guardians and agent in pupils:
                    link(key, agent)
                else:
                    other += 1
        if other:
            self.notes.append(
                ngettext(
                    "%(count)s agent link that is not between a pupil and a parent or guardian is left out.",
                    "%(count)s agent links that are not between a pupil and a parent or guardian are left out.",
                    other,
                )
                % {"count": shown(other)}
            )
        return links

    def school_data(
        self, row: _Row, group_rows: dict[str, _Row], year_of_session: dict[str, tuple[int, _Row]]
    ) -> SchoolData:
        identifier = row["identifier"] or row["sourcedId"]
        brin, branch = identifier, ""
        match = _BRIN.fullmatch(identifier.upper())
        if match:  # a Dutch school number: BRIN plus branch code, "12AB00"
            brin, branch = match.group(1), match.group(2) or ""
        return SchoolData(
            brin=brin,
            branch_code=branch,
            name=row["name"],
            school_year=self.school_year(group_rows, year_of_session),
            source=row.source(),
        )

    def school_year(self, group_rows: dict[str, _Row], year_of_session: dict[str, tuple[int, _Row]]) -> str:
        """The year of the terms the homeroom classes run in; without classes, the schoolYear
        session around today, or the only year the sessions name."""
        used = {
            year_of_session[term][0]
            for row in group_rows.values()
            for term in row.ids("termSourcedIds")
            if term in year_of_session
        }
        if len(used) > 1:
            self.issue(
                CLASSES,
                None,
                _("The homeroom classes run in different school years (%(years)s); export one school year.")
                % {"years": ", ".join(_school_year(year) for year in sorted(used))},
            )
            return ""
        if not used:
            current = {
                year
                for year, row in year_of_session.values()
                if row["type"].lower() == "schoolyear"
                and (_date(row["startDate"]) or dt.date.max) <= self.today <= (_date(row["endDate"]) or dt.date.min)
            }
            used = current if len(current) == 1 else {year for year, _row in year_of_session.values()}
        return _school_year(used.pop()) if len(used) == 1 else ""


def _school_year(ending: int) -> str:
    return f"{ending - 1}-{ending}"


def _date(value: str) -> dt.date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _bad_date(column: str, value: str) -> str:
    return _("The %(column)s %(value)s is not a date such as 2026-08-31.") % {"column": column, "value": value}


def _is_timestamp(value: str) -> bool:
    if _date(value) is not None:
        return True
    if not _DATE.match(value):  # fromisoformat also takes week dates and other forms nobody exports
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def read_oneroster(files: Sequence[tuple[str, bytes]], *, today: dt.date | None = None) -> Dataset:
    """Read the CSV files of one OneRoster 1.1 or 1.2 export, given as (name, content) pairs.

    Directories in the names are ignored; file names are matched without regard to case. `today`
    picks the current school year when the classes do not name one (default: the local date).
    """
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return _Reader(files, today).read()


def read_oneroster_zip(
    data: bytes,
    name: str,
    *,
    today: dt.date | None = None,
    max_members: int = MAX_ZIP_MEMBERS,
    max_bytes: int = MAX_ZIP_UNCOMPRESSED_BYTES,
) -> Dataset:
    """Read a zipped OneRoster export. The zip's own sizes are checked before anything is
    unpacked, and unpacking stops at the limit whatever the zip claims."""
    source = Source(posixpath.basename(name.replace("\\", "/")))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return _failed(source, _("The file is not a zip file."))
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir() and not _hidden(info.filename)]
        if len(members) > max_members:
            return _failed(
                source,
                _("The zip file holds %(count)s files; a OneRoster export has at most %(limit)s.")
                % {"count": shown(len(members)), "limit": shown(max_members)},
            )
        if sum(info.file_size for info in members) > max_bytes:
            return _failed(source, _too_big(max_bytes))
        files: list[tuple[str, bytes]] = []
        seen: set[str] = set()
        budget = max_bytes
        for info in members:
            base = posixpath.basename(info.filename)
            if base.lower() in seen:
                return _failed(source, _("The zip file holds %(file)s twice.") % {"file": base})
            seen.add(base.lower())
            if info.flag_bits & 0x1:
                return _failed(source, _("The zip file is encrypted; export it without a password."))
            try:
                with archive.open(info) as member:
                    content = member.read(budget + 1)
            # zipfile raises NotImplementedError for a compression method it does not support.
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError):
                return _failed(source, _("The zip file is damaged (%(file)s cannot be unpacked).") % {"file": base})
            budget -= len(content)
            if budget < 0:
                return _failed(source, _too_big(max_bytes))
            files.append((base, content))
    return read_oneroster(files, today=today)


def _hidden(path: str) -> bool:
    # Archivers add resource forks (__MACOSX/, ._name) and dotfiles that are not part of the export.
    parts = path.replace("\\", "/").split("/")
    return any(part.startswith((".", "__MACOSX")) for part in parts if part)


def _too_big(limit: int) -> str:
    return _("The zip file unpacks to more than %(limit)s MB; a OneRoster export of one school is far smaller.") % {
        "limit": shown(limit // (1024 * 1024))
    }


def _failed(source: Source, message: str) -> Dataset:
    return Dataset(issues=[Issue(source, message)], full=False)


def issues_text(issues: Iterable[Issue]) -> list[str]:
    """The issues as `FILE:LINE: reason` lines (for the command line and tests)."""
    return [str(issue) for issue in issues]
