"""Shortcuts for portal tests: switching modules and settings without going through pages."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from schoolbrug.portal.models import PortalModule, PortalSettings
from schoolbrug.sis.models import School


def enable_module(school: School, module: str, **options: Any) -> PortalModule:
    row, _ = PortalModule.objects.update_or_create(school=school, module=module, defaults={"enabled": True, **options})
    return row


def disable_module(school: School, module: str) -> None:
    PortalModule.objects.filter(school=school, module=module).update(enabled=False)


def set_settings(school: School, **fields: Any) -> PortalSettings:
    row, _ = PortalSettings.objects.update_or_create(school=school, defaults=fields)
    return row


def image_bytes(width: int, height: int, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else (200, 120, 40)).save(out, format=fmt)
    return out.getvalue()
