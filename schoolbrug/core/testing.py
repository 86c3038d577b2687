"""Test helpers shared by every app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


class QueryCountMismatch(AssertionError):
    pass


@contextmanager
def count_queries(using: str = DEFAULT_DB_ALIAS) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connections[using]) as context:
        yield context


def assert_same_query_count(first: CaptureQueriesContext, second: CaptureQueriesContext, label: str = "") -> None:
    """Fails with both SQL listings when a page's query count grows with its data."""
    if len(first) != len(second):

        def listing(ctx: CaptureQueriesContext) -> str:
            return "\n".join(f"  {i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, start=1))

        raise QueryCountMismatch(
            f"{label}: {len(first)} queries with little data, {len(second)} with more.\n"
            f"Small:\n{listing(first)}\nLarge:\n{listing(second)}"
        )
