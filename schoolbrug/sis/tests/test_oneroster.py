"""The OneRoster 1.1/1.2 CSV reader (SIS-9, decision 0017): sample exports, messy files, zips."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

from schoolbrug.sis.sync.dataset import Dataset
from schoolbrug.sis.sync.oneroster import read_oneroster, read_oneroster_zip

FIXTURES = Path(__file__).parent / "fixtures" / "oneroster"
TODAY = dt.date(2026, 12, 1)


def export(name: str) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((FIXTURES / name).iterdir())}


def read(files: dict[str, bytes]) -> Dataset:
    with translation.override("en"):
        return read_oneroster(list(files.items()), today=TODAY)


def problems(dataset: Dataset) -> list[str]:
    return [str(issue) for issue in dataset.issues]


def edit(files: dict[str, bytes], name: str, change: Callable[[str], str]) -> dict[str, bytes]:
    return {**files, name: change(files[name].decode()).encode()}


def counts(dataset: Dataset) -> tuple[int, int, int, int]:
    return len(dataset.groups), len(dataset.pupils), len(dataset.staff), len(dataset.guardians)


# -- the sample sets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # One homeroom class, marked tobedeleted, and one scheduled class: no group. Students Mary,
        # mmichel and Anna; teachers John and Jim; parent Thomas, the agent of Mary.
        ("catalyst-1.1-full", (0, 3, 2, 1)),
        # The homeroom class is active here; parent Thomas lists no child, so he is left out.
        ("catalyst-1.1-minimal", (1, 3, 2, 0)),
        # Groep 1/2a and Groep 3 (the gym lesson is scheduled); five pupils; two teachers and an
        # aide; two parents, a guardian, a grandfather.
        ("regenboog-1.1", (2, 5, 3, 4)),
        # The same school in 1.2, where teacher Bram Jansen is also Lotte's parent (roles.csv).
        ("regenboog-1.2", (2, 5, 3, 5)),
    ],
)
def test_clean_sample_sets_read_without_problems(name: str, expected: tuple[int, int, int, int]) -> None:
    dataset = read(export(name))

    assert problems(dataset) == []
    assert counts(dataset) == expected
    assert dataset.full is True
    assert dataset.kinds == {"pupils", "guardians", "groups", "staff"}


def test_catalyst_sets_keep_their_keys_and_links() -> None:
    full = read(export("catalyst-1.1-full"))
    minimal = read(export("catalyst-1.1-minimal"))

    # The only org is a department; it stands in for the school, and the notes say so.
    assert full.school is not None
    assert (full.school.brin, full.school.name, full.school.school_year) == (
        "History",
        "History Department",
        "2022-2023",
    )
    assert any("only org, History Department" in note for note in full.notes)
    assert [(guardian.key, guardian.pupil_keys, guardian.relation) for guardian in full.guardians] == [
        ("usr-222-1234561", ("usr-222-66778899",), "parent")
    ]
    # Without an identifier the org's sourcedId is the school's key.
    assert minimal.school is not None and minimal.school.brin == "org-sch-222-456"
    assert [(group.key, group.name) for group in minimal.groups] == [("cls-222-123478", "History - 2")]
    placed = {pupil.key: pupil.group_key for pupil in minimal.pupils}
    assert placed == {"usr-222-66778899": "", "usr-222-1234561232": "cls-222-123478", "usr-222-567891": ""}
    assert {staff.key: staff.group_keys for staff in minimal.staff} == {
        "usr-222-123456": ("cls-222-123478",),
        "usr-222-987654": (),  # enrolled as a student: the enrolment is left out, with a note
    }
    assert any("1 enrolment whose role does not match" in note for note in minimal.notes)


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_dutch_primary_school_reads_into_groups_pupils_staff_and_guardians(version: str) -> None:
    dataset = read(export(f"regenboog-{version}"))

    assert dataset.school is not None
    assert (dataset.school.brin, dataset.school.branch_code) == ("99XX", "00")
    assert (dataset.school.name, dataset.school.school_year) == ("OBS De Regenboog", "2026-2027")
    assert str(dataset.school.source) == "orgs.csv:3"
    # PK and KG are groep 1 and 2; first grade (01) is groep 3.
    assert [(group.key, group.name, group.year_levels) for group in dataset.groups] == [
        ("cls-1-2a", "Groep 1/2a", (1, 2)),
        ("cls-3", "Groep 3", (3,)),
    ]
    pupils = {pupil.key: pupil for pupil in dataset.pupils}
    noor, emre, lotte = pupils["s-bakker-noor"], pupils["s-yilmaz-emre"], pupils["s-mulder-lotte"]
    assert (noor.first_name, noor.last_name, noor.group_key, noor.year_level) == ("Noor", "Bakker", "cls-1-2a", 2)
    assert (noor.birth_date, noor.sex) == (dt.date(2021, 3, 14), "f")
    assert (emre.last_name, emre.year_level, emre.sex) == ("Y\u0131lmaz", 1, "m")
    # No grade of her own: the level of her single-level group.
    assert (lotte.group_key, lotte.year_level) == ("cls-3", 3)
    # The gym lesson is not a placement: Sem stays in Groep 3.
    assert pupils["s-visser-sem"].group_key == "cls-3"
    assert str(pupils["s-visser-sem"].source) == "users.csv:7"
    assert pupils["s-bakker-daan"].called_name == ("Daantje" if version == "1.2" else "")
    staff = {member.key: member for member in dataset.staff}
    assert staff["t-devries"].group_keys == ("cls-1-2a",)
    assert staff["t-devries"].email == "a.devries@regenboog.example"
    assert staff["t-jansen"].group_keys == ("cls-3",)  # not the gym lesson
    assert staff["t-smit"].group_keys == ("cls-1-2a",)  # an aide
    guardians = {guardian.key: guardian for guardian in dataset.guardians}
    eva = guardians["p-bakker-eva"]
    # Noor names Eva as her agent, Eva names Daan: both links count, siblings share her.
    assert eva.pupil_keys == ("s-bakker-noor", "s-bakker-daan")
    assert (eva.relation, eva.email, eva.phone_mobile, eva.phone_home) == (
        "parent",
        "eva.bakker@example.net",
        "+31612345678",
        "0501234567",
    )
    assert guardians["p-bakker-mark"].pupil_keys == ("s-bakker-daan",)
    assert (guardians["p-yilmaz-ayse"].relation, guardians["p-visser-opa"].relation) == ("carer", "other")
    if version == "1.2":
        assert (guardians["t-jansen"].pupil_keys, guardians["t-jansen"].relation) == (("s-mulder-lotte",), "parent")
    assert any("1 scheduled class" in note for note in dataset.notes)


def test_the_messy_oneroster_1_2_set_gives_line_level_errors() -> None:
    dataset = read(export("catalyst-1.2-full"))

    assert problems(dataset) == [
        'manifest.csv:21: file.scoreScales must be bulk, delta or absent, not "".',
        'manifest.csv:22: file.userProfiles must be bulk, delta or absent, not "".',
        'manifest.csv:23: file.userResources must be bulk, delta or absent, not "".',
        "roles.csv:1: The header has a column without a name.",
        "roles.csv:1: Unknown columns: dataLastModified",
        "users.csv:1: Unknown columns: prefferedGivenName, prefferedMiddleName, prefferedFamilyName",
        *(
            f"users.csv:{line}: The dateLastModified {value} is not an ISO 8601 date and time (2026-08-31T12:00:00Z)."
            for line, value in [
                (2, "1/05/2023"),
                (4, "1/05/2023"),
                (5, "1/05/2023"),
                (6, "1/05/2023"),
                (7, "15/06/2023"),
            ]
        ),
    ]
    assert "Files not read: userprofiles.csv" in dataset.notes


def test_the_messy_vendor_set_gives_line_level_errors() -> None:
    dataset = read(export("oat-sa-1.1-vendor"))

    assert problems(dataset) == [
        "academicSessions.csv:1: Required columns are missing: schoolYear",
        "classes.csv:1: Unknown columns: grade, ext_imagineLearning_databaseId",
        "demographics.csv:1: Unknown columns: userSourcedId, birthdate",
        "demographics.csv:1: Required columns are missing: sourcedId",
        "orgs.csv:1: Unknown columns: ext_imagineLearning_databaseId",
        "orgs.csv:3: The export holds more than one school (School 1, School 2); export one school at a time.",
        "users.csv:1: Unknown columns: userId, agents, ext_imagineLearning_databaseId, ext_imagineLearning_ssoId, "
        "ext_imagineLearning_studentPassword, ext_imagineLearning_studentGrade, ext_imagineLearning_Language, "
        "ext_tao_userMotherName, ext_tao_userFatherName",
    ]


def test_problems_are_translated() -> None:
    files = export("oat-sa-1.1-vendor")
    with translation.override("nl"):
        dataset = read_oneroster(list(files.items()), today=TODAY)

    assert "academicSessions.csv:1: Verplichte kolommen ontbreken: schoolYear" in problems(dataset)


# -- messy files -------------------------------------------------------------------------------------


def test_a_missing_manifest_or_required_file_is_named() -> None:
    files = export("regenboog-1.1")

    without_manifest = {name: content for name, content in files.items() if name != "manifest.csv"}
    assert problems(read(without_manifest)) == [
        "manifest.csv: The export has no manifest.csv; it is required to read OneRoster files."
    ]
    without_users = {name: content for name, content in files.items() if name != "users.csv"}
    assert problems(read(without_users)) == ["users.csv: This file is missing from the export; it is required."]
    roles_gone = {name: content for name, content in export("regenboog-1.2").items() if name != "roles.csv"}
    assert problems(read(roles_gone)) == ["roles.csv: This file is missing from the export; it is required."]


def test_an_unsupported_version_is_refused() -> None:
    files = edit(
        export("regenboog-1.1"),
        "manifest.csv",
        lambda text: text.replace("oneroster.version,1.1", "oneroster.version,1.0"),
    )

    assert problems(read(files)) == [
        "manifest.csv:3: OneRoster version 1.0 is not supported; export version 1.1 or 1.2."
    ]


def test_a_missing_required_column_is_reported_on_the_header() -> None:
    files = edit(export("regenboog-1.1"), "users.csv", lambda text: text.replace(",givenName,", ",firstName,", 1))

    assert problems(read(files)) == [
        "users.csv:1: Unknown columns: firstName",
        "users.csv:1: Required columns are missing: givenName",
    ]


def test_an_enrollment_to_a_missing_class_names_its_line() -> None:
    files = edit(
        export("regenboog-1.1"),
        "enrollments.csv",
        lambda text: text.replace(
            "e-sem,active,2026-08-20T08:00:00Z,cls-3,", "e-sem,active,2026-08-20T08:00:00Z,cls-4,"
        ),
    )

    assert problems(read(files)) == ["enrollments.csv:7: classSourcedId cls-4 is not in classes.csv."]


def test_unknown_users_and_agents_are_reported() -> None:
    files = edit(
        export("regenboog-1.1"),
        "enrollments.csv",
        lambda text: text.replace(",s-bakker-noor,student", ",s-nobody,student"),
    )
    files = edit(files, "users.csv", lambda text: text.replace(",p-bakker-eva,KG,", ",p-bakker-eve,KG,"))

    assert problems(read(files)) == [
        "enrollments.csv:5: userSourcedId s-nobody is not in users.csv.",
        "users.csv:5: agentSourcedIds p-bakker-eve is not in users.csv.",
    ]


def test_duplicate_sourced_ids_name_both_lines() -> None:
    def double(text: str) -> str:
        return text.replace("s-mulder-lotte,active", "s-bakker-daan,active")

    dataset = read(edit(export("regenboog-1.1"), "users.csv", double))

    assert "users.csv:9: The sourcedId s-bakker-daan is used before, on line 8." in problems(dataset)


def test_a_pupil_in_two_homeroom_classes_is_an_error() -> None:
    def second_group(text: str) -> str:
        return text + "e-daan-2,active,2026-08-20T08:00:00Z,cls-1-2a,org-regenboog,s-bakker-daan,student,false,,\n"

    dataset = read(edit(export("regenboog-1.1"), "enrollments.csv", second_group))

    assert problems(dataset) == [
        "enrollments.csv:12: The pupil s-bakker-daan is already in the homeroom class cls-3 (line 8)."
    ]


def test_bad_values_are_reported_per_line() -> None:
    files = export("regenboog-1.1")
    files = edit(files, "classes.csv", lambda text: text.replace('"PK,KG"', '"PK,K2"'))
    files = edit(files, "users.csv", lambda text: text.replace(",student,sem.visser,", ",pupil,sem.visser,"))
    files = edit(files, "demographics.csv", lambda text: text.replace("2019-11-08,male", "08-11-2019,boy"))
    files = edit(
        files, "academicSessions.csv", lambda text: text.replace("2027-01-29,as-2027,2027", "2027-01-29,as-2027,26/27")
    )
    files = edit(
        files,
        "enrollments.csv",
        lambda text: text.replace(",t-jansen,teacher,true,2026-08-17,2027-07-16", ",t-jansen,leader,true,,"),
    )
    files = edit(files, "orgs.csv", lambda text: text.replace(",district,", ",board,"))

    assert problems(read(files)) == [
        "academicSessions.csv:3: The schoolYear 26/27 is not a year such as 2027 (the year the school year ends).",
        "classes.csv:2: Unknown grade K2; use the CEDS codes PK, KG, 01 … 13.",
        "demographics.csv:5: The birthDate 08-11-2019 is not a date such as 2026-08-31.",
        "demographics.csv:5: Unknown sex boy; use female, male.",
        "enrollments.csv:4: Unknown role leader.",
        "orgs.csv:2: Unknown org type board.",
        "users.csv:7: Unknown role pupil.",
    ]


def test_a_line_with_too_few_values_is_reported() -> None:
    files = edit(
        export("regenboog-1.1"),
        "orgs.csv",
        lambda text: text.replace(
            ",Stichting Primair Onderwijs Noord,district,,", ",Stichting Primair Onderwijs Noord,district,"
        ),
    )

    assert problems(read(files)) == ["orgs.csv:2: This line has 6 values; the header has 7 columns."]


def test_a_byte_order_mark_is_accepted() -> None:
    files = export("regenboog-1.1")
    with_bom = {name: codecs.BOM_UTF8 + content for name, content in files.items()}

    dataset = read(with_bom)

    assert problems(dataset) == []
    assert counts(dataset) == (2, 5, 3, 4)


def test_a_file_that_is_not_utf8_names_the_line() -> None:
    files = export("regenboog-1.1")
    # Saved by a spreadsheet in Windows-1252 (which lacks the Turkish letters): "Zoë" becomes one byte.
    text = files["users.csv"].decode().replace("Y\u0131lmaz", "Yilmaz").replace("Ayşe", "Zoë")
    latin = text.encode("cp1252")

    assert problems(read({**files, "users.csv": latin})) == [
        "users.csv:12: This line is not valid UTF-8; save the file as UTF-8."
    ]
    utf16 = files["orgs.csv"].decode().encode("utf-16")
    assert problems(read({**files, "orgs.csv": utf16})) == ["orgs.csv: The file is UTF-16; save it as UTF-8."]


def test_deleted_rows_are_left_out_and_a_delta_is_not_full() -> None:
    files = edit(
        export("regenboog-1.1"),
        "users.csv",
        lambda text: text.replace("s-mulder-lotte,active", "s-mulder-lotte,tobedeleted"),
    )
    bulk = read(files)
    assert problems(bulk) == []
    # Her enrolment points at a deleted user: left out, no error. In a full export she has left.
    assert "s-mulder-lotte" not in {pupil.key for pupil in bulk.pupils}
    assert bulk.full is True

    delta = edit(files, "manifest.csv", lambda text: text.replace("file.users,bulk", "file.users,delta"))
    # A delta need not list unchanged users: enrolments of users it does not list are no error.
    delta = edit(
        delta,
        "users.csv",
        lambda text: "\n".join(line for line in text.splitlines() if "s-visser-sem" not in line) + "\n",
    )
    dataset = read(delta)
    assert problems(dataset) == []
    assert dataset.full is False
    assert dataset.kinds == frozenset()
    assert any("delta export" in note for note in dataset.notes)


# -- zips ----------------------------------------------------------------------------------------------


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(folder + name, content)
    return buffer.getvalue()


def read_zip(data: bytes, **limits: int) -> Dataset:
    with translation.override("en"):
        return read_oneroster_zip(data, "export.zip", today=TODAY, **limits)


def test_a_zipped_export_reads_like_its_files() -> None:
    files = export("regenboog-1.2")
    data = zipped({**files, "._users.csv": b"\x00\x05\x16\x07"}, folder="oneroster/")

    dataset = read_zip(data)

    assert problems(dataset) == []
    assert counts(dataset) == (2, 5, 3, 5)


def test_a_zip_bomb_is_refused_before_unpacking() -> None:
    files = {**export("regenboog-1.1"), "results.csv": b"\x00" * (60 * 1024 * 1024)}
    data = zipped(files)
    assert len(data) < 1024 * 1024  # sixty megabytes of zeros pack into well under one

    dataset = read_zip(data)

    assert problems(dataset) == [
        "export.zip: The zip file unpacks to more than 50 MB; a OneRoster export of one school is far smaller."
    ]
    assert dataset.pupils == []


def test_a_zip_that_lies_about_its_sizes_stops_at_the_limit() -> None:
    data = bytearray(zipped({"users.csv": b"a" * 5000}))
    # Claim 10 bytes in both the local and the central header: zipfile then refuses to read past
    # them, and whatever it hands back, the reader never keeps more than the limit.
    local = data.index(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")

    dataset = read_zip(bytes(data), max_bytes=1000)

    assert problems(dataset) == ["export.zip: The zip file is damaged (users.csv cannot be unpacked)."]


def test_a_zip_with_too_many_files_or_no_zip_at_all_is_refused() -> None:
    many = zipped({f"extra{number}.csv": b"" for number in range(60)})

    assert problems(read_zip(many)) == ["export.zip: The zip file holds 60 files; a OneRoster export has at most 50."]
    assert problems(read_zip(b"sourcedId,status\n")) == ["export.zip: The file is not a zip file."]
    doubled = zipped({"a/users.csv": b"x", "b/users.csv": b"y"})
    assert problems(read_zip(doubled)) == ["export.zip: The zip file holds users.csv twice."]


@pytest.mark.parametrize(
    ("grades", "levels"),
    [
        ("PK", (1,)),
        ("TK", (1,)),
        ("KG", (2,)),
        ('"01,02"', (3, 4)),
        ("03", (5,)),
        ("04", (6,)),
        ('"05,06"', (7, 8)),
        ("07", ()),  # beyond Dutch primary school
        ("", ()),
    ],
)
def test_grades_become_dutch_year_levels_by_age(grades: str, levels: tuple[int, ...]) -> None:
    files = edit(
        export("regenboog-1.1"), "classes.csv", lambda text: text.replace(",01,crs-groep-3,", f",{grades},crs-groep-3,")
    )

    dataset = read(files)

    assert problems(dataset) == []
    assert next(group for group in dataset.groups if group.key == "cls-3").year_levels == levels


def test_roles_in_1_2_are_checked() -> None:
    files = export("regenboog-1.2")
    no_role = edit(
        files,
        "roles.csv",
        lambda text: "".join(line for line in text.splitlines(keepends=True) if ",t-smit," not in line),
    )
    assert problems(read(no_role)) == ["users.csv:4: The user has no role in roles.csv."]

    def also_teacher(text: str) -> str:
        return text + "r-noor-2,active,,s-bakker-noor,secondary,teacher,,,org-regenboog,\n"

    assert problems(read(edit(files, "roles.csv", also_teacher))) == [
        "roles.csv:5: A student cannot also have the roles teacher."
    ]
    unknown_org = edit(
        files,
        "roles.csv",
        lambda text: text.replace(
            "t-smit,primary,aide,2026-08-17,,org-regenboog", "t-smit,primary,aide,2026-08-17,,org-elders"
        ),
    )
    assert problems(read(unknown_org)) == ["roles.csv:4: orgSourcedId org-elders is not in orgs.csv."]


def test_a_row_with_a_problem_is_reported_once_not_again_where_it_is_referenced() -> None:
    # Daan lacks a given name: his line is named; his enrolment and his parents' links are not.
    files = edit(
        export("regenboog-1.1"), "users.csv", lambda text: text.replace(",daan.bakker,,Daan,", ",daan.bakker,,,")
    )

    assert problems(read(files)) == ["users.csv:8: Required values are empty: givenName"]


def test_a_file_given_twice_is_reported() -> None:
    files = list(export("regenboog-1.1").items())

    with translation.override("en"):
        dataset = read_oneroster([*files, ("copy/users.csv", files[-1][1])], today=TODAY)

    assert "users.csv: The export holds this file twice." in problems(dataset)


def test_the_files_a_oneroster_export_may_hold_are_known_and_the_unread_ones_noted() -> None:
    from schoolbrug.sis.sync.oneroster import ONEROSTER_FILES

    assert {"manifest.csv", "users.csv", "roles.csv", "lineitems.csv", "userprofiles.csv"} <= ONEROSTER_FILES
    files = {**export("regenboog-1.1"), "lineItems.csv": b"sourcedId\n", "results.csv": b"sourcedId\n"}

    dataset = read(files)

    assert problems(dataset) == []
    assert "Files not read: lineItems.csv, results.csv" in dataset.notes
