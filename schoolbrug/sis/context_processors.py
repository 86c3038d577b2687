from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .policies import staff_member_of


def current_staff(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never show the staff member cost no query.
    return {"current_staff": lambda: staff_member_of(request.user)}
