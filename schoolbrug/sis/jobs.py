"""Periodic jobs of the school records (found by `manage.py run_scheduler`)."""

from .rollover import jobs as rollover_jobs  # noqa: F401
