"""Conference-booking rush (BENCHMARKS.md scenario 5): 300 guardians arrive open-loop over 10 s
for 150 slots, through HTTP against gunicorn on 127.0.0.1, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/booking_rush.py
        [--guardians 300] [--slots 150] [--seconds 10] [--workers 4] [--port 8116]

Set-up: one school, 5 groups with one teacher each, 60 pupils per group, each with his own
guardian; every teacher offers 30 slots of 10 minutes (150 in all), so two guardians want every
slot. Sessions are made with force_login (no password hashing in the rush). Each guardian, at his
arrival time (evenly spread over the window, arrival order shuffled), POSTs his first choice:
one of the first five free slots of his child's teacher as the page showed it before the rush,
so first-choice collisions are the rule. A 302 is a booking, a 409 a clear "taken" answer with
fresh free slots; anything else is an error. Prints p50/p95/p99 of the booking POST, the answers,
the time the rush took to drain, and the duplicate check
`SELECT slot_id FROM agenda_booking GROUP BY slot_id HAVING count(*) > 1` (must be 0 rows).

The database is a dedicated one (`schoolbrug_bench_booking`), created for the run and dropped
afterwards. Only figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from pages import BASE_DIR, bench_database, machine_note

pages.BENCH_PG_DATABASE = "schoolbrug_bench_booking"
GROUPS = 5


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def build(guardians: int, slots: int) -> tuple[int, list[tuple[str, int, list[int]]]]:
    """The school, the round and each guardian's (session id, pupil id, first choices)."""
    from django.test import Client
    from django.utils import timezone

    from schoolbrug.accounts.models import Account
    from schoolbrug.agenda.models import ConferenceRound, Slot
    from schoolbrug.agenda.services import add_availability
    from schoolbrug.agenda.slots import Window
    from schoolbrug.sis.models import GroupStaff, Guardian, Guardianship, Placement, Pupil, StaffMember
    from schoolbrug.sis.testing import make_group, make_school, password_hash

    school, _previous, year = make_school("OBS Bench")
    now = timezone.now()
    conference = ConferenceRound.objects.create(
        school=school, title="Rapportgesprekken", opens_at=now - dt.timedelta(minutes=1),
        deadline=now + dt.timedelta(days=3), slot_minutes=10, buffer_minutes=5,
    )  # fmt: skip
    per_teacher = slots // GROUPS
    day = (timezone.localtime() + dt.timedelta(days=5)).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(13, 0)))
    groups = []
    for g in range(GROUPS):
        group = make_group(school, year, f"Groep {g + 3}", g + 3)
        groups.append(group)
        teacher = StaffMember.objects.create(school=school, first_name="Juf", last_name=f"Bench{g}")
        GroupStaff.objects.create(group=group, staff_member=teacher)
        add_availability(
            conference=conference, staff_member=teacher,
            window=Window(start, start + dt.timedelta(minutes=10 * per_teacher)),
        )  # fmt: skip
    conference.groups.set(groups)
    hashed = password_hash()
    accounts = Account.objects.bulk_create(
        Account(kind=Account.Kind.GUARDIAN, email=f"ouder{n}@bench.demo", username=f"guardian:ouder{n}@bench.demo",
                first_name="Ouder", last_name=f"Bench{n}", password=hashed)
        for n in range(guardians)
    )  # fmt: skip
    pupils = Pupil.objects.bulk_create(
        Pupil(school=school, first_name=f"Kind{n}", last_name=f"Bench{n}", birth_date=dt.date(2018, 1, 1))
        for n in range(guardians)
    )
    Placement.objects.bulk_create(
        Placement(pupil=pupil, group=groups[n % GROUPS], year=year) for n, pupil in enumerate(pupils)
    )
    records = Guardian.objects.bulk_create(
        Guardian(school=school, account=account, first_name="Ouder", last_name=account.last_name,
                 postcode="7411 AA", house_number=str(n))
        for n, account in enumerate(accounts)
    )  # fmt: skip
    Guardianship.objects.bulk_create(
        Guardianship(guardian=record, pupil=pupil, relation="mother")
        for record, pupil in zip(records, pupils, strict=True)
    )
    free_by_group = {
        g: list(
            Slot.objects.filter(round=conference, staff_member__group_links__group=group)
            .order_by("starts_at")
            .values_list("pk", flat=True)
        )
        for g, group in enumerate(groups)
    }
    rush = []
    for n, (account, pupil) in enumerate(zip(accounts, pupils, strict=True)):
        client = Client()
        client.force_login(account, backend="schoolbrug.accounts.backends.EmailBackend")
        rush.append((client.cookies["sessionid"].value, pupil.pk, free_by_group[n % GROUPS][:5]))
    return conference.pk, rush


def start_gunicorn(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCHOOLBRUG_DB_CONN_MAX_AGE": "60", "SCHOOLBRUG_DEBUG": "0"}
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "gthread", "--threads", "4", "--log-level", "warning",
        "--graceful-timeout", "5",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def post_booking(port: int, round_id: int, session: str, pupil: int, slot: int) -> tuple[int, float]:
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
    body = urlencode({"csrfmiddlewaretoken": csrf, "pupil": pupil, "slot": slot})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "Host": "127.0.0.1",
    }
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", f"/agenda/conferences/{round_id}/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
        # A booking redirects back to the round; a redirect anywhere else (the login) is an error.
        if status == 302 and not (response.getheader("Location") or "").endswith(f"/agenda/conferences/{round_id}/"):
            status = 3020
        connection.close()
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guardians", type=int, default=300)
    parser.add_argument("--slots", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4 threads each)")
    parser.add_argument("--port", type=int, default=8116)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("set DATABASE_URL=postgres://… : the rush is measured on PostgreSQL")

    with bench_database("booking") as description:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        print(f"Database: {description}")
        print(f"Django {django.get_version()}, {machine_note()}")
        call_command("migrate", verbosity=0)
        round_id, rush = build(args.guardians, args.slots)
        connection.close()
        random.seed(13)
        random.shuffle(rush)
        server = start_gunicorn(args.port, args.workers)
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        try:
            gap = args.seconds / len(rush)
            began = time.perf_counter()

            def arrive(index: int, session: str, pupil: int, choices: list[int]) -> None:
                delay = began + index * gap - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                outcome = post_booking(args.port, round_id, session, pupil, random.choice(choices))
                with lock:
                    results.append(outcome)

            threads = [
                threading.Thread(target=arrive, args=(i, session, pupil, choices))
                for i, (session, pupil, choices) in enumerate(rush)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            drained = time.perf_counter() - began
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        with connection.cursor() as cursor:
            cursor.execute("SELECT slot_id FROM agenda_booking GROUP BY slot_id HAVING count(*) > 1")
            duplicates = cursor.fetchall()
            cursor.execute("SELECT count(*) FROM agenda_booking")
            (booked,) = cursor.fetchone() or (0,)
        connection.close()
        # Printed before the database is dropped, so a slow teardown cannot swallow the figures.
        times = sorted(ms * 1000 for _status, ms in results)
        statuses: dict[int, int] = {}
        for status, _ms in results:
            statuses[status] = statuses.get(status, 0) + 1
        errors = sum(n for status, n in statuses.items() if status not in (302, 409))
        print(f"{len(results)} booking POSTs over {args.seconds:.0f} s (open loop) for {args.slots} slots, "
              f"gunicorn {args.workers} workers x 4 threads on 127.0.0.1:{args.port}")  # fmt: skip
        print(f"answers: {statuses.get(302, 0)} booked (302), {statuses.get(409, 0)} taken (409 with fresh slots), "
              f"{errors} errors {dict(sorted(statuses.items()))}")  # fmt: skip
        print(f"booking POST ms: p50 {percentile(times, 50):.0f}, p95 {percentile(times, 95):.0f}, "
              f"p99 {percentile(times, 99):.0f}, max {times[-1]:.0f}; rush drained in {drained:.1f} s")  # fmt: skip
        print(f"bookings stored: {booked}; slots booked more than once (must be 0): {len(duplicates)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
