"""The benchmark baselines exist only under config.settings_bench."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_the_baselines_are_not_there_under_the_normal_settings(client: Client) -> None:
    assert client.get("/bench/fortunes").status_code == 404
    assert client.get("/bench/json").status_code == 404


@override_settings(ROOT_URLCONF="config.bench_urls")
def test_fortunes_are_sorted_escaped_and_include_the_one_added_at_request_time(client: Client) -> None:
    from config.bench_views import FORTUNES, create_fortune_table

    create_fortune_table()  # rolled back with the test's transaction
    response = client.get("/bench/fortunes")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr><td>") == 13
    assert "&lt;script&gt;alert(&quot;This should not be displayed" in html
    assert "<script>" not in html
    messages = [*FORTUNES, "Additional fortune added at request time."]
    positions = [html.index(escape(message)) for message in sorted(messages)]
    assert positions == sorted(positions)
    assert client.get("/bench/json").json() == {"message": "Hello, World!"}
