"""New staff get their school's default contact hours (docs/decisions/0019).

"New staff" is a staff login the moment it is linked to a staff record: only then is the school
(and so its default) known. The account id seen when the record was loaded is remembered, so
saving the record again later (a new phone number) never brings back hours the person switched off.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from schoolbrug.sis.models import StaffMember

_LOADED = "_notifications_loaded_account_id"


@receiver(post_init, sender=StaffMember, dispatch_uid="notifications_remember_staff_account")
def remember_linked_account(sender: type, instance: StaffMember, **kwargs: Any) -> None:
    # Through __dict__: a deferred field must not cost a query per loaded row.
    setattr(instance, _LOADED, instance.__dict__.get("account_id"))


@receiver(post_save, sender=StaffMember, dispatch_uid="notifications_default_quiet_hours")
def give_new_staff_default_hours(
    sender: type, instance: StaffMember, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    account_id = instance.account_id
    newly_linked = account_id is not None and (created or account_id != getattr(instance, _LOADED, None))
    setattr(instance, _LOADED, account_id)
    if raw or not newly_linked or instance.account is None:
        return
    from .services import give_default_quiet_hours

    give_default_quiet_hours(instance.account, instance.school_id)
