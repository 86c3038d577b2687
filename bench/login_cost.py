"""CPU cost of a password check (Argon2id as configured vs PBKDF2) and of a whole login POST.

    .venv/bin/python bench/login_cost.py [--rounds 25]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/login_cost.py

Each round does, in a rotating order: one check_password() against an Argon2 hash made with
Django's Argon2PasswordHasher defaults (the project's first hasher), one against a PBKDF2 hash with
Django's default iterations, and one POST /accounts/login/ of the demo teacher through
django.test.Client (no cookies, correct password, so django-axes sees only successes). Both
wall time and process CPU time are recorded: Argon2 runs its lanes on several threads, so its wall
time can be below its CPU time; logins per second per core follow from the CPU time.

The database (only needed for the login POST) is set up as in bench/pages.py: a throwaway SQLite
file, or with DATABASE_URL a dedicated PostgreSQL database `schoolbrug_bench` that is dropped
afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# The database set-up and statistics are shared with pages.py, next to this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import bench_database, machine_note, median_p95


@dataclass
class Samples:
    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=25, help="timed rounds (default 25, at least 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    args = parser.parse_args()
    if args.rounds < 20:
        parser.error("--rounds must be at least 20")

    with bench_database("login") as description:
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth.hashers import (
            Argon2PasswordHasher,
            PBKDF2PasswordHasher,
            check_password,
            get_hasher,
        )
        from django.core.management import call_command
        from django.test import Client

        from schoolbrug.sis.demo import DEMO_PASSWORD
        from schoolbrug.sis.demo.schools import TEACHER_EMAIL

        print(f"Database: {description}")
        print(f"Django {django.get_version()}, DEBUG={settings.DEBUG}, {machine_note()}")
        call_command("migrate", verbosity=0)
        call_command("demo", verbosity=0)

        configured = get_hasher("default")
        argon2, pbkdf2 = Argon2PasswordHasher(), PBKDF2PasswordHasher()
        print(
            f"Configured hasher: {configured.algorithm}. Argon2id time_cost={argon2.time_cost}, "
            f"memory_cost={argon2.memory_cost} KiB ({argon2.memory_cost / 1024:.0f} MiB per check), "
            f"parallelism={argon2.parallelism}; PBKDF2-SHA256 iterations={pbkdf2.iterations:,}"
        )
        password = DEMO_PASSWORD
        argon2_hash = argon2.encode(password, argon2.salt())
        pbkdf2_hash = pbkdf2.encode(password, pbkdf2.salt())

        def check(encoded: str) -> None:
            if not check_password(password, encoded):
                raise SystemExit("password check failed")

        # One client for all rounds, as one server process serves all logins: a fresh Client would load
        # the middleware stack (WhiteNoise scans the static files) on its first request, ~30 ms that a
        # real server spends once. Dropping the cookies makes every POST come from a new browser.
        client = Client()

        def login() -> None:
            client.cookies.clear()
            response = client.post("/accounts/login/", {"username": TEACHER_EMAIL, "password": password})
            if response.status_code != 302 or "/accounts/" in response["Location"]:
                raise SystemExit(f"login failed: {response.status_code} {response.get('Location')}")

        tasks = [
            (Samples("check_password Argon2id (configured)"), lambda: check(argon2_hash)),
            (Samples("check_password PBKDF2 (Django default)"), lambda: check(pbkdf2_hash)),
            (Samples("POST /accounts/login/ (Argon2id)"), login),
        ]
        print(f"{args.rounds} timed rounds after {args.warmup} warm-up rounds, order rotating each round")
        for round_number in range(args.warmup + args.rounds):
            start = round_number % len(tasks)
            for samples, task in tasks[start:] + tasks[:start]:
                wall, cpu = time.perf_counter(), time.process_time()
                task()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                if round_number >= args.warmup:
                    samples.wall.append(wall)
                    samples.cpu.append(cpu)

        cores = os.cpu_count() or 1
        print(
            f"\n  {'':<42} {'wall median':>11} {'p95':>7} {'CPU median':>11} {'p95':>7}"
            f" {'logins/s/core':>14} {f'logins/s, {cores} cores':>18}"
        )
        for samples, _ in tasks:
            wall_median, wall_p95 = median_p95(samples.wall)
            cpu_median, cpu_p95 = median_p95(samples.cpu)
            print(
                f"  {samples.label:<42} {wall_median * 1000:>8.0f} ms {wall_p95 * 1000:>4.0f} ms"
                f" {cpu_median * 1000:>8.0f} ms {cpu_p95 * 1000:>4.0f} ms"
                f" {1 / cpu_median:>14.1f} {cores / cpu_median:>18.1f}"
            )
        argon, login_post = tasks[0][0], tasks[2][0]
        argon_cpu, argon_wall = statistics.median(argon.cpu), statistics.median(argon.wall)
        login_cpu, login_wall = statistics.median(login_post.cpu), statistics.median(login_post.wall)
        print(
            f"\nLogin POST minus one Argon2 check (medians): {(login_wall - argon_wall) * 1000:.1f} ms wall, "
            f"{(login_cpu - argon_cpu) * 1000:.1f} ms CPU; the hash is "
            f"{argon_cpu / login_cpu:.0%} of the login's CPU time."
        )
        print(f"finished; {machine_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
