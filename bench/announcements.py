"""Publishing an announcement to 2,000 recipients (BENCHMARKS.md scenario 3, AC11 of issue 11).

    .venv/bin/python bench/announcements.py                      # SQLite, throwaway file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/announcements.py

A teacher POSTs the announcement form (through Django's test client, in process: the view, the
form, the fan-out and the commit, without a web server in front) to a group of 2,000 families,
each with one guardian account the app reaches. The fan-out happens in the POST's transaction:
a receipt and a notification per recipient plus their deliveries, all bulk inserts. So "all rows
exist" is the moment the POST returns; the script checks the row counts after every post and
prints the POST time p50/p95 over the runs. Targets: POST p95 <= 200 ms, all rows <= 0.5 s.
On PostgreSQL the database is a dedicated one (`schoolbrug_ann_bench`), dropped afterwards.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from pages import bench_database, machine_note, median_p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=10)
    args = parser.parse_args()

    pages.BENCH_PG_DATABASE = "schoolbrug_ann_bench"
    with bench_database("announcements") as description:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from schoolbrug.accounts.two_factor.testing import verified_login
        from schoolbrug.messaging.models import Post, PostKind, Receipt
        from schoolbrug.messaging.testing import add_families
        from schoolbrug.notifications.models import Delivery, Notification
        from schoolbrug.sis.testing import make_group, make_school, make_staff_account

        setup_test_environment()  # the test client's host name
        print(f"Database: {description}")
        print(f"Django {django.get_version()}, {machine_note()}")
        call_command("migrate", verbosity=0)
        school, _previous, year = make_school("OBS Bench")
        group = make_group(school, year, "Groep 8", 8)
        teacher = make_staff_account(school, "juf@bench.test", "Juf", "Bench")
        started = time.perf_counter()
        add_families(group, args.recipients, "bench")
        print(f"{args.recipients} families made in {time.perf_counter() - started:.1f} s (not counted)")
        kind = PostKind.objects.filter(school=school).first()
        assert kind is not None
        client = Client()
        verified_login(client, teacher.user)
        url = reverse("messaging:post-new")
        client.get(url)  # warm up templates, URL resolver and the session
        timings: list[float] = []
        for n in range(args.posts):
            data = {"text": f"Vandaag naar de boerderij ({n})", "kind": kind.pk, "spaces": [group.space.pk]}
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = time.perf_counter() - started
            if response.status_code != 302:
                raise SystemExit(f"POST answered {response.status_code}")
            post = Post.objects.latest("pk")
            receipts = Receipt.objects.filter(post=post).count()
            notifications = Notification.objects.filter(dedupe_key=f"announcement:{post.pk}")
            deliveries = Delivery.objects.filter(notification__in=notifications).count()
            if receipts != args.recipients or notifications.count() != args.recipients:
                raise SystemExit(f"post {n}: {receipts} receipts, {notifications.count()} notifications")
            timings.append(elapsed)
            print(f"  post {n + 1}: {elapsed * 1000:.0f} ms, {receipts} receipts, {deliveries} deliveries")
        p50, p95 = median_p95(timings)
        print(
            f"POST to {args.recipients} recipients over {args.posts} posts: "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )
        print(
            f"All receipt, notification and delivery rows exist when the POST returns (one transaction): "
            f"p95 {p95 * 1000:.0f} ms (target 500 ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
