"""The operator's admin pages for accounts and their second-factor devices.

django-otp registers admin pages of its own that show a TOTP device's key (field, QR code and
"config" pages) and a recovery-code device's codes (inline), and offer to create devices with a
key the operator would then know. They are replaced here: a device page shows whose device it
is and when it was used, never a secret, and devices are created only by their owner's
enrolment. Removing a device (a lost phone) is allowed and written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import AuditEvent, record
from .models import Account


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["kind", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    exclude = ["password"]


DEVICE_FIELDS: tuple[str, ...] = ("user", "name", "confirmed", "created_at", "last_used_at")


class DeviceAdmin(admin.ModelAdmin):
    """Read-only and secret-free: only the fields named here are ever rendered."""

    list_display = DEVICE_FIELDS
    list_filter = ["confirmed"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = DEVICE_FIELDS
    readonly_fields = DEVICE_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Device) -> None:
        self._record_removal(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._record_removal(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)

    def _record_removal(self, request: HttpRequest, devices: list[Device]) -> None:
        for device in devices:
            record(
                AuditEvent.Kind.TWO_FACTOR_DISABLED,
                actor=request.user,
                request=request,
                subject=device.user.email,
                data={"device": type(device).__name__, "removed_by": "operator"},
            )


# Unregistered first: django-otp's own pages would show the secrets.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(DeviceAdmin):
    pass


@admin.register(StaticDevice)
class StaticDeviceAdmin(DeviceAdmin):
    list_display = (*DEVICE_FIELDS, "codes_left")
    fields = (*DEVICE_FIELDS, "codes_left")
    readonly_fields = (*DEVICE_FIELDS, "codes_left")

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaticDevice]:
        return super().get_queryset(request).annotate(codes_left_count=Count("token_set"))

    @admin.display(description=_("recovery codes left"))
    def codes_left(self, device: Any) -> int:
        return int(getattr(device, "codes_left_count", 0))
