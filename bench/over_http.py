"""HTTP benchmarks: Schoolbrug's pages served by gunicorn, against same-run baselines.

    .venv/bin/python bench/over_http.py                        # the quick set: P1 and P7 on SQLite
    .venv/bin/python bench/over_http.py --scenario p2 --p2-schools 200 --p2-pupils-per-school 25
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/over_http.py \\
        --pg-database schoolbrug_http_bench

Method (see bench/README.md and /work/shared/BENCHMARKS.md, "Honesty rules"):

- gunicorn with 2 sync workers on 127.0.0.1:--port, settings `config.settings_bench` (Schoolbrug
  plus the TechEmpower-style `/bench/fortunes` and `/bench/json` baselines), DEBUG off,
  persistent database connections (SCHOOLBRUG_DB_CONN_MAX_AGE=60, as deploy/ recommends).
- **Throughput, closed loop:** `wrk -t1 -c<connections>` for --duration seconds per target; a
  warm-up of every target first (discarded); then --rounds rounds, the targets interleaved with
  the starting target rotating each round. Printed: median (min-max) requests/s and the
  same-run ratio page ÷ fortunes.
- **Latency, open loop:** our own asyncio generator (bench/openloop.py) sends requests at fixed
  moments whatever the server does, and measures each from its planned moment, so a stall is
  counted in full (no coordinated omission). P1 at 60% of its measured throughput; P7 ramping
  to --p7-rate requests/s.
- Every run writes bench/results/<date>-<scenario>.json with the raw rounds, the machine
  (CPUs, `uptime` load before and after) and the commit.

Scenarios: p1 (guardian home, two children), p7 (report day: --p7-guardians guardians with
sessions in the database, the report page and its PDF, open loop ramping to --p7-rate req/s),
p2 (P1's page and the report page at 1x and after adding --p2-schools schools: query counts and
the p50 ratio). `quick` = p1 + p7.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
sys.path.insert(0, str(BASE_DIR / "bench"))

from openloop import Plan, percentile, run_open_loop  # noqa: E402
from pages import bench_database  # noqa: E402

PARENT_EMAIL = "ouder@regenboog.demo"
GUNICORN_WORKERS = 2


# --- machine and output ----------------------------------------------------------------------


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    except OSError:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def commit() -> str:
    git = shutil.which("git") or "git"
    result = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True)  # noqa: S603
    dirty = subprocess.run([git, "status", "--porcelain"], cwd=BASE_DIR, capture_output=True, text=True).stdout  # noqa: S603
    return result.stdout.strip() + ("+uncommitted" if dirty.strip() else "")


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt(values: list[float]) -> str:
    s = summary(values)
    return f"{s['median']:8.1f} ({s['min']:.1f}-{s['max']:.1f})"


def write_result(scenario: str, data: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    path = RESULTS_DIR / f"{stamp}-{scenario}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"wrote {path.relative_to(BASE_DIR)}")
    return path


# --- the server ------------------------------------------------------------------------------


@contextmanager
def gunicorn(port: int) -> Iterator[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "SCHOOLBRUG_DB_CONN_MAX_AGE": "60",
        "SCHOOLBRUG_LOG_LEVEL": "WARNING",
        "SCHOOLBRUG_WEB_PROCESSES": "1",  # per-process cache is fine for a benchmark of pages
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def fetch(base: str, path: str, cookie: str | None = None) -> tuple[int, str, int]:
    request = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = response.read()
            return response.status, response.headers.get("Content-Type", ""), len(body)
    except urllib.error.HTTPError as error:
        return error.code, "", 0


# --- wrk ---------------------------------------------------------------------------------------


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is missing: this benchmark needs the C load generator wrk (Debian: apt-get install -y wrk).\n"
            "Nothing was measured."
        )
    return path


def run_wrk(wrk: str, url: str, *, seconds: float, connections: int, cookie: str | None) -> dict[str, float]:
    command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": rate,
        "requests": requests,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def interleaved_rounds(
    wrk: str,
    base: str,
    targets: dict[str, tuple[str, str | None]],
    *,
    rounds: int,
    seconds: float,
    warmup: float,
    connections: int,
) -> dict[str, list[dict[str, float]]]:
    names = list(targets)
    print(f"warm-up: {warmup:g} s per target (discarded)")
    for name in names:
        path, cookie = targets[name]
        run_wrk(wrk, base + path, seconds=warmup, connections=connections, cookie=cookie)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for round_number in range(rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        line = []
        for name in order:
            path, cookie = targets[name]
            result = run_wrk(wrk, base + path, seconds=seconds, connections=connections, cookie=cookie)
            results[name].append(result)
            line.append(f"{name} {result['rps']:.0f}")
        print(f"round {round_number + 1}/{rounds}: " + ", ".join(line) + f"  [{uptime().split('load average: ')[-1]}]")
    return results


def print_throughput(results: dict[str, list[dict[str, float]]], baseline: str = "fortunes") -> dict[str, Any]:
    out: dict[str, Any] = {}
    base_rates = [r["rps"] for r in results[baseline]]
    print(f"{'target':<22} {'req/s median (min-max)':>28} {'÷ fortunes (per round)':>30} {'errors':>7}")
    for name, rows in results.items():
        rates = [r["rps"] for r in rows]
        # The ratio is taken per round (same moment on the machine), then its median.
        ratios = [rate / base for rate, base in zip(rates, base_rates, strict=True)]
        errors = sum(r["non_2xx"] + r["socket_errors"] for r in rows)
        print(
            f"{name:<22} {fmt(rates):>28} {statistics.median(ratios):>12.2f} "
            f"({min(ratios):.2f}-{max(ratios):.2f}) {errors:>7}"
        )
        out[name] = {"rps": summary(rates), "ratio_to_fortunes": summary(ratios), "errors": errors, "rounds": rows}
    return out


# --- data ------------------------------------------------------------------------------------


def prepare_base_data() -> None:
    from django.core.management import call_command

    from config.bench_views import create_fortune_table

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    create_fortune_table()
    print(f"data: migrate + demo + fortunes table in {time.perf_counter() - started:.0f} s")


def session_cookie(account: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(account)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def report_day_data(
    guardians: int, extra_schools: int, *, prerender: bool = False
) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Sessions of `guardians` guardian accounts, each with a locked report of a child.

    The demo's two schools have too few guardians, so `extra_schools` benchmark schools are added
    first. Every school gets its report module on and a report period; every child of a chosen
    guardian gets a locked report with four sections (as the demo's). Sessions are made the way a
    login makes them (force_login: session row, login signals), never by posting passwords.
    """
    from django.core.management import call_command
    from django.db.models import Exists, OuterRef
    from django.urls import reverse
    from django.utils import timezone

    from schoolbrug.accounts.models import Account
    from schoolbrug.portal.models import PortalModule
    from schoolbrug.portal.modules import Module
    from schoolbrug.records.models import Report, ReportPeriod, ReportSection
    from schoolbrug.sis import policies
    from schoolbrug.sis.models import Guardian, Guardianship, Pupil, School, SchoolYear

    started = time.perf_counter()
    if extra_schools:
        call_command("demo", schools=extra_schools, pupils_per_school=250, verbosity=0)
    for school in School.objects.all():
        PortalModule.objects.update_or_create(school=school, module=Module.REPORTS, defaults={"enabled": True})
    periods: dict[int, ReportPeriod] = {}
    for year in SchoolYear.objects.filter(is_current=True):
        periods[year.school_id] = ReportPeriod.objects.get_or_create(
            school_id=year.school_id, year=year, name="Rapport 1", defaults={"order": 1}
        )[0]
    # Demo guardians are mostly invited, not yet activated: give enough of them an account, as
    # activation would (the demo password is irrelevant: sessions are made directly).
    reaching = Guardian.objects.filter(
        school_id__in=periods,
        guardianships__portal_access=True,
        guardianships__pupil__status=Pupil.Status.ENROLLED,
    )
    have_accounts = reaching.filter(account__isnull=False).distinct().count()
    missing = list(reaching.filter(account__isnull=True).distinct().order_by("pk")[: max(0, guardians - have_accounts)])
    for guardian in missing:
        guardian.account = Account.objects.create_account(
            kind=Account.Kind.GUARDIAN, email=f"bench.{guardian.pk}@bench.invalid", first_name=guardian.first_name
        )
    Guardian.objects.bulk_update(missing, ["account"], batch_size=500)
    accounts = list(
        Account.objects.filter(kind=Account.Kind.GUARDIAN, is_active=True)
        .filter(Exists(Guardianship.objects.filter(guardian__account=OuterRef("pk"))))
        .order_by("pk")
    )
    chosen: list[tuple[Account, Any]] = []
    for account in accounts:
        child = policies.pupils_visible_to(account).filter(school_id__in=periods).order_by("pk").first()
        if child is not None:
            chosen.append((account, child))
        if len(chosen) == guardians:
            break
    now = timezone.now()
    children = {child.pk: child for _account, child in chosen}
    have = set(
        Report.objects.filter(pupil_id__in=children, period__in=periods.values()).values_list("pupil_id", flat=True)
    )
    new = [
        Report(pupil=child, period=periods[child.school_id], locked_at=now)
        for child in children.values()
        if child.pk not in have
    ]
    Report.objects.bulk_create(new, batch_size=500)
    Report.objects.filter(pupil_id__in=children, period__in=periods.values()).update(locked_at=now)
    sections = [
        ("Lezen", "{name} leest vlot en met begrip. Blijf thuis samen lezen."),
        ("Rekenen", "{name} rekent nauwkeurig; de tafels zitten er goed in."),
        ("Werkhouding", "{name} werkt zelfstandig en helpt anderen graag."),
        ("Algemeen", "Een fijn halfjaar. We zien uit naar het vervolg."),
    ]
    fresh = Report.objects.filter(pk__in=[r.pk for r in new]).select_related("pupil")
    ReportSection.objects.bulk_create(
        (
            ReportSection(report=r, position=i, title=t, body=b.format(name=r.pupil.first_name))
            for r in fresh
            for i, (t, b) in enumerate(sections, start=1)
        ),
        batch_size=1000,
    )
    reports = dict(
        Report.objects.filter(pupil_id__in=children, period__in=periods.values()).values_list("pupil_id", "pk")
    )
    visitors = []
    for account, child in chosen:
        visitors.append(
            {
                "cookie": session_cookie(account),
                "page": reverse("portal:child-reports", args=[child.pk]),
                "pdf": reverse("portal:child-report-pdf", args=[child.pk, reports[child.pk]]),
            }
        )
    analyze()
    prerendered = 0
    if prerender:
        # What the task worker did when each report was locked (days before report day):
        # records.tasks.render_locked_report_pdf, run here directly.
        from schoolbrug.records.tasks import render_locked_report_pdf

        rendering = time.perf_counter()
        for report_id in sorted(set(reports.values())):
            render_locked_report_pdf.call(report_id)
            prerendered += 1
        print(f"rendered {prerendered} PDFs as the worker does on lock ({time.perf_counter() - rendering:.0f} s)")
    info = {
        "prerendered_pdfs": prerendered,
        "guardians": len(visitors),
        "distinct_reports": len(set(reports.values())),
        "schools": School.objects.count(),
        "setup_seconds": round(time.perf_counter() - started),
    }
    print(
        f"report day data: {info['guardians']} guardians with a session, {info['distinct_reports']} locked reports, "
        f"{info['schools']} schools ({info['setup_seconds']} s)"
    )
    return visitors, info


# --- scenarios -------------------------------------------------------------------------------


def open_loop_report(label: str, result: dict[str, Any]) -> None:
    lat = result["latencies_ms"]
    print(
        f"{label}: {result['sent']} requests at {result['target_rate']:g} req/s planned, "
        f"{result['achieved_rate']:.1f} req/s done; p50 {percentile(lat, 50):.0f} ms, "
        f"p95 {percentile(lat, 95):.0f} ms, "
        f"p99 {percentile(lat, 99):.0f} ms, max {max(lat):.0f} ms; errors {result['errors']} "
        f"(statuses {result['statuses']})"
    )


def scenario_p1(args: argparse.Namespace, wrk: str, base: str, parent_cookie: str, meta: dict[str, Any]) -> None:
    print("\n== P1 guardian home (ouder@regenboog.demo, two children) ==")
    for path, cookie in (("/portal/", parent_cookie), ("/bench/fortunes", None), ("/bench/json", None)):
        status, content_type, size = fetch(base, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200: the data or the session is wrong")
        print(f"check {path}: {status} {content_type.split(';')[0]} {size} bytes")
    targets = {
        "fortunes": ("/bench/fortunes", None),
        "json": ("/bench/json", None),
        "guardian home": ("/portal/", parent_cookie),
    }
    load_before = uptime()
    results = interleaved_rounds(
        wrk, base, targets, rounds=args.rounds, seconds=args.duration, warmup=args.warmup, connections=args.connections
    )
    throughput = print_throughput(results)
    home_rate = throughput["guardian home"]["rps"]["median"]
    rate = round(0.6 * home_rate, 1)
    print(f"open-loop latency at 60% of the home's median throughput: {rate} req/s for {args.latency_seconds:g} s")
    plan = Plan.constant(rate=rate, seconds=args.latency_seconds)
    latency = asyncio.run(run_open_loop(base, plan, lambda i: ("/portal/", parent_cookie)))
    open_loop_report("guardian home, open loop", latency)
    fortunes_latency = asyncio.run(
        run_open_loop(base, Plan.constant(rate=rate, seconds=args.latency_seconds), lambda i: ("/bench/fortunes", None))
    )
    open_loop_report("fortunes at the same rate", fortunes_latency)
    write_result(
        "p1",
        {
            **meta,
            "scenario": "P1 guardian home (two children)",
            "load_before": load_before,
            "load_after": uptime(),
            "wrk": {"threads": 1, "connections": args.connections, "seconds": args.duration, "rounds": args.rounds},
            "throughput": throughput,
            "open_loop": {
                "rate": rate,
                "seconds": args.latency_seconds,
                "guardian_home": latency_summary(latency),
                "fortunes": latency_summary(fortunes_latency),
            },
        },
    )


def latency_summary(result: dict[str, Any]) -> dict[str, Any]:
    lat = result["latencies_ms"]
    return {
        "sent": result["sent"],
        "achieved_rate": round(result["achieved_rate"], 1),
        "errors": result["errors"],
        "statuses": result["statuses"],
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "max_ms": round(max(lat), 1),
        "by_kind": {
            kind: {"n": len(v), "p50_ms": round(percentile(v, 50), 1), "p95_ms": round(percentile(v, 95), 1)}
            for kind, v in result.get("by_kind", {}).items()
            if v
        },
    }


def scenario_p7(
    args: argparse.Namespace, base: str, visitors: list[dict[str, str]], info: dict[str, Any], meta: dict[str, Any]
) -> None:
    print("\n== P7 report day ==")
    sample = visitors[0]
    for path in (sample["page"], sample["pdf"]):
        status, content_type, size = fetch(base, path, sample["cookie"])
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200")
        print(f"check {path}: {status} {content_type.split(';')[0]} {size} bytes")
    rng = random.Random(7)

    def pick(_i: int) -> tuple[str, str | None, str]:
        visitor = rng.choice(visitors)
        kind = "pdf" if rng.random() < 0.5 else "page"
        return visitor[kind], visitor["cookie"], kind

    plan = Plan.ramp(start=5, rate=args.p7_rate, ramp_seconds=args.p7_ramp, hold_seconds=args.p7_hold)
    print(
        f"open loop: ramp 5 → {args.p7_rate:g} req/s over {args.p7_ramp:g} s, hold {args.p7_hold:g} s; "
        f"{len(visitors)} sessions, half report page, half PDF; "
        f"{info.get('prerendered_pdfs', 0)} PDFs rendered beforehand by the worker"
    )
    load_before = uptime()
    result = asyncio.run(run_open_loop(base, plan, pick))
    open_loop_report("report day, whole run", result)
    hold = [ms for ms, at in zip(result["latencies_ms"], result["planned_at"], strict=True) if at >= args.p7_ramp]
    if hold:
        print(
            f"report day, hold phase at {args.p7_rate:g} req/s: p50 {percentile(hold, 50):.0f} ms, "
            f"p95 {percentile(hold, 95):.0f} ms"
        )
    for kind, values in result["by_kind"].items():
        print(f"  {kind}: n={len(values)} p50 {percentile(values, 50):.0f} ms p95 {percentile(values, 95):.0f} ms")
    write_result(
        "p7",
        {
            **meta,
            "scenario": "P7 report day",
            "load_before": load_before,
            "load_after": uptime(),
            "data": info,
            "plan": {"start_rate": 5, "rate": args.p7_rate, "ramp_seconds": args.p7_ramp, "hold_seconds": args.p7_hold},
            "whole_run": latency_summary(result),
            "hold_phase": {
                "n": len(hold),
                "p50_ms": round(percentile(hold, 50), 1) if hold else None,
                "p95_ms": round(percentile(hold, 95), 1) if hold else None,
                "p99_ms": round(percentile(hold, 99), 1) if hold else None,
            },
        },
    )


def count_queries(paths: dict[str, tuple[str, Any]]) -> dict[str, int]:
    """Queries per request of each page, in this process through the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, (path, account) in paths.items():
        client = Client()
        client.force_login(account)
        client.get(path)  # first request: session touch etc.
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(captured)
    return counts


def scenario_p2(args: argparse.Namespace, wrk: str, meta: dict[str, Any]) -> None:
    """1x, then + N schools: same query counts; p50 (open loop) ratio, each ÷ same-size fortunes."""
    from django.core.management import call_command
    from django.urls import reverse

    from schoolbrug.accounts.models import Account

    parent = Account.objects.get(email=PARENT_EMAIL)
    visitors, _info = report_day_data(1, 0)
    paths = {"guardian home": ("/portal/", parent), "report page": (visitors[0]["page"], parent)}
    cookie = visitors[0]["cookie"]
    print("\n== P2 data x 10 ==")
    sizes: dict[str, Any] = {}
    for size in ("1x", "large"):
        if size == "large":
            started = time.perf_counter()
            call_command("demo", schools=args.p2_schools, pupils_per_school=args.p2_pupils_per_school, verbosity=0)
            analyze()
            print(
                f"added {args.p2_schools} schools x {args.p2_pupils_per_school} pupils "
                f"in {time.perf_counter() - started:.0f} s"
            )
        queries = count_queries(paths)
        with gunicorn(args.port) as base:
            medians: dict[str, list[float]] = {"fortunes": [], **{label: [] for label in paths}}
            targets = {
                "fortunes": ("/bench/fortunes", None),
                **{label: (p, cookie) for label, (p, _a) in paths.items()},
            }
            for path, c in targets.values():  # warm-up
                asyncio.run(run_open_loop(base, Plan.constant(rate=10, seconds=2), lambda i, p=path, c=c: (p, c)))
            for round_number in range(args.rounds):
                names = list(targets)
                order = names[round_number % len(names) :] + names[: round_number % len(names)]
                for label in order:
                    path, c = targets[label]
                    result = asyncio.run(
                        run_open_loop(
                            base, Plan.constant(rate=args.p2_rate, seconds=args.duration), lambda i, p=path, c=c: (p, c)
                        )
                    )
                    medians[label].append(percentile(result["latencies_ms"], 50))
        sizes[size] = {"queries": queries, "p50_ms": {k: summary(v) for k, v in medians.items()}, "load": uptime()}
        print(f"{size}: queries {queries}; p50 ms " + ", ".join(f"{k} {fmt(v).strip()}" for k, v in medians.items()))
    ratios = {}
    for label in paths:
        raw = sizes["large"]["p50_ms"][label]["median"] / sizes["1x"]["p50_ms"][label]["median"]
        norm = raw / (sizes["large"]["p50_ms"]["fortunes"]["median"] / sizes["1x"]["p50_ms"]["fortunes"]["median"])
        ratios[label] = {"raw": round(raw, 2), "normalised_by_fortunes": round(norm, 2)}
        same = sizes["1x"]["queries"][label] == sizes["large"]["queries"][label]
        print(
            f"{label}: queries {sizes['1x']['queries'][label]} → {sizes['large']['queries'][label]}"
            f"{'' if same else '  WARNING: query count differs'}; p50 large/1x {raw:.2f} (÷ fortunes drift: {norm:.2f})"
        )
    write_result(
        "p2",
        {
            **meta,
            "scenario": f"P2 data x 10 ({args.p2_schools} schools x {args.p2_pupils_per_school} pupils added)",
            "open_loop_rate": args.p2_rate,
            "sizes": sizes,
            "ratios": ratios,
            "report_url": reverse("portal:home"),
        },
    )


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=["quick", "p1", "p7", "p2"], default="quick")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run (default 8)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--p7-guardians", type=int, default=1000)
    parser.add_argument("--p7-extra-schools", type=int, default=3)
    parser.add_argument("--p7-rate", type=float, default=100.0)
    parser.add_argument("--p7-ramp", type=float, default=60.0)
    parser.add_argument("--p7-hold", type=float, default=30.0)
    parser.add_argument(
        "--p7-cold", action="store_true", help="no PDF rendered before (as if the worker had not run since the locks)"
    )
    parser.add_argument("--p2-schools", type=int, default=200)
    parser.add_argument("--p2-pupils-per-school", type=int, default=25)
    parser.add_argument("--p2-rate", type=float, default=20.0)
    parser.add_argument("--pg-database", default="schoolbrug_http_bench")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5 (BENCHMARKS.md)")
    wrk = require_wrk()

    with bench_database("http", pg_database=args.pg_database) as database:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_bench"
        os.environ.setdefault("SCHOOLBRUG_LOG_LEVEL", "WARNING")
        import django

        django.setup()
        from schoolbrug.accounts.models import Account

        print(f"database: {database}\nmachine: {os.cpu_count()} CPUs; {uptime()}")
        prepare_base_data()
        meta = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": commit(),
            "database": database,
            "cpus": os.cpu_count(),
            "server": f"gunicorn {GUNICORN_WORKERS} sync workers, config.settings_bench, DEBUG off",
            "note": "shared 2-core machine: several engineers' tests and servers run at the same time",
        }
        if args.scenario == "p2":
            scenario_p2(args, wrk, meta)
            return 0
        parent_cookie = session_cookie(Account.objects.get(email=PARENT_EMAIL))
        visitors: list[dict[str, str]] = []
        info: dict[str, Any] = {}
        if args.scenario in {"quick", "p7"}:
            visitors, info = report_day_data(args.p7_guardians, args.p7_extra_schools, prerender=not args.p7_cold)
        from django.db import connections

        connections.close_all()
        with gunicorn(args.port) as base:
            if args.scenario in {"quick", "p1"}:
                scenario_p1(args, wrk, base, parent_cookie, meta)
            if args.scenario in {"quick", "p7"}:
                scenario_p7(args, base, visitors, info, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
