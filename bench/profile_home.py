"""Where the guardian home's time goes: a pyinstrument profile of `portal:home` (ouder@regenboog.demo).

    .venv/bin/python bench/profile_home.py [--requests 200] [--html var/profile-home.html]

Demo data in a throwaway database (as pages.py); requests through django.test.Client (the whole
middleware stack, no server). Prints the call tree (time per frame, >2% shown) and, per part of
the request, the share of the total, and the SQL time measured with a connection wrapper.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import bench_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", default="")
    args = parser.parse_args()
    with bench_database("profile", pg_database="schoolbrug_profile_bench") as database:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from pyinstrument import Profiler

        from schoolbrug.accounts.models import Account

        call_command("migrate", verbosity=0)
        call_command("demo", verbosity=0)
        client = Client()
        client.force_login(Account.objects.get(email="ouder@regenboog.demo"))
        for _ in range(20):
            assert client.get("/portal/").status_code == 200
        sql_seconds = 0.0

        def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal sql_seconds
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_seconds += time.perf_counter() - started

        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            profiler.start()
            for _ in range(args.requests):
                client.get("/portal/")
            profiler.stop()
        wall = time.perf_counter() - started
        print(f"database: {database}")
        print(
            f"{args.requests} requests: {wall / args.requests * 1000:.1f} ms each (profiled), "
            f"of which SQL (driver + database) {sql_seconds / args.requests * 1000:.1f} ms"
        )
        print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False))
        if args.html:
            Path(args.html).write_text(profiler.output_html())
            print(f"wrote {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
