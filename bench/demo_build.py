"""Time the demo data builder on a large data set.

    .venv/bin/python bench/demo_build.py [--schools 20] [--pupils-per-school 250]

Without DATABASE_URL the build goes into a throwaway SQLite file under var/ that is deleted
afterwards. With DATABASE_URL (e.g. PostgreSQL) it runs against that database inside a
transaction that is rolled back, so the database is left as it was; the time then excludes the
commit.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent


class Rollback(Exception):
    """Raised to undo the benchmark's writes on a database that is not ours."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--pupils-per-school", type=int, default=250)
    args = parser.parse_args()

    throwaway: Path | None = None
    if not os.environ.get("DATABASE_URL"):
        throwaway = BASE_DIR / "var" / f"bench-demo-{uuid.uuid4().hex[:8]}.sqlite3"
        throwaway.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{throwaway}"
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from schoolbrug.sis.demo import build_demo

    try:
        print(f"Database: {connection.vendor} ({'throwaway file' if throwaway else 'DATABASE_URL, rolled back'})")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - started:.1f} s (not counted)")

        def run() -> None:
            _timed("demo schools (De Regenboog, De Wegwijzer)", lambda: build_demo())
            _timed(
                f"{args.schools} extra schools x {args.pupils_per_school} pupils",
                lambda: build_demo(extra_schools=args.schools, pupils_per_school=args.pupils_per_school),
            )
            _timed(
                "second run (everything already loaded)",
                lambda: build_demo(extra_schools=args.schools, pupils_per_school=args.pupils_per_school),
            )

        if throwaway:
            run()
        else:
            try:
                with transaction.atomic():
                    run()
                    raise Rollback
            except Rollback:
                pass
    finally:
        connection.close()
        if throwaway:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{throwaway}{suffix}").unlink(missing_ok=True)
    return 0


def _timed(label: str, build: Callable[[], Any]) -> None:
    started = time.perf_counter()
    result = build()
    seconds = time.perf_counter() - started
    pupils = result.pupils
    rows = sum(summary.rows for summary in result.built)
    rate = f"{pupils / seconds:,.0f} pupils/s, {rows / seconds:,.0f} rows/s" if pupils else "nothing built"
    print(f"{label}: {seconds:.2f} s; {pupils:,} pupils, {rows:,} rows; {rate}")


if __name__ == "__main__":
    sys.exit(main())
