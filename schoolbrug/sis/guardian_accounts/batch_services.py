"""Bulk invitations (ACC-2): start a batch in the web request, send it in the task worker.

The web request only writes the batch and its items (two statements, however many guardians)
and enqueues the task after commit. The task walks the pending items; each item is marked sent
or skipped in the same transaction as the invitation it issues, so a re-run (worker restart,
"resume") continues where the last one stopped and never invites a guardian twice. The e-mail
leaves after that commit; when the mail server refuses it, the item becomes "failed" with the
reason, and "resume" sends those again (and only those, with the pending ones).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts.models import Account

from .. import policies
from ..models import Group, Guardian
from .batch_models import InvitationBatch, InvitationBatchItem
from .invitations import Delivery
from .selectors import email_problem

logger = logging.getLogger(__name__)

# A batch whose worker has not reported progress for this long may be resumed by hand.
STALLED_AFTER = dt.timedelta(minutes=5)


class RateLimited(Exception):
    """Too many costly requests by this user; the view answers 429 with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def batches_per_hour() -> int:
    # SECURITY 2.4.1: invitation e-mails are costly and abusable; cap batches per administrator.
    return int(settings.SCHOOLBRUG_INVITATION_BATCHES_PER_HOUR)


def enqueue(batch_id: int, base_url: str) -> None:
    from .tasks import send_invitation_batch  # the task module imports this one

    send_invitation_batch.enqueue(batch_id, base_url=base_url)


def check_batch_rate(actor: Account) -> None:
    """Raises RateLimited once the actor started the hourly maximum of batches (any kind)."""
    since = timezone.now() - dt.timedelta(hours=1)
    if InvitationBatch.objects.filter(created_by=actor, created_at__gte=since).count() >= batches_per_hour():
        raise RateLimited(
            str(
                _("You have started %(limit)s invitation batches in the past hour. Please try again later.")
                % {"limit": batches_per_hour()}
            )
        )


def invitation_batch_start(
    *, actor: Any, guardian_ids: Sequence[int], client_key: UUID, base_url: str = ""
) -> InvitationBatch:
    """Creates the batch and its items and enqueues the sending; a repeated key returns the first batch.

    `base_url` is the address of the administrator's request (`outgoing.site_base_url`): the
    worker has no request, and the links in the mails it sends start with this address."""
    staff = policies.application_admin_of(actor)
    if staff is None:
        raise PermissionDenied
    existing = InvitationBatch.objects.filter(created_by=actor, client_key=client_key).first()
    if existing is not None:
        return existing
    # The ids come from the browser: keep only this school's guardians.
    ids = list(
        Guardian.objects.filter(school_id=staff.school_id, pk__in=list(guardian_ids))
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise ValidationError(_("Select at least one guardian."), code="empty")
    check_batch_rate(actor)
    try:
        with transaction.atomic():
            batch = InvitationBatch.objects.create(
                school_id=staff.school_id, created_by=actor, client_key=client_key, total=len(ids)
            )
            InvitationBatchItem.objects.bulk_create(
                (InvitationBatchItem(batch=batch, guardian_id=guardian_id) for guardian_id in ids), batch_size=500
            )
            batch_id = batch.pk
            transaction.on_commit(lambda: enqueue(batch_id, base_url))
    except IntegrityError:
        # A concurrent confirm with the same key won the race: answer with its batch.
        return InvitationBatch.objects.get(created_by=actor, client_key=client_key)
    return batch


def is_stalled(batch: InvitationBatch, now: dt.datetime | None = None) -> bool:
    if batch.status == InvitationBatch.Status.DONE:
        return False
    if batch.status == InvitationBatch.Status.FAILED:
        return True
    last_sign = batch.heartbeat_at or batch.created_at
    return (now or timezone.now()) - last_sign > STALLED_AFTER


def can_resume(batch: InvitationBatch, now: dt.datetime | None = None) -> bool:
    return is_stalled(batch, now) or (batch.is_finished and batch.failed_count > 0)


def invitation_batch_resume(*, actor: Any, batch: InvitationBatch, base_url: str = "") -> InvitationBatch:
    """Enqueues a batch again after its worker died (an enqueue after commit can be lost), or to
    retry the e-mails that failed. Sent items are never sent again."""
    if not policies.is_application_admin(actor, batch.school_id):
        raise PermissionDenied
    if not can_resume(batch):
        return batch
    with transaction.atomic():
        locked = InvitationBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        retried = InvitationBatchItem.objects.filter(batch=locked, state=InvitationBatchItem.State.FAILED).update(
            state=InvitationBatchItem.State.PENDING, reason="", processed_at=None
        )
        InvitationBatch.objects.filter(pk=batch.pk).update(
            status=InvitationBatch.Status.QUEUED,
            heartbeat_at=timezone.now(),
            failed_count=F("failed_count") - retried,
            finished_at=None,
        )
        batch_id = batch.pk
        transaction.on_commit(lambda: enqueue(batch_id, base_url))
    batch.refresh_from_db()
    return batch


def _mark(batch_id: int, status: str, **fields: Any) -> None:
    InvitationBatch.objects.filter(pk=batch_id).update(status=status, heartbeat_at=timezone.now(), **fields)


def invitation_batch_run(*, batch_id: int, chunk_size: int = 50, base_url: str = "") -> InvitationBatch:
    """Sends the pending invitations of a batch (called by the task worker). Safe to run again.
    `base_url`: the address captured when the task was enqueued, for the links in the mails."""
    batch = InvitationBatch.objects.select_related("created_by", "group", "group__year", "group__school").get(
        pk=batch_id
    )
    if batch.status == InvitationBatch.Status.DONE:
        return batch
    actor = batch.created_by
    if actor is None or not _may_still_send(actor, batch):
        # The administrator lost his rights (or left) after confirming: send nothing in his name.
        logger.warning("Invitation batch %s stopped: its creator may no longer invite.", batch_id)
        _mark(batch_id, InvitationBatch.Status.FAILED, finished_at=timezone.now())
        batch.refresh_from_db()
        return batch
    _mark(batch_id, InvitationBatch.Status.RUNNING)
    try:
        while True:
            pending = list(
                batch.items.filter(state=InvitationBatchItem.State.PENDING)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not pending:
                break
            for item_id in pending:
                _process_item(batch_id=batch_id, item_id=item_id, actor=actor, base_url=base_url, group=batch.group)
    except Exception:
        logger.exception("Invitation batch %s failed; the pending items can be resumed.", batch_id)
        _mark(batch_id, InvitationBatch.Status.FAILED)
        raise
    _mark(batch_id, InvitationBatch.Status.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _may_still_send(actor: Any, batch: InvitationBatch) -> bool:
    if batch.group is not None:
        return policies.may_invite_group(actor, batch.group)
    return policies.is_application_admin(actor, batch.school_id)


def _process_item(*, batch_id: int, item_id: int, actor: Any, base_url: str, group: Group | None = None) -> None:
    from . import group_invitations, invitations  # looked up at call time, so tests can stand in

    with transaction.atomic():
        # Locked and re-checked: a second worker on the same batch skips what this one holds.
        item = (
            InvitationBatchItem.objects.select_for_update(of=("self",))
            .select_related("guardian")
            .filter(pk=item_id, state=InvitationBatchItem.State.PENDING)
            .first()
        )
        if item is None:
            return
        reason = email_problem(item.guardian.email)
        if not reason and group is not None:
            reason, item.activation_sent = group_invitations.invite_to_app(
                actor=actor, guardian=item.guardian, group=group, batch_id=batch_id, base_url=base_url
            )
        elif not reason:
            try:
                outcome = invitations.guardian_invite(
                    actor=actor, guardian=item.guardian, batch_key=str(batch_id), base_url=base_url
                )
            except (ValidationError, PermissionDenied) as error:
                reason = "; ".join(getattr(error, "messages", [])) or str(_("refused"))
            else:
                reason = "" if outcome.sent else (outcome.skipped_reason or str(_("not sent")))
                if outcome.sent:
                    delivery = outcome.delivery
                    # Runs after guardian_invite's own callback, which hands the mail over.
                    transaction.on_commit(lambda: _record_delivery(batch_id, item_id, delivery))
        now = timezone.now()
        item.state = InvitationBatchItem.State.SKIPPED if reason else InvitationBatchItem.State.SENT
        item.reason = reason[:300]
        item.processed_at = now
        item.save(update_fields=["state", "reason", "processed_at", "activation_sent"])
        counter = "skipped_count" if reason else "sent_count"
        InvitationBatch.objects.filter(pk=batch_id).update(**{counter: F(counter) + 1}, heartbeat_at=now)


def _record_delivery(batch_id: int, item_id: int, delivery: Delivery) -> None:
    """Turns a sent item into a failed one when the mail server refused its e-mail."""
    if not delivery.failed:
        return
    with transaction.atomic():
        changed = InvitationBatchItem.objects.filter(pk=item_id, state=InvitationBatchItem.State.SENT).update(
            state=InvitationBatchItem.State.FAILED, reason=delivery.error[:300], processed_at=timezone.now()
        )
        if changed:
            InvitationBatch.objects.filter(pk=batch_id).update(
                sent_count=F("sent_count") - 1, failed_count=F("failed_count") + 1
            )
