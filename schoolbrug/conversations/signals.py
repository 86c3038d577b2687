"""Sockets do not outlive the right to use them: logging out or switching an account off closes them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from schoolbrug.accounts.models import Account

from .realtime import ask_sockets_to_check


@receiver(user_logged_out, dispatch_uid="conversations_close_sockets_on_logout")
def close_sockets_on_logout(sender: Any, request: HttpRequest, user: Account | None, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        # The session is flushed only after this signal: name it, so its sockets close regardless.
        ask_sockets_to_check(user.pk, ended_session=getattr(request.session, "session_key", None))


@receiver(post_save, sender=Account, dispatch_uid="conversations_close_sockets_when_switched_off")
def close_sockets_when_switched_off(sender: Any, instance: Account, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        ask_sockets_to_check(instance.pk)
