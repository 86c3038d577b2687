"""Server-side time and SQL queries of the main staff and guardian pages, at demo size and large.

    .venv/bin/python bench/pages.py [--rounds 50] [--warmup 10] [--schools 20] [--pupils-per-school 250]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py

Requests go through django.test.Client (the whole middleware stack, no network, no web server),
logged in with force_login (administrators with verified_login: a session past the second factor).
The report PDF (WeasyPrint) takes its turn like the pages but is printed on its own line.
Each size is measured in the same run as a trivial baseline (GET /healthz: middleware plus one
query); pages are requested round-robin, with the starting page rotating every round, so drift
on this shared 2-core machine hits every page alike. Judge the page/baseline ratios and the query
counts; absolute milliseconds move between runs. A WARNING line flags any page whose query count
differs between the two sizes.

Phase "1x" loads `manage.py demo`; phase "large" then adds `demo --schools N --pupils-per-school P`
to the same database, so the same pupils and groups are requested again among many more rows.

Without DATABASE_URL the data go into a throwaway SQLite file under var/ that is deleted
afterwards. With DATABASE_URL (PostgreSQL) a dedicated database `schoolbrug_bench` is created on
that server (via its `postgres` database) and dropped afterwards; the database named in the URL is
never touched. On PostgreSQL the tables are ANALYZEd after each load, as autovacuum soon would.
DEBUG is off (SCHOOLBRUG_DEBUG=0) unless the environment says otherwise. The test client keeps its
database connection between requests, so connection set-up is not in the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from django.test import Client

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_PG_DATABASE = "schoolbrug_bench"
LOGIN_BACKEND = "schoolbrug.accounts.backends.EmailBackend"
# WeasyPrint makes this page CPU-heavy, so it is reported on its own line, apart from the HTML pages.
PDF_LABEL = "report PDF (parent)"
# The demo writes no audit events; the bench adds these per school so the audit log page has rows.
AUDIT_EVENTS_PER_SCHOOL = 100


# --- shared with login_cost.py ------------------------------------------------------------------


@contextmanager
def bench_database(prefix: str, pg_database: str = BENCH_PG_DATABASE) -> Iterator[str]:
    """Point DATABASE_URL at a new, empty database for the run and remove it afterwards.

    Call before django.setup(). Yields a description of the database for the report.
    """
    url = os.environ.get("DATABASE_URL", "")
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SCHOOLBRUG_DEBUG", "0")
    # WhiteNoise warns that STATIC_ROOT (var/static) is missing until collectstatic; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    if not url:
        path = BASE_DIR / "var" / f"bench-{prefix}-{uuid.uuid4().hex[:8]}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        try:
            yield f"SQLite, throwaway file {path.relative_to(BASE_DIR)}"
        finally:
            _close_django_connections()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"DATABASE_URL must be PostgreSQL (or unset for SQLite), not {parts.scheme}://")
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    admin: dict[str, Any] = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "autocommit": True,
    }
    name = sql.Identifier(pg_database)
    with psycopg.connect(**admin) as conn:
        # A leftover from an interrupted run is dropped; one still in use makes this fail loudly.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        version = conn.info.server_version
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{pg_database}"))
    try:
        yield (
            f"PostgreSQL {version // 10000}.{version % 10000} at {config.get('HOST')}:{config.get('PORT')}, "
            f"database {pg_database} (created for this run, dropped afterwards)"
        )
    finally:
        _close_django_connections()
        with psycopg.connect(**admin) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))


def _close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def median_p95(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (inclusive method, as numpy's default 'linear')."""
    return statistics.median(samples), statistics.quantiles(samples, n=20, method="inclusive")[18]


def machine_note() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load}"


# --- the page benchmark -------------------------------------------------------------------------


class QueryCounter:
    """A connection execute wrapper that only counts (cheaper than CaptureQueriesContext)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Page:
    label: str
    client: Client
    url: str
    content_type: str = "text/html"
    seconds: list[float] = field(default_factory=list)
    queries: set[int] = field(default_factory=set)


@dataclass
class Result:
    label: str
    url: str
    queries: str
    median_ms: float
    p95_ms: float
    ratio: float  # median / median of the baseline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=50, help="timed requests per page and size (default 50)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first (default 10)")
    parser.add_argument("--schools", type=int, default=20, help="extra schools for the large size (default 20)")
    parser.add_argument("--pupils-per-school", type=int, default=250, help="pupils per extra school (default 250)")
    args = parser.parse_args()
    if args.rounds < 20:
        parser.error("--rounds must be at least 20 for a meaningful p95")

    with bench_database("pages") as description:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from schoolbrug.sis.models import Pupil

        print(f"Database: {description}")
        print(f"Django {django.get_version()}, DEBUG={settings.DEBUG}, {machine_note()}")
        print(f"{args.rounds} timed rounds after {args.warmup} warm-up rounds; pages round-robin, start rotates")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - started:.1f} s (not counted)")

        sizes: list[tuple[str, list[Result]]] = []
        started = time.perf_counter()
        call_command("demo", verbosity=0)
        label = f"1x (demo: {Pupil.objects.count():,} pupils)"
        print(f"\nbuilt {label} in {time.perf_counter() - started:.1f} s")
        seed_audit_events()
        analyze(connection)
        sizes.append((label, measure(args.rounds, args.warmup, connection)))
        report(label, sizes[-1][1])

        started = time.perf_counter()
        call_command("demo", schools=args.schools, pupils_per_school=args.pupils_per_school, verbosity=0)
        label = f"large (demo + {args.schools} x {args.pupils_per_school}: {Pupil.objects.count():,} pupils)"
        print(f"\nbuilt {label} in {time.perf_counter() - started:.1f} s")
        seed_audit_events()
        analyze(connection)
        sizes.append((label, measure(args.rounds, args.warmup, connection)))
        report(label, sizes[-1][1])

        compare(sizes)
        print(f"\nfinished; {machine_note()}")
    return 0


def seed_audit_events() -> None:
    """AUDIT_EVENTS_PER_SCHOOL events for every school that has none yet: half about the school,
    half logins (no school) of one of its staff, which the audit log also shows. Bulk-written
    (the model is append-only; bulk_create only inserts). The large phase thus adds the new
    schools' events, and the demo school's log stays the same among many more rows."""
    from schoolbrug.accounts.audit import AuditEvent
    from schoolbrug.sis.models import School, StaffMember

    Kind = AuditEvent.Kind
    kinds = [Kind.RECORD_CHANGED, Kind.CONTACT_VIEWED, Kind.MEDICAL_VIEWED, Kind.SETTING_CHANGED, Kind.EXPORTED]
    seeded = {pk for pk in AuditEvent.objects.values_list("school_id", flat=True).distinct() if pk is not None}
    events = []
    for school in School.objects.exclude(pk__in=seeded).order_by("pk"):
        staff = StaffMember.objects.filter(school=school, account__isnull=False).select_related("account").first()
        actor_id, label = (staff.account_id, staff.account.email) if staff and staff.account else (None, "")
        for n in range(AUDIT_EVENTS_PER_SCHOOL):
            about_school = n % 2 == 0 or actor_id is None
            events.append(
                AuditEvent(
                    kind=kinds[n % len(kinds)] if about_school else Kind.LOGIN_SUCCEEDED,
                    actor_id=actor_id,
                    actor_label=label,
                    school_id=school.pk if about_school else None,
                    subject=f"bench event {n}",
                    ip_address="127.0.0.1",
                    data={"n": n},
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    print(f"audit events: {len(events):,} added, {AuditEvent.objects.count():,} in all")


def analyze(connection: Any) -> None:
    """PostgreSQL: fresh planner statistics after the bulk load, as autovacuum would give within a minute."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(rounds: int, warmup: int, connection: Any) -> list[Result]:
    from django.test import Client
    from django.urls import reverse

    from schoolbrug.accounts.models import Account
    from schoolbrug.accounts.two_factor.testing import verified_login
    from schoolbrug.records.models import Report
    from schoolbrug.sis import policies
    from schoolbrug.sis.demo.schools import (
        ADMIN_EMAIL,
        PARENT_EMAIL,
        PRINCIPAL_EMAIL,
        TEACHER_EMAIL,
        TEACHER_GROUP,
    )

    def account(email: str, kind: str) -> Account:
        return Account.objects.get(email=email, kind=kind)

    def client_for(email: str, kind: str) -> Client:
        client = Client()
        client.force_login(account(email, kind), backend=LOGIN_BACKEND)
        return client

    teacher = account(TEACHER_EMAIL, Account.Kind.STAFF)
    parent = account(PARENT_EMAIL, Account.Kind.GUARDIAN)
    group = policies.groups_visible_to(teacher).get(year__is_current=True, name=TEACHER_GROUP)
    # Lieke: in the teacher's group, with a sibling, medical data and three guardians.
    pupil = policies.pupils_visible_to(teacher).get(first_name="Lieke")
    # ouder@'s child in the teacher's group; the demo gives each of ouder@'s children a locked report.
    child = policies.pupils_visible_to(parent).get(placements__group=group)
    report = Report.objects.filter(pupil=child, locked_at__isnull=False).order_by("pk").first()
    if report is None:
        raise SystemExit(f"the demo has no locked report for {PARENT_EMAIL}'s child {child.pk}")
    admin_client = Client()
    # Administrators only get past the 2FA gate with a verified second factor.
    verified_login(admin_client, account(ADMIN_EMAIL, Account.Kind.STAFF))
    teacher_client = client_for(TEACHER_EMAIL, Account.Kind.STAFF)
    parent_client = client_for(PARENT_EMAIL, Account.Kind.GUARDIAN)
    on_child = {"pupil_id": child.pk}
    pages = [
        Page("baseline GET /healthz", Client(), "/healthz", content_type="application/json"),
        Page("group page (teacher)", teacher_client, reverse("staff:group", args=[group.pk])),
        Page("pupil page (teacher)", teacher_client, reverse("staff:pupil", args=[pupil.pk])),
        Page(
            "absence week (teacher)",
            teacher_client,
            reverse("records:group-absences", args=[group.pk]) + "?view=week",
        ),
        Page("group list (principal)", client_for(PRINCIPAL_EMAIL, Account.Kind.STAFF), reverse("staff:groups")),
        Page("guardian accounts (admin)", admin_client, reverse("staff:guardian-accounts")),
        Page("audit log (admin)", admin_client, reverse("staff:audit-log")),
        Page("parent dashboard", parent_client, reverse("portal:home")),
        Page("child notes (parent)", parent_client, reverse("portal:child-notes", kwargs=on_child)),
        Page("child absences (parent)", parent_client, reverse("portal:child-absences", kwargs=on_child)),
        Page("child reports (parent)", parent_client, reverse("portal:child-reports", kwargs=on_child)),
        Page(
            PDF_LABEL,
            parent_client,
            reverse("portal:child-report-pdf", kwargs={**on_child, "report_id": report.pk}),
            content_type="application/pdf",
        ),
    ]
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for round_number in range(warmup + rounds):
            start = round_number % len(pages)
            for page in pages[start:] + pages[:start]:
                before = counter.count
                started = time.perf_counter()
                response = page.client.get(page.url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{page.label}: {page.url} answered {response.status_code}, expected 200")
                if not response["Content-Type"].startswith(page.content_type):
                    raise SystemExit(f"{page.label}: {page.url} answered {response['Content-Type']}")
                page.queries.add(counter.count - before)
                if round_number >= warmup:
                    page.seconds.append(elapsed)

    base_median = statistics.median(pages[0].seconds)
    results = []
    for page in pages:
        median, p95 = median_p95(page.seconds)
        queries = "/".join(str(q) for q in sorted(page.queries))  # one number unless it varied
        results.append(Result(page.label, page.url, queries, median * 1000, p95 * 1000, median / base_median))
    return results


def report(label: str, results: list[Result]) -> None:
    html = [r for r in results if r.label != PDF_LABEL]
    width = max(len(r.url) for r in results)
    print(f"\n{label}")
    print(f"  {'page':<26} {'url':<{width}} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'x baseline':>11}")
    for r in html:
        print(f"  {r.label:<26} {r.url:<{width}} {r.queries:>7} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} {r.ratio:>11.1f}")
    for r in results:
        if r.label == PDF_LABEL:
            print(
                f"  separately, {r.label} {r.url}: {r.queries} queries, median {r.median_ms:.1f} ms"
                f" (p95 {r.p95_ms:.1f} ms), {r.ratio:.0f}x baseline"
            )
    for r in results:
        if "/" in r.queries:
            print(f"  WARNING: {r.label}: query count varied between requests within this size ({r.queries})")


def compare(sizes: list[tuple[str, list[Result]]]) -> None:
    (_, small), (_, large) = sizes
    print("\nlarge vs 1x; 'normalised' divides each page by its same-size baseline first (drift-free)")
    print(
        f"  {'page':<26} {'queries 1x/large':>17} {'median ms 1x/large':>19} {'x baseline 1x/large':>20}"
        f" {'large/1x raw':>13} {'normalised':>11}"
    )
    differ = []
    for s, g in zip(small, large, strict=True):
        queries = f"{s.queries}/{g.queries}" + ("" if s.queries == g.queries else " DIFFER")
        if s.queries != g.queries:
            differ.append(f"{s.label} ({s.queries} at 1x, {g.queries} at large)")
        medians = f"{s.median_ms:.2f}/{g.median_ms:.2f}"
        ratios = f"{s.ratio:.1f}/{g.ratio:.1f}"
        print(
            f"  {s.label:<26} {queries:>17} {medians:>19} {ratios:>20}"
            f" {g.median_ms / s.median_ms:>13.2f} {g.ratio / s.ratio:>11.2f}"
        )
    for page in differ:
        print(f"WARNING: query count differs between 1x and large: {page}")
    if not differ:
        print("query counts: equal at both sizes for every page")


if __name__ == "__main__":
    sys.exit(main())
