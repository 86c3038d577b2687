"""A OneRoster export synchronised into a new school, end to end: `sis_sync` reads the folder
through the sync service, plans, applies; a second run writes nothing; a later export without a
pupil marks her left; a messy export applies nothing (SIS-9, decision 0017)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from schoolbrug.sis.models import Guardianship, Placement, Pupil, School, StaffMember
from schoolbrug.sis.sync.service import read_files, sync_apply, sync_plan

FIXTURES = Path(__file__).parent / "fixtures" / "oneroster"


def current_export(name: str) -> dict[str, bytes]:
    """The fixture with its school year moved to the current one (the sync takes only the current
    or the next year): 2026 and 2027 become this school year's first and last calendar year."""
    today = timezone.localdate()
    end = today.year + 1 if today.month >= 8 else today.year
    files = {}
    for path in sorted((FIXTURES / name).iterdir()):
        text = path.read_text(encoding="utf-8")
        text = text.replace("2026", "\0").replace("2027", str(end)).replace("\0", str(end - 1))
        files[path.name] = text.encode()
    return files


def sync(folder: Path, *arguments: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = 0
    with translation.override("en"):
        try:
            call_command("sis_sync", str(folder), *arguments, stdout=out)
        except SystemExit as exit:
            code = int(exit.code or 0)
    return code, out.getvalue().splitlines()


def write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


@pytest.mark.django_db
def test_a_oneroster_export_creates_a_school_and_a_second_run_writes_nothing(tmp_path: Path) -> None:
    folder = write(tmp_path / "export", current_export("regenboog-1.1"))

    code, lines = sync(folder, "--create-school")

    assert code == 0, lines
    assert lines[-1] == "pupils +5 ~0 -0 =0; guardians +4 ~0 -0 =0; groups +2 ~0 -0 =0; staff +3 ~0 -0 =0"
    school = School.objects.get(brin="99XX")
    assert school.name == "OBS De Regenboog"
    placements = {
        placement.pupil.external_key: placement.group.name
        for placement in Placement.objects.filter(pupil__school=school).select_related("pupil", "group")
    }
    assert placements == {
        "s-bakker-noor": "Groep 1/2a",
        "s-yilmaz-emre": "Groep 1/2a",
        "s-visser-sem": "Groep 3",
        "s-bakker-daan": "Groep 3",
        "s-mulder-lotte": "Groep 3",
    }
    noor = Pupil.objects.get(school=school, external_key="s-bakker-noor")
    assert (str(noor.birth_date), noor.sex) == ("2021-03-14", Pupil.Sex.FEMALE)
    links = {
        (link.guardian.external_key, link.pupil.external_key, link.relation)
        for link in Guardianship.objects.filter(pupil__school=school).select_related("guardian", "pupil")
    }
    assert links == {
        ("p-bakker-eva", "s-bakker-noor", "parent"),
        ("p-bakker-eva", "s-bakker-daan", "parent"),
        ("p-bakker-mark", "s-bakker-daan", "parent"),
        ("p-yilmaz-ayse", "s-yilmaz-emre", "carer"),
        ("p-visser-opa", "s-visser-sem", "other"),
    }
    teachers = {
        member.external_key: sorted(group.name for group in member.groups.all())
        for member in StaffMember.objects.filter(school=school).prefetch_related("groups")
    }
    assert teachers == {"t-devries": ["Groep 1/2a"], "t-jansen": ["Groep 3"], "t-smit": ["Groep 1/2a"]}

    with CaptureQueriesContext(connection) as queries:
        code, lines = sync(folder, "--school", "99XX")
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]

    assert code == 0, lines
    assert lines[-1] == "pupils +0 ~0 -0 =5; guardians +0 ~0 -0 =4; groups +0 ~0 -0 =2; staff +0 ~0 -0 =3"
    # Only the bookkeeping of a sync: "last synchronised" on the school and the audit log entry.
    assert all("sis_school" in sql or "audit" in sql for sql in writes), writes


@pytest.mark.django_db
def test_a_pupil_missing_from_a_later_full_export_has_left(tmp_path: Path) -> None:
    files = current_export("regenboog-1.2")
    first = read_files(list(files.items()))
    plan = sync_apply(actor=None, school=None, dataset=first, create_school=True)
    assert plan.applied, [str(issue) for issue in plan.issues]
    school = School.objects.get(brin="99XX")
    # Bram Jansen is a teacher and Lotte's father: one person, staff member and guardian.
    assert Guardianship.objects.get(pupil__external_key="s-mulder-lotte").guardian.first_name == "Bram"

    def without_lotte(content: bytes) -> bytes:
        return b"".join(line for line in content.splitlines(keepends=True) if b"s-mulder-lotte" not in line)

    later = {name: without_lotte(content) for name, content in files.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in later.items():
            archive.writestr(f"oneroster/{name}", content)
    dataset = read_files([("export.zip", buffer.getvalue())])
    preview = sync_plan(school=school, dataset=dataset)

    assert preview.issues == []
    assert preview.summary() == "pupils +0 ~0 -1 =4; guardians +0 ~0 -1 =4; groups +0 ~0 -0 =2; staff +0 ~0 -0 =3"
    assert sync_apply(actor=None, school=school, dataset=dataset).applied
    lotte = Pupil.objects.get(school=school, external_key="s-mulder-lotte")
    assert lotte.status == Pupil.Status.LEFT


@pytest.mark.django_db
def test_a_messy_export_prints_its_problems_and_applies_nothing(tmp_path: Path) -> None:
    source = FIXTURES / "catalyst-1.2-full"
    folder = write(tmp_path / "messy", {path.name: path.read_bytes() for path in source.iterdir()})

    code, lines = sync(folder, "--create-school")

    assert code == 1
    assert "users.csv:1: Unknown columns: prefferedGivenName, prefferedMiddleName, prefferedFamilyName" in lines
    assert 'manifest.csv:22: file.userProfiles must be bulk, delta or absent, not "".' in lines
    assert lines[-1] == "pupils +0 ~0 -0 =0; guardians +0 ~0 -0 =0; groups +0 ~0 -0 =0; staff +0 ~0 -0 =0"
    assert not School.objects.exists()


def test_a_whole_oneroster_zip_with_gradebook_files_is_read_as_one_export() -> None:
    # Exports often carry every file of the standard (gradebook, resources); they belong to the
    # OneRoster set and are not "unknown files" of another format.
    files = current_export("regenboog-1.2")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr("lineItems.csv", "sourcedId,status,dateLastModified,title\n")
    dataset = read_files([("export.zip", buffer.getvalue())])
    assert not [str(issue) for issue in dataset.issues if "lineItems" in str(issue)]
    assert len(dataset.pupils) == 5
