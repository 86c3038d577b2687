from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from schoolbrug.sis.models import Group, School
from schoolbrug.sis.signals import groups_created

from .services import ensure_group_space, ensure_spaces


@receiver(post_save, sender=School, dispatch_uid="messaging-school-spaces")
def school_saved(sender: type[School], instance: School, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        ensure_spaces(instance)


@receiver(post_save, sender=Group, dispatch_uid="messaging-group-space")
def group_saved(sender: type[Group], instance: Group, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        ensure_group_space(instance)


@receiver(groups_created, dispatch_uid="messaging-bulk-group-spaces")
def groups_bulk_created(sender: type[Group], school: School, **kwargs: Any) -> None:
    ensure_spaces(school)
