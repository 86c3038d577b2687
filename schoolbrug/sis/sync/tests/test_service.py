"""Preview and apply of a sync (SIS-9): semantics, bad input, query counts and the command."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from lxml import etree

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.sis.models import (
    Branch,
    Group,
    GroupStaff,
    Guardian,
    Guardianship,
    MedicalInfo,
    Placement,
    Pupil,
    School,
    StaffMember,
)
from schoolbrug.sis.sync.dataset import Dataset, GroupData, PupilData, SchoolData, Source
from schoolbrug.sis.sync.generate import Export
from schoolbrug.sis.sync.service import read_files, sync_apply, sync_plan
from schoolbrug.sis.testing import make_school

RECORD_TABLES = ("sis_branch", "sis_pupil", "sis_guardian", "sis_guardianship", "sis_group", "sis_groupyearlevel",
                 "sis_placement", "sis_staffmember", "sis_groupstaff", "sis_schoolyear")  # fmt: skip


def writes(queries: list[dict[str, str]]) -> list[str]:
    """INSERT/UPDATE/DELETE statements on the school records (not the audit log or the school's
    last-synchronised stamp)."""
    found = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and any(f'"{t.upper()}"' in sql for t in RECORD_TABLES):
            found.append(query["sql"])
    return found


class SyncTestCase(TestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.school, self.previous, self.current = make_school("OBS De Linde")
        self.school.brin = "12AB"
        self.school.save()
        self.export = Export()

    def files(self, export: Export | None = None) -> list[tuple[str, bytes]]:
        export = export or self.export
        return [("EDEX.XML", export.edexml()), ("verzorgers.csv", export.guardians_csv())]

    def apply(self, export: Export | None = None):  # type: ignore[no-untyped-def]
        plan = sync_apply(actor=None, school=self.school, dataset=read_files(self.files(export)))
        self.assertEqual(plan.issues, [])
        self.assertTrue(plan.applied)
        return plan


class FirstImportTests(SyncTestCase):
    def test_preview_writes_nothing_and_counts_what_would_be_added(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            plan = sync_plan(school=self.school, dataset=read_files(self.files()))
        self.assertEqual(plan.issues, [])
        self.assertEqual(
            plan.summary(), "pupils +30 ~0 -0 =0; guardians +48 ~0 -0 =0; groups +4 ~0 -0 =0; staff +6 ~0 -0 =0"
        )
        self.assertEqual([q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")], [])
        self.assertFalse(Pupil.objects.exists())

    def test_apply_creates_school_records_with_the_files_keys(self) -> None:
        plan = self.apply()
        self.assertEqual(
            plan.summary(), "pupils +30 ~0 -0 =0; guardians +48 ~0 -0 =0; groups +4 ~0 -0 =0; staff +6 ~0 -0 =0"
        )
        pupil = Pupil.objects.get(external_key="LL00007")
        self.assertEqual((pupil.first_name, pupil.last_name, pupil.eck_id, pupil.birth_date),
                         ("Finn", "Jansen", "https://id.school/LL_LL00007", dt.date(2015, 1, 22)))  # fmt: skip
        self.assertEqual(Placement.objects.get(pupil=pupil).group.external_key, "2026-2027/G003")
        self.assertEqual(Placement.objects.get(pupil=pupil).year, self.current)
        group = Group.objects.get(external_key="2026-2027/G003")
        self.assertEqual(group.year_level_label, "4")
        teacher = StaffMember.objects.get(external_key="LK0003")
        self.assertEqual(list(teacher.groups.all()), [group])
        guardian = Guardian.objects.get(external_key="V00001")
        link = Guardianship.objects.get(guardian=guardian)
        self.assertEqual((link.pupil.external_key, link.relation, link.app_invitation), ("LL00000", "mother", True))
        self.school.refresh_from_db()
        self.assertIsNotNone(self.school.last_synced_at)
        event = AuditEvent.objects.get(school_id=self.school.pk)
        self.assertEqual(event.data["sis_sync"], plan.summary())
        self.assertEqual(event.data["files"], ["EDEX.XML", "verzorgers.csv"])

    def test_query_count_does_not_grow_with_the_number_of_rows(self) -> None:
        counts = []
        for size in (20, 80):
            Pupil.objects.all().delete()
            Group.objects.all().delete()
            StaffMember.objects.all().delete()
            Guardian.objects.all().delete()
            export = Export(pupils=size, groups=4, teachers=6, guardians=size * 3 // 2)
            with CaptureQueriesContext(connection) as queries:
                self.apply(export)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    def test_create_school_makes_the_school_of_the_files_brin(self) -> None:
        export = Export(brin="34CD")
        dataset = read_files(self.files(export))
        plan = sync_plan(school=None, dataset=dataset)
        self.assertIn("34CD", plan.issues[0].message)
        plan = sync_apply(actor=None, school=None, dataset=dataset, create_school=True)
        self.assertTrue(plan.applied, plan.issues)
        school = School.objects.get(brin="34CD")
        self.assertEqual(school.pupils.count(), 30)
        self.assertEqual(school.years.get().name, "2026-2027")
        self.assertTrue(school.years.get().is_current)
        self.assertEqual(school.branch_code, "00")

    def test_create_school_for_another_branch_of_a_known_brin_makes_a_second_school(self) -> None:
        self.school.branch_code = "00"
        self.school.save()
        dataset = read_files(self.files(Export(branch_code="01", branches={"VO": "Vestiging Oost"})))
        plan = sync_plan(school=None, dataset=dataset)
        self.assertIn("12AB01", plan.issues[0].message)
        plan = sync_apply(actor=None, school=None, dataset=dataset, create_school=True)
        self.assertTrue(plan.applied, plan.issues)
        school = School.objects.get(brin="12AB", branch_code="01")
        self.assertNotEqual(school, self.school)
        self.assertEqual([(b.external_key, b.name) for b in school.branches.all()], [("VO", "Vestiging Oost")])
        self.assertFalse(self.school.pupils.exists())


class ReimportTests(SyncTestCase):
    def test_the_same_files_again_write_nothing_to_the_records(self) -> None:
        self.apply()
        with CaptureQueriesContext(connection) as queries:
            plan = self.apply()
        self.assertEqual(writes(queries.captured_queries), [])
        self.assertEqual(
            plan.summary(), "pupils +0 ~0 -0 =30; guardians +0 ~0 -0 =48; groups +0 ~0 -0 =4; staff +0 ~0 -0 =6"
        )
        self.assertEqual(AuditEvent.objects.filter(school_id=self.school.pk).count(), 2)

    def test_a_pupil_missing_from_the_full_export_is_marked_left_never_deleted(self) -> None:
        self.apply()
        plan = self.apply(Export(left_out={"LL00004"}))
        self.assertEqual([r.key for r in plan.pupils.left], ["LL00004"])
        pupil = Pupil.objects.get(external_key="LL00004")
        self.assertEqual((pupil.status, pupil.left_on), (Pupil.Status.LEFT, timezone.localdate()))
        self.assertTrue(Placement.objects.filter(pupil=pupil).exists())
        # The guardian of that pupil is not in the guardian file either: the link goes, the record stays.
        self.assertEqual([r.key for r in plan.guardians.left], ["V00007"])
        self.assertTrue(Guardian.objects.filter(external_key="V00007").exists())
        self.assertFalse(Guardianship.objects.filter(pupil=pupil).exists())
        # Again: nothing more leaves.
        plan = self.apply(Export(left_out={"LL00004"}))
        self.assertEqual(plan.summary().split(";")[0], "pupils +0 ~0 -0 =29")

    def test_a_staff_member_missing_from_the_export_is_no_longer_employed_but_hand_made_staff_stay(self) -> None:
        admin = StaffMember.objects.create(school=self.school, first_name="Beheer", last_name="Der", is_active=True)
        self.apply()
        export = Export(teachers=5)
        plan = self.apply(export)
        self.assertEqual([r.key for r in plan.staff.left], ["LK0005"])
        self.assertFalse(StaffMember.objects.get(external_key="LK0005").is_active)
        admin.refresh_from_db()
        self.assertTrue(admin.is_active)

    def test_fields_the_files_do_not_carry_are_kept(self) -> None:
        self.apply()
        pupil = Pupil.objects.get(external_key="LL00001")
        pupil.remark = "Allergisch voor pinda's, zie medisch"
        pupil.save()
        MedicalInfo.objects.create(pupil=pupil, allergies="pinda")
        link = Guardianship.objects.get(guardian__external_key="V00001")
        link.portal_access = False  # set by the school; the CSV's portal_access cells are empty
        link.save()
        guardian = link.guardian
        guardian.gp_name = "Dokter Smit"
        guardian.save()
        export = Export(pupil_overrides={"LL00001": {"first_name": "Bramje"}})
        self.apply(export)
        pupil.refresh_from_db()
        link.refresh_from_db()
        guardian.refresh_from_db()
        self.assertEqual((pupil.first_name, pupil.remark), ("Bramje", "Allergisch voor pinda's, zie medisch"))
        self.assertEqual(pupil.medical.allergies, "pinda")
        self.assertFalse(link.portal_access)
        self.assertEqual(guardian.gp_name, "Dokter Smit")

    def test_a_record_edited_by_hand_and_changed_in_the_file_follows_the_file_and_the_plan_says_so(self) -> None:
        self.apply()
        pupil = Pupil.objects.get(external_key="LL00002")
        pupil.last_name = "Handmatig"
        pupil.save()
        export = Export(pupil_overrides={"LL00002": {"last_name": "Nieuw"}})
        plan = sync_plan(school=self.school, dataset=read_files(self.files(export)))
        [change] = plan.pupils.changed
        self.assertTrue(change.edited_by_hand)
        self.assertEqual(
            [(c.field, c.before, c.after, c.edited_by_hand) for c in change.changes],
            [("last_name", "Handmatig", "Nieuw", True)],
        )
        self.assertEqual(plan.edited_by_hand, [change])
        self.apply(export)
        pupil.refresh_from_db()
        self.assertEqual(pupil.last_name, "Nieuw")
        # Synchronised now: the next plan no longer calls it edited by hand.
        self.assertEqual(sync_plan(school=self.school, dataset=read_files(self.files(export))).edited_by_hand, [])

    def test_an_edit_in_schoolbrug_is_kept_while_the_file_still_says_the_same(self) -> None:
        self.apply()
        pupil = Pupil.objects.get(external_key="LL00002")
        pupil.called_name = "Sannie"
        pupil.save()
        link = Guardianship.objects.get(guardian__external_key="V00003")
        link.app_invitation = False  # the CSV says "ja"; the school switched it off
        link.save()
        other_group = Group.objects.get(external_key="2026-2027/G000")
        Placement.objects.filter(pupil=pupil).update(group=other_group)
        with CaptureQueriesContext(connection) as queries:
            plan = self.apply()
        self.assertEqual(writes(queries.captured_queries), [])
        self.assertEqual(plan.summary().split(";")[:2], ["pupils +0 ~0 -0 =30", " guardians +0 ~0 -0 =48"])
        kept = {r.key: [(c.field, c.before, c.after) for c in r.kept] for r in plan.kept_edits}
        self.assertEqual(kept["LL00002"], [("called_name", "Sannie", "Sanne"), ("group", "Groep 1A", "Groep 3A")])
        self.assertEqual(kept["V00003"], [("app_invitation", "no", "yes")])
        pupil.refresh_from_db()
        link.refresh_from_db()
        self.assertEqual((pupil.called_name, link.app_invitation), ("Sannie", False))
        self.assertEqual(Placement.objects.get(pupil=pupil).group, other_group)

    def test_fifty_changes_and_a_move_to_another_group(self) -> None:
        self.apply(Export(pupils=60, guardians=90))
        overrides = {f"LL{i:05d}": {"first_name": f"Naam{i}"} for i in range(49)}
        overrides["LL00050"] = {"group": "G000"}
        export = Export(pupils=60, guardians=90, pupil_overrides=overrides)
        plan = self.apply(export)
        self.assertEqual(plan.summary().split(";")[0], "pupils +0 ~50 -0 =10")
        moved = next(r for r in plan.pupils.changed if r.key == "LL00050")
        self.assertEqual([(c.field, c.after) for c in moved.changes], [("group", "Groep 1A")])
        self.assertEqual(Placement.objects.get(pupil__external_key="LL00050").group.name, "Groep 1A")
        self.assertEqual(Placement.objects.filter(pupil__external_key="LL00050").count(), 1)


class BadInputTests(SyncTestCase):
    def assert_nothing_written(self) -> None:
        self.assertFalse(Pupil.objects.exists())
        self.assertFalse(Group.objects.exists())
        self.assertFalse(Guardian.objects.exists())
        self.school.refresh_from_db()
        self.assertIsNone(self.school.last_synced_at)

    def test_a_file_of_another_school_is_refused(self) -> None:
        plan = sync_apply(actor=None, school=self.school, dataset=read_files(self.files(Export(brin="99ZZ"))))
        self.assertFalse(plan.applied)
        self.assertEqual([str(i.source) for i in plan.issues], ["EDEX.XML:3"])
        self.assertIn("99ZZ", plan.issues[0].message)
        self.assert_nothing_written()

    def test_a_school_year_that_is_not_the_current_or_next_one_is_refused(self) -> None:
        for year in ("2025-2026", "2028-2029"):
            with self.subTest(year):
                plan = sync_apply(
                    actor=None, school=self.school, dataset=read_files(self.files(Export(school_year=year)))
                )
                self.assertIn(year, plan.issues[0].message)
                self.assert_nothing_written()
        plan = sync_plan(school=self.school, dataset=read_files(self.files(Export(school_year="2027-2028"))))
        self.assertEqual(plan.issues, [])

    def test_next_years_export_places_pupils_in_next_years_groups_and_marks_nobody_left(self) -> None:
        self.apply()
        plan = sync_plan(school=self.school, dataset=read_files(self.files(Export(school_year="2027-2028",
                                                                                  left_out={"LL00001"}))))  # fmt: skip
        self.assertEqual((plan.issues, plan.pupils.left), ([], []))
        self.apply(Export(school_year="2027-2028"))
        pupil = Pupil.objects.get(external_key="LL00002")
        self.assertEqual(
            sorted(pupil.placements.values_list("year__name", "group__external_key")),
            [("2026-2027", "2026-2027/G002"), ("2027-2028", "2027-2028/G002")],
        )
        self.assertFalse(self.school.years.get(name="2027-2028").is_current)
        # Both years stay in sync: loading this year's export again writes nothing.
        with CaptureQueriesContext(connection) as queries:
            self.apply()
        self.assertEqual(writes(queries.captured_queries), [])

    def test_one_bad_guardian_row_stops_the_whole_sync(self) -> None:
        export = Export(guardian_overrides={"V00010": {"relation": "buurman"}})
        plan = sync_apply(actor=None, school=self.school, dataset=read_files(self.files(export)))
        self.assertEqual([str(i.source) for i in plan.issues], ["verzorgers.csv:12"])
        self.assert_nothing_written()

    def test_a_pupil_in_two_groups_is_an_issue(self) -> None:
        dataset = Dataset(
            school=SchoolData(brin="12AB", school_year="2026-2027"),
            groups=[GroupData("A", "Groep 3", (3,)), GroupData("B", "Groep 4", (4,))],
            pupils=[
                PupilData("P1", "Sam", "Bos", birth_date=dt.date(2018, 1, 1), group_key="A",
                          source=Source("users.csv", line=2)),
                PupilData("P1", "Sam", "Bos", birth_date=dt.date(2018, 1, 1), group_key="B",
                          source=Source("users.csv", line=3)),
            ],
        )  # fmt: skip
        plan = sync_apply(actor=None, school=self.school, dataset=dataset)
        self.assertEqual([str(i.source) for i in plan.issues], ["users.csv:3"])
        self.assertIn("two groups", plan.issues[0].message)
        self.assert_nothing_written()

    def test_a_failure_half_way_leaves_nothing_half_written(self) -> None:
        with (
            mock.patch("schoolbrug.accounts.audit.record", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            sync_apply(actor=None, school=self.school, dataset=read_files(self.files()))
        self.assert_nothing_written()
        self.assertFalse(GroupStaff.objects.exists())


class CommandTests(SyncTestCase):
    def run_command(self, *args: str) -> tuple[int, list[str]]:
        out = io.StringIO()
        code = 0
        try:
            call_command("sis_sync", *args, stdout=out, stderr=out)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        return code, out.getvalue().strip().splitlines()

    def write(self, directory: str, export: Export) -> tuple[str, str]:
        xml, csv = Path(directory) / "EDEX.XML", Path(directory) / "verzorgers.csv"
        xml.write_bytes(export.edexml())
        csv.write_bytes(export.guardians_csv())
        return str(xml), str(csv)

    def test_dry_run_then_apply_then_again(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            xml, csv = self.write(directory, self.export)
            code, lines = self.run_command(xml, csv, "--school", "12ab", "--dry-run")
            self.assertEqual(code, 0)
            self.assertEqual(
                lines[-1], "pupils +30 ~0 -0 =0; guardians +48 ~0 -0 =0; groups +4 ~0 -0 =0; staff +6 ~0 -0 =0"
            )
            self.assertFalse(Pupil.objects.exists())
            code, lines = self.run_command(xml, csv)
            self.assertEqual(code, 0)
            self.assertEqual(Pupil.objects.count(), 30)
            code, lines = self.run_command(xml, csv)
            self.assertEqual(
                lines[-1], "pupils +0 ~0 -0 =30; guardians +0 ~0 -0 =48; groups +0 ~0 -0 =4; staff +0 ~0 -0 =6"
            )

    def test_school_names_one_branch_of_a_brin_with_brin_and_branch_code(self) -> None:
        self.school.branch_code = "00"
        self.school.save()
        other, _previous, _current = make_school("OBS De Linde, dependance")
        School.objects.filter(pk=other.pk).update(brin="12AB", branch_code="01")
        with tempfile.TemporaryDirectory() as directory:
            xml, csv = self.write(directory, Export(branch_code="01", branches={"VO": "Oost"}))
            code, lines = self.run_command(xml, csv, "--school", "12AB01")
            self.assertEqual(code, 0, lines)
            # Without a branch code the file is matched on its own BRIN and branch code too.
            code, lines = self.run_command(xml, csv)
            self.assertEqual(code, 0, lines)
            self.assertTrue(lines[-1].startswith("pupils +0 ~0 -0 =30"), lines)
            code, lines = self.run_command(xml, csv, "--school", "12AB00")
            self.assertEqual(code, 1)
            self.assertIn(
                "EDEX.XML:3: This file belongs to the school with BRIN 12AB01, not to OBS De Linde (BRIN 12AB00).",
                lines,
            )
        self.assertEqual(list(other.branches.values_list("external_key", flat=True)), ["VO"])
        self.assertEqual(other.pupils.count(), 30)
        self.assertFalse(self.school.pupils.exists())

    def test_validation_errors_exit_1_with_file_and_line(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            xml, csv = self.write(directory, Export(guardian_overrides={"V00003": {"email": "geen-mail"}}))
            code, lines = self.run_command(xml, csv)
        self.assertEqual(code, 1)
        self.assertIn("verzorgers.csv:5: “geen-mail” is not an e-mail address.", lines)
        # Nothing was applied, and the summary says so.
        self.assertEqual(lines[-1], "pupils +0 ~0 -0 =0; guardians +0 ~0 -0 =0; groups +0 ~0 -0 =0; staff +0 ~0 -0 =0")
        self.assertFalse(Pupil.objects.exists())

    def test_the_invalid_published_sample_exits_1_with_the_element(self) -> None:
        sample = Path(__file__).resolve().parent / "fixtures" / "EDEXML.invalid_1.xml"
        code, lines = self.run_command(str(sample), "--school", "12AB")
        self.assertEqual(code, 1)
        self.assertTrue(lines[0].startswith("EDEXML.invalid_1.xml:3: /EDEX/school_incorrect_element"))


class BranchTests(SyncTestCase):
    def sample(self) -> list[tuple[str, bytes]]:
        # The published 2.1 sample, moved to this school year (the sample is for 2014-2015) and
        # without the pupils that lack a last name or birth date (a new pupil needs both).
        path = Path(__file__).resolve().parent / "fixtures" / "EDEXML.Voorbeeld.2.1.xml"
        root = etree.fromstring(path.read_bytes().replace(b"2014-2015", b"2026-2027"))
        for pupil in root.findall("leerlingen/leerling"):
            if pupil.find("achternaam") is None or pupil.find("geboortedatum") is None:
                pupil.getparent().remove(pupil)
        return [(path.name, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))]

    def test_the_published_sample_creates_its_branches_and_fills_the_branch_code_and_again_writes_nothing(
        self,
    ) -> None:
        self.school.brin = "99ZZ"
        self.school.save()
        plan = sync_apply(actor=None, school=self.school, dataset=read_files(self.sample()))
        self.assertTrue(plan.applied, plan.issues)
        self.assertEqual([r.label for r in plan.branches.added], ["Vestiging Huissen", "Vestiging Bemmel"])
        self.assertIn("The school's branch code 00 will be stored from the file.", plan.notes)
        self.assertEqual(
            sorted(Branch.objects.filter(school=self.school).values_list("external_key", "name")),
            [("VB", "Vestiging Bemmel"), ("VH", "Vestiging Huissen")],
        )
        self.school.refresh_from_db()
        self.assertEqual(self.school.branch_code, "00")

        with CaptureQueriesContext(connection) as queries:
            plan = sync_apply(actor=None, school=self.school, dataset=read_files(self.sample()))
        self.assertTrue(plan.applied, plan.issues)
        self.assertEqual(writes(queries.captured_queries), [])
        self.assertEqual(plan.branches.counts(), (0, 0, 0, 2))
        self.assertNotIn("The school's branch code 00 will be stored from the file.", plan.notes)

    def test_a_renamed_branch_is_renamed_a_missing_one_stays_and_a_hand_made_one_gets_the_key(self) -> None:
        hand_made = Branch.objects.create(school=self.school, name="Dependance Oost", phone="0201234567")
        self.apply(Export(branches={"VH": "Hoofdgebouw", "VO": "Dependance Oost", "VW": "West"}))
        hand_made.refresh_from_db()
        self.assertEqual((hand_made.external_key, hand_made.phone), ("VO", "0201234567"))

        plan = self.apply(Export(branches={"VH": "Hoofdgebouw Centrum", "VO": "Dependance Oost"}))
        self.assertEqual(
            [(r.key, [(c.before, c.after) for c in r.changes]) for r in plan.branches.changed],
            [("VH", [("Hoofdgebouw", "Hoofdgebouw Centrum")])],
        )
        self.assertEqual(plan.branches.left, [])
        self.assertEqual(
            sorted(Branch.objects.filter(school=self.school).values_list("external_key", "name")),
            [("VH", "Hoofdgebouw Centrum"), ("VO", "Dependance Oost"), ("VW", "West")],
        )
        # Branches are not part of the fixed summary line.
        self.assertEqual(
            plan.summary(), "pupils +0 ~0 -0 =30; guardians +0 ~0 -0 =48; groups +0 ~0 -0 =4; staff +0 ~0 -0 =6"
        )

    def test_a_file_of_another_branch_of_the_same_brin_is_refused(self) -> None:
        self.school.branch_code = "00"
        self.school.save()
        plan = sync_apply(
            actor=None,
            school=self.school,
            dataset=read_files(self.files(Export(branch_code="01", branches={"V": "X"}))),
        )
        self.assertFalse(plan.applied)
        self.assertEqual(
            [i.message for i in plan.issues],
            ["This file belongs to the school with BRIN 12AB01, not to OBS De Linde (BRIN 12AB00)."],
        )
        self.assertFalse(Pupil.objects.exists())
        self.assertFalse(Branch.objects.exists())

    def test_the_number_of_queries_does_not_grow_with_the_number_of_branches(self) -> None:
        counts = []
        for size in (2, 12):
            Branch.objects.all().delete()
            export = Export(branches={f"V{i}": f"Vestiging {i}" for i in range(size)})
            self.apply(export)  # the first import of the records
            export.branches = {f"V{i}": f"Vestiging {i}*" for i in range(size)}
            export.branches.update({f"N{i}": f"Nieuw {i}" for i in range(size)})
            with CaptureQueriesContext(connection) as queries:
                plan = self.apply(export)
            self.assertEqual((len(plan.branches.added), len(plan.branches.changed)), (size, size))
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
