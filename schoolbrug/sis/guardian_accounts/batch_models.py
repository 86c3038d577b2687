"""Bulk invitations (ACC-2): one batch per confirmed selection, one item per guardian.

The items are the work list of the task worker and, at the same time, the record of what
happened to each guardian: a re-run only touches items that are still pending, so nobody is
invited twice by the same batch. An item whose e-mail the mail server refused is "failed" with
the reason; resuming the batch puts those back to pending (sent items stay as they are).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Group, Guardian, School


class InvitationBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("sending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitation_batches")
    # The batch outlives the administrator's account: the items still tell what was sent.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitation_batches",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # Touched by the worker after every guardian: a batch that stops moving can be resumed.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    # Set for a group's app invitation (MSG-8): each guardian gets the app invitation e-mail, and
    # the activation e-mail only when he has no account yet or his link expired. Empty: ACC-2.
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation_batches"
    )
    # Generated when the confirmation page is shown: confirming twice returns the first batch.
    client_key = models.UUIDField(_("request key"))

    class Meta:
        verbose_name = _("invitation batch")
        verbose_name_plural = _("invitation batches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "client_key"], name="invitationbatch_unique_client_key"),
        ]
        indexes = [models.Index(fields=["created_by", "created_at"], name="invitationbatch_by_creator")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.sent_count}+{self.skipped_count}/{self.total} ({self.status})"

    @property
    def processed(self) -> int:
        return self.sent_count + self.skipped_count + self.failed_count

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))


class InvitationBatchItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped")
        # The mail server refused the e-mail: nothing reached the guardian, so it may be retried.
        FAILED = "failed", _("failed")

    batch = models.ForeignKey(InvitationBatch, on_delete=models.CASCADE, related_name="items")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="invitation_batch_items")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # A reason code (see batch_services.SKIP_REASONS) or the text the invitation service gave.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # Group batches: whether the activation e-mail went along with the app invitation.
    activation_sent = models.BooleanField(_("activation e-mail sent"), default=False)

    class Meta:
        verbose_name = _("invitation batch item")
        verbose_name_plural = _("invitation batch items")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "guardian"], name="invitationbatchitem_unique_guardian"),
            models.CheckConstraint(
                condition=~Q(state="skipped") | ~Q(reason=""), name="invitationbatchitem_skip_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["batch", "state"], name="invitationbatchitem_state")]

    def __str__(self) -> str:
        return f"{self.guardian_id} in batch {self.batch_id}: {self.state}"
