"""New staff get the school's default contact hours (docs/decisions/0019)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="notifications_default_quiet_hours")
def give_new_staff_default_hours(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or instance.kind != "staff":
        return
    from .services import give_default_quiet_hours

    give_default_quiet_hours(instance)
