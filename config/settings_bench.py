"""Settings for the HTTP benchmarks (bench/over_http.py): Schoolbrug's own settings plus the
TechEmpower-style baseline views (`/bench/fortunes`, `/bench/json`), which exist only here.

    DJANGO_SETTINGS_MODULE=config.settings_bench

The baselines go through the same middleware stack, server and database as the pages they are
compared with, so a same-run ratio measures the page's own cost.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
