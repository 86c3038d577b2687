"""Synchronise a school with its administration's export (SIS-9), for cron and monitoring.

    python manage.py sis_sync EDEX.XML verzorgers.csv [--school 12AB] [--create-school] [--dry-run]

Exit status 0 when the files were valid (and applied, unless --dry-run), 1 when any file has a
problem: every problem is printed as `FILE:LINE: reason` and nothing is applied. The last line is
always the summary `pupils +A ~C -L =U; guardians +A ~C -L =U; groups +A ~C -L =U; staff +A ~C -L =U`.
A directory argument stands for the files in it (a OneRoster folder).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from schoolbrug.sis.models import School
from schoolbrug.sis.sync.service import MAX_FILE_BYTES, read_files, sync_apply, sync_plan


class Command(BaseCommand):
    help = "Synchronise a school with EDEXML, guardian CSV or OneRoster files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--school",
            metavar="BRIN",
            help="the school to synchronise: BRIN, or BRIN and branch code such as 12AB01 (default: the file's)",
        )
        parser.add_argument("--create-school", action="store_true", help="create the school when it does not exist")
        parser.add_argument("--dry-run", action="store_true", help="show what would change; apply nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[tuple[str, bytes]] = []
        for argument in options["files"]:
            path = Path(argument)
            paths = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
            for item in paths:
                if not item.is_file():
                    raise CommandError(_("%(file)s: no such file.") % {"file": item})
                with item.open("rb") as handle:
                    # One byte over the limit is enough for read_files to refuse it.
                    files.append((item.name, handle.read(MAX_FILE_BYTES + 1)))
        school = None
        if options["school"]:
            # "12AB" or, for one branch of a BRIN with several schools, "12AB01" (BRIN + branch code).
            brin, branch_code = options["school"][:4], options["school"][4:]
            schools = School.objects.filter(brin__iexact=brin).order_by("pk")
            school = (schools.filter(branch_code=branch_code) if branch_code else schools).first()
            if school is None:
                raise CommandError(_("No school with BRIN %(brin)s exists.") % {"brin": options["school"]})
        dataset = read_files(files)
        if options["dry_run"]:
            plan = sync_plan(school=school, dataset=dataset, create_school=options["create_school"])
        else:
            plan = sync_apply(actor=None, school=school, dataset=dataset, create_school=options["create_school"])
        for note in plan.notes:
            self.stdout.write(note)
        for record in plan.edited_by_hand:
            fields = ", ".join(c.label for c in record.changes if c.edited_by_hand)
            self.stdout.write(
                _(
                    "%(name)s (%(key)s): %(fields)s edited in Schoolbrug and changed in the file; "
                    "the file's value is taken."
                )
                % {"name": record.label, "key": record.key, "fields": fields}
            )
        for record in plan.kept_edits:
            fields = ", ".join(c.label for c in record.kept)
            self.stdout.write(
                _("%(name)s (%(key)s): %(fields)s edited in Schoolbrug; kept, the file has not changed it.")
                % {"name": record.label, "key": record.key, "fields": fields}
            )
        for issue in plan.issues:
            self.stdout.write(str(issue))
        self.stdout.write(plan.summary())
        if plan.issues:
            sys.exit(1)
