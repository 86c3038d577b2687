"""Browser push subscriptions: one row per device (browser profile) that said yes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushSubscription(models.Model):
    """What a browser's PushManager.subscribe() returned, for one account on one device.

    A browser holds one subscription per site, so the endpoint is unique: when another account
    subscribes on the same device, the row moves to that account (the device now belongs to it).
    """

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("push service address"), max_length=2048, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's P-256 public key, base64url
    auth = models.CharField(max_length=40)  # the 16-byte authentication secret, base64url
    user_agent_label = models.CharField(_("device"), max_length=100, blank=True)
    created = models.DateTimeField(_("added"), auto_now_add=True)
    last_success = models.DateTimeField(_("last delivered"), null=True, blank=True)
    # Set when the push service refused the subscription for good; kept a while so the account
    # page can say why that device got nothing, never used for sending again.
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["account", "disabled_at"], name="push_sub_account_active")]

    def __str__(self) -> str:
        return f"{self.user_agent_label or 'device'} ({self.account_id})"

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class PushReceipt(models.Model):
    """That a delivery (by its idempotency key) was handed to the device's push service.

    Written as soon as the push service accepted the message, in its own transaction: a worker
    that dies before it marks the delivery sent leaves this row, and the retry sends nothing. The
    Topic header and the notification tag cover a crash between the push and this row.
    """

    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="receipts")
    idempotency_key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "idempotency_key"], name="push_receipt_once")]

    def __str__(self) -> str:
        return f"{self.idempotency_key} -> {self.subscription_id}"
