"""How fast a school's administration export is taken in (SIS-9, issue point 5).

    .venv/bin/python bench/sis_sync.py [--pupils 1000 --groups 40 --teachers 60 --guardians 1600]

Generates an EDEXML 2.1 file and a guardian CSV (schoolbrug.sis.sync.generate.Export), then runs
`read_files` + `sync_apply` three times against one school and prints wall time, the number of
SQL queries and the number of writes to the school records (INSERT/UPDATE/DELETE, not counting
the audit event and the school's last-synchronised stamp):

1. cold: an empty school (targets: ≤ 10 s, stretch 5 s; a bounded number of queries);
2. the same files again (target ≤ 3 s, 0 writes);
3. a file with 50 changes: 45 renamed pupils and 5 moved to another group (target ≤ 2 s).

Printed, never asserted. The database is set up as in bench/pages.py (throwaway SQLite file, or
with DATABASE_URL a dedicated PostgreSQL database `schoolbrug_bench` dropped afterwards).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import bench_database, machine_note

RECORD_TABLES = ("sis_pupil", "sis_guardian", "sis_guardianship", "sis_group", "sis_groupyearlevel",
                 "sis_placement", "sis_staffmember", "sis_groupstaff", "sis_schoolyear")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--teachers", type=int, default=60)
    parser.add_argument("--guardians", type=int, default=1600)
    args = parser.parse_args()

    with bench_database("sis-sync") as description:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from schoolbrug.sis.models import Board, School, SchoolYear
        from schoolbrug.sis.sync.generate import Export
        from schoolbrug.sis.sync.service import read_files, sync_apply

        call_command("migrate", verbosity=0)
        school = School.objects.create(board=Board.objects.create(name="Bench"), name="Bench", brin="12AB")
        start = 2026
        SchoolYear.objects.create(school=school, name=f"{start}-{start + 1}", start_date=f"{start}-08-01",
                                  end_date=f"{start + 1}-07-31", is_current=True)  # fmt: skip
        export = Export(school_year=f"{start}-{start + 1}", pupils=args.pupils, groups=args.groups,
                        teachers=args.teachers, guardians=args.guardians)  # fmt: skip
        print(f"Database: {description}; {machine_note()}")

        def run(label: str, files: list[tuple[str, bytes]]) -> None:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                dataset = read_files(files)
                read = time.perf_counter() - started
                plan = sync_apply(actor=None, school=school, dataset=dataset)
                total = time.perf_counter() - started
            writes = [
                q for q in queries.captured_queries
                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                and any(f'"{t.upper()}"' in q["sql"].upper() for t in RECORD_TABLES)
            ]  # fmt: skip
            assert plan.applied, plan.issues[:5]
            print(f"{label:<28} {total:6.2f} s (reading {read:5.2f} s)  queries {len(queries):4d}  "
                  f"record writes {len(writes):3d}  {plan.summary()}")  # fmt: skip

        files = [("EDEX.XML", export.edexml()), ("verzorgers.csv", export.guardians_csv())]
        sizes = ", ".join(f"{name} {len(content) / 1024:.0f} KiB" for name, content in files)
        print(f"Files: {sizes}")
        run("cold import", files)
        run("same files again", files)
        overrides = {f"LL{i:05d}": {"first_name": f"Nieuw{i}"} for i in range(0, 450, 10)}
        overrides.update({f"LL{i:05d}": {"group": f"G{(i + 1) % args.groups:03d}"} for i in range(5, 50, 10)})
        export.pupil_overrides = overrides
        run("50 changes", [("EDEX.XML", export.edexml()), ("verzorgers.csv", export.guardians_csv())])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
