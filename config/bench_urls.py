"""Schoolbrug's URLs plus the benchmark baselines; used only by config.settings_bench."""

from django.urls import path

from config import bench_views
from config.urls import urlpatterns as schoolbrug_urlpatterns

urlpatterns = [
    path("bench/fortunes", bench_views.fortunes, name="bench-fortunes"),
    path("bench/json", bench_views.json_hello, name="bench-json"),
    *schoolbrug_urlpatterns,
]
