"""Leave requests (ABS-3): a guardian asks, the principal approves or refuses with a reason.

Approved leave becomes one authorised absence in the pupil file. A request for more than ten
school days is flagged: by law the attendance officer (leerplichtambtenaar) decides those, not
the principal.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import IO
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.core.images import validated_png
from schoolbrug.notifications.models import NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify
from schoolbrug.sis.dates import local_datetime, school_zone, year_containing
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.policies import pupils_visible_to

from ..models import Absence, AbsenceReason, LeaveRequest
from ..policies.absences import leave_decider_of

OFFICER_THRESHOLD = 10  # school days; more than this goes to the attendance officer
MAX_ATTACHMENT = 5 * 1024 * 1024
REASON_MAX = 2000
# The reason approved leave is recorded under; created authorised when the school has none.
LEAVE_REASON_NAME = "Verlof"


def school_days_between(first: dt.date, last: dt.date) -> int:
    """Monday to Friday from `first` to `last` inclusive."""
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (first + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def checked_attachment(upload: IO[bytes], name: str, size: int | None) -> tuple[bytes, str, str]:
    """(content, type, name shown) of a PDF or an image, judged by its content, never its name;
    images come back re-encoded as PNG without metadata."""
    if size is not None and size > MAX_ATTACHMENT:
        raise ValidationError({"attachment": _("The attachment is larger than 5 MB.")})
    data = upload.read(MAX_ATTACHMENT + 1)
    if len(data) > MAX_ATTACHMENT:
        raise ValidationError({"attachment": _("The attachment is larger than 5 MB.")})
    shown = "".join(ch for ch in name if ch.isprintable() and ch not in "\u202a\u202b\u202c\u202d\u202e")[:150]
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return data, "application/pdf", shown or "bijlage.pdf"
    try:
        png = validated_png(io.BytesIO(data), len(data), min_side=1, stored_side=2000, square=False)
    except ValidationError as error:
        raise ValidationError({"attachment": _("Attach a PDF or a photo (JPEG, PNG or WebP).")}) from error
    return png, "image/png", (shown.rsplit(".", 1)[0] or "bijlage") + ".png"


@transaction.atomic
def leave_request_submit(
    *,
    actor: Account,
    pupil: Pupil,
    first_day: dt.date,
    last_day: dt.date,
    reason: str,
    attachment: tuple[bytes, str, str] | None,
    client_key: UUID | None,
) -> LeaveRequest:
    if not getattr(actor, "is_guardian", False) or not pupils_visible_to(actor).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    reason = reason.strip()
    if client_key is not None:
        earlier = LeaveRequest.objects.filter(requested_by=actor, client_key=client_key).first()
        if earlier is not None:
            same = (earlier.pupil_id, earlier.first_day, earlier.last_day, earlier.reason) == (
                pupil.pk,
                first_day,
                last_day,
                reason,
            )
            if not same:
                raise ValidationError(
                    _("This form was already sent with other content. Reload the page and ask again."),
                    code="client_key_reused",
                )
            return earlier
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day lies before the first day.")})
    if not reason:
        raise ValidationError({"reason": _("Say why you ask for leave.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    year = year_containing(pupil.school, first_day)
    if year is None or last_day > year.end_date:
        raise ValidationError({"first_day": _("The leave must lie within one school year.")})
    days = school_days_between(first_day, last_day)
    if days == 0:
        raise ValidationError({"first_day": _("These dates contain no school day.")})
    content, kind, name = attachment if attachment is not None else (None, "", "")
    return LeaveRequest.objects.create(
        school=pupil.school,
        pupil=pupil,
        requested_by=actor,
        requested_by_name=getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "email", ""),
        first_day=first_day,
        last_day=last_day,
        reason=reason,
        school_days=days,
        needs_attendance_officer=days > OFFICER_THRESHOLD,
        attachment=content,
        attachment_type=kind,
        attachment_name=name,
        client_key=client_key,
    )


def _leave_reason(school_id: int) -> AbsenceReason:
    reason, _created = AbsenceReason.objects.get_or_create(
        school_id=school_id, name=LEAVE_REASON_NAME, defaults={"is_authorised": True}
    )
    return reason


@transaction.atomic
def leave_request_decide(*, actor: Account, leave_id: int, approve: bool, explanation: str) -> LeaveRequest:
    """The principal's decision, once; the guardian who asked is notified in this transaction."""
    staff = leave_decider_of(actor)
    if staff is None:
        raise PermissionDenied
    leave = (
        LeaveRequest.objects.select_for_update()
        .select_related("pupil", "pupil__school")
        .filter(pk=leave_id, school_id=staff.school_id)
        .first()
    )
    if leave is None:
        raise PermissionDenied
    if leave.status != LeaveRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    explanation = explanation.strip()
    if not approve and not explanation:
        raise ValidationError({"decision_reason": _("Explain to the guardian why the leave is refused.")})
    if len(explanation) > REASON_MAX:
        raise ValidationError({"decision_reason": _("Keep the explanation under 2000 characters.")})
    if approve:
        zone = school_zone(leave.pupil.school)
        starts_at = local_datetime(leave.first_day, None, zone)
        ends_at = local_datetime(leave.last_day + dt.timedelta(days=1), None, zone)
        overlapping = Absence.objects.filter(pupil=leave.pupil, starts_at__lt=ends_at, ends_at__gt=starts_at)
        if overlapping.exists():
            raise ValidationError(_("The pupil already has an absence in this period; remove it first."))
        year = year_containing(leave.pupil.school, leave.first_day)
        if year is None:
            raise ValidationError(_("The leave must lie within one school year."))
        Absence.objects.create(
            pupil=leave.pupil,
            year=year,
            starts_at=starts_at,
            ends_at=ends_at,
            whole_day=True,
            reason=_leave_reason(leave.school_id),
            remark=leave.reason[:1000],
            processed=True,
            recorded_by=actor,
            leave_request=leave,
        )
    leave.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
    leave.decided_by = actor
    leave.decided_at = timezone.now()
    leave.decision_reason = explanation
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    requester = (
        Account.objects.filter(pk=leave.requested_by_id, is_active=True).first() if leave.requested_by_id else None
    )
    if requester is not None:
        with translation.override(requester.language or "nl"):
            title = (_("Leave for %(name)s approved") if approve else _("Leave for %(name)s refused")) % {
                "name": leave.pupil.display_name
            }
            event = Event(
                kind=NotificationKind.ABSENCE,
                title=title,
                link=reverse("portal:child-leave", args=[leave.pupil_id]),
                dedupe_key=f"leave-decided:{leave.pk}",
                pupil_id=leave.pupil_id,
            )
        notify([requester], event)
    return leave
