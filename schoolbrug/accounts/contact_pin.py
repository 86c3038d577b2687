"""The personal PIN in front of children's contact information (PRIV-2).

A PIN is a second "something you know", not a second factor: it is friction that is rate limited,
expires and is logged. It is hashed with Django's password hashers, at least five digits and never
a trivial row (11111, 12345, 98765). Five wrong PINs lock it for fifteen minutes. Once entered it
holds for fifteen minutes of inactivity and at most eight hours; entering it gives the session a
new id.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import AuditEvent, record

MIN_LENGTH = 5
MAX_LENGTH = 12
FAILURE_LIMIT = 5
LOCK_TIME = dt.timedelta(minutes=15)
IDLE_LIMIT = dt.timedelta(minutes=15)
ABSOLUTE_LIMIT = dt.timedelta(hours=8)
SESSION_ENTERED = "contact_pin_entered_at"
SESSION_SEEN = "contact_pin_seen_at"


class ContactPin(models.Model):
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_pin")
    pin_hash = models.CharField(max_length=256)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("contact PIN")
        verbose_name_plural = gettext_lazy("contact PINs")

    def __str__(self) -> str:
        return str(self.account_id)


def is_trivial(pin: str) -> bool:
    """One digit repeated, or a run up or down (12345, 54321, 34567, 90123)."""
    if len(set(pin)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    return steps in ({1}, {9})


def validate_pin(pin: str) -> None:
    if not pin.isascii() or not pin.isdigit() or not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise ValidationError(
            _("A PIN has %(min)d to %(max)d digits and nothing else.") % {"min": MIN_LENGTH, "max": MAX_LENGTH},
            code="pin_format",
        )
    if is_trivial(pin):
        raise ValidationError(_("This PIN is too easy to guess: avoid repeated digits and rows."), code="pin_trivial")


def has_pin(account: models.Model) -> bool:
    return ContactPin.objects.filter(account_id=account.pk).exists()


@transaction.atomic
def pin_set(*, account: models.Model, pin: str, request: HttpRequest | None = None) -> ContactPin:
    """Sets or replaces the PIN (the caller has checked the account's password); clears a lock
    and ends a step-up of this session, so the new PIN is asked next time."""
    validate_pin(pin)
    saved, _created = ContactPin.objects.update_or_create(
        account_id=account.pk, defaults={"pin_hash": make_password(pin), "failures": 0, "locked_until": None}
    )
    record(AuditEvent.Kind.PIN_SET, actor=account, request=request, subject=getattr(account, "email", ""))
    if request is not None:
        forget_pin_step(request)
    return saved


def locked_until(account: models.Model, now: dt.datetime | None = None) -> dt.datetime | None:
    now = now or timezone.now()
    until = ContactPin.objects.filter(account_id=account.pk).values_list("locked_until", flat=True).first()
    return until if until is not None and until > now else None


@transaction.atomic
def pin_check(*, account: models.Model, pin: str, request: HttpRequest, now: dt.datetime | None = None) -> bool:
    """Whether `pin` is right. The row is locked while counting, so parallel guesses are counted
    each; a locked PIN is refused without being checked."""
    now = now or timezone.now()
    saved = ContactPin.objects.select_for_update().filter(account_id=account.pk).first()
    if saved is None or (saved.locked_until is not None and saved.locked_until > now):
        return False
    if check_password(pin, saved.pin_hash):
        ContactPin.objects.filter(pk=saved.pk).update(failures=0, locked_until=None)
        record(AuditEvent.Kind.PIN_ENTERED, actor=account, request=request, subject=getattr(account, "email", ""))
        return True
    failures = saved.failures + 1
    lock = now + LOCK_TIME if failures >= FAILURE_LIMIT else None
    ContactPin.objects.filter(pk=saved.pk).update(failures=0 if lock else failures, locked_until=lock)
    record(
        AuditEvent.Kind.PIN_LOCKED if lock else AuditEvent.Kind.PIN_FAILED,
        actor=account,
        request=request,
        subject=getattr(account, "email", ""),
        data={"failures": failures},
    )
    return False


def mark_pin_step(request: HttpRequest, now: dt.datetime | None = None) -> None:
    """After a right PIN: a new session id (the step-up raises what the session may see)."""
    request.session.cycle_key()
    stamp = (now or timezone.now()).isoformat()
    request.session[SESSION_ENTERED] = stamp
    request.session[SESSION_SEEN] = stamp


def forget_pin_step(request: HttpRequest) -> None:
    request.session.pop(SESSION_ENTERED, None)
    request.session.pop(SESSION_SEEN, None)


def pin_step_is_fresh(request: HttpRequest, now: dt.datetime | None = None) -> bool:
    """Whether the PIN was entered in this session less than 15 minutes of inactivity and less
    than 8 hours ago; a fresh step is kept alive by this very look."""
    now = now or timezone.now()
    try:
        entered = dt.datetime.fromisoformat(request.session[SESSION_ENTERED])
        seen = dt.datetime.fromisoformat(request.session[SESSION_SEEN])
    except (KeyError, TypeError, ValueError):
        return False
    if now - entered >= ABSOLUTE_LIMIT or now - seen >= IDLE_LIMIT:
        forget_pin_step(request)
        return False
    request.session[SESSION_SEEN] = now.isoformat()
    return True
