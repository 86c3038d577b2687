"""Which sessions belong to which account, so an account's sessions can be ended one by one.

Sessions keep the user id inside their encoded data; without this index, ending the sessions
of one account meant decoding every session on the site (guardian sessions last 30 days).

`remember_session` is called right after every `login()` (and after every other change of the
session key of a logged-in session); logging out forgets the row through `user_logged_out`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_DB_SESSIONS = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


class AccountSession(models.Model):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="session_index", verbose_name=_("account")
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account session")
        verbose_name_plural = _("account sessions")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.created_at:%Y-%m-%d %H:%M}"


def _store_class() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def remember_session(request: HttpRequest, account: Any) -> None:
    """Notes the request's (new) session as one of the account's sessions."""
    session = request.session
    if session.session_key is None:
        session.save()  # a key now, so it can be indexed
    key = session.session_key
    if key is None:
        return
    with transaction.atomic():
        AccountSession.objects.update_or_create(session_key=key, defaults={"account": account})
        _forget_vanished(account)


def _forget_vanished(account: Any) -> None:
    # Sessions also end by expiry, `clearsessions` or a cycled key: the account's stale rows go
    # at its next login, so the index stays as small as its live sessions.
    if settings.SESSION_ENGINE not in _DB_SESSIONS:
        return
    # Looked up by primary key, never by scanning the session table.
    keys = list(AccountSession.objects.filter(account=account).values_list("session_key", flat=True))
    live = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
    gone = set(keys) - set(live.values_list("session_key", flat=True))
    if gone:
        AccountSession.objects.filter(session_key__in=gone).delete()


@receiver(user_logged_out, dispatch_uid="schoolbrug.accounts.sessions.forget")
def forget_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Sent before the session is flushed, so the key is still the one that was indexed.
    if request is None or getattr(request, "session", None) is None or request.session.session_key is None:
        return
    AccountSession.objects.filter(session_key=request.session.session_key).delete()


def end_sessions_of(account: Any) -> int:
    """Deletes every indexed session of one account from the session store; returns how many
    the index held. Only that account's sessions are touched, however many others exist."""
    keys = list(AccountSession.objects.filter(account=account).values_list("session_key", flat=True))
    # Through the engine's own store, so a cached_db engine forgets its cached copy too.
    store_class = _store_class()
    for key in keys:
        store_class(session_key=key).delete()
    AccountSession.objects.filter(account=account, session_key__in=keys).delete()
    return len(keys)
