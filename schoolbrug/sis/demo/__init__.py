"""Demo data: `manage.py demo` loads OBS De Regenboog and CBS De Wegwijzer (see builder)."""

from .builder import DEMO_PASSWORD, DemoResult, SchoolSummary, build_demo

__all__ = ["DEMO_PASSWORD", "DemoResult", "SchoolSummary", "build_demo"]
