"""TechEmpower-style baseline views (test types "fortunes" and "JSON"), for config.settings_bench.

fortunes: all rows of a 12-row table through the ORM, one more added at request time, sorted by
message, rendered by a template that escapes them (one row holds a <script> tag). The table
`bench_fortune` is created and filled by bench/over_http.py; it is no part of Schoolbrug's schema.
"""

from __future__ import annotations

from django.db import connection, models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines


class Fortune(models.Model):
    message = models.CharField(max_length=2048)
    # Declared: django-stubs finds no app module for this model to add it from.
    objects: models.Manager[Fortune] = models.Manager()

    class Meta:
        app_label = "core"
        managed = False
        db_table = "bench_fortune"

    def __str__(self) -> str:
        return self.message


# The 12 rows of the TechEmpower fortunes test.
FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


# Compiled once, like a cached template loader would; Django's engine escapes every value.
FORTUNES_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html>\n<html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>\n"
    "{% for fortune in fortunes %}<tr><td>{{ fortune.id }}</td><td>{{ fortune.message }}</td></tr>\n{% endfor %}"
    "</table></body></html>\n"
)


def create_fortune_table() -> None:
    """Create and fill `bench_fortune` (plain SQL: it also works inside a transaction on SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_fortune")
        cursor.execute("CREATE TABLE bench_fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)")
    Fortune.objects.bulk_create(Fortune(id=i, message=message) for i, message in enumerate(FORTUNES, start=1))


def fortunes(request: HttpRequest) -> HttpResponse:
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    return HttpResponse(FORTUNES_TEMPLATE.render({"fortunes": rows}, request))


def json_hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello, World!"})
