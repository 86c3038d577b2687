"""Correction requests from the portal (POR-10): what a pencil may point at, filing a request
(records' service), the e-mail to the school's correction address (POR-1) and the requests the
guardian is still waiting for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.core.mail import KIND_HEADER, SCHOOL_HEADER
from schoolbrug.core.mail_queue import mail_enqueue
from schoolbrug.core.outgoing import EmailMessage
from schoolbrug.records.models import CorrectionRequest
from schoolbrug.records.services.corrections import (
    ALLOWED_FIELDS,
    correction_request_submit,
    field_label,
)
from schoolbrug.sis import selectors as sis_selectors
from schoolbrug.sis.models import Guardian, MedicalInfo, Pupil, StaffMember

from . import selectors
from .config import portal_for
from .modules import Module

Target = CorrectionRequest.Target
MAIL_KIND = "correction_request"


class ModuleSwitchedOff(Http404):
    """The row is the guardian's, but its module is off: a page that does not exist, or, for
    a form posted just after the school switched the module off, a message that keeps the text."""


def correctable_object(
    *,
    account: Account,
    children: Sequence[Pupil],
    guardian_records: Sequence[Guardian],
    target: str,
    object_id: int,
    field: str,
) -> models.Model:
    """The row a pencil points at, if it is the guardian's to propose a change to; else 404.

    Every kind is looked up through what the portal pages themselves show, so the form never
    opens what the page hides: pupils from the guardian's reachable `children`, emergency numbers
    through `sis.selectors.emergency_contacts_visible_to` (the About page's own selector, which hides
    a co-guardian's number), his own guardian records through `selectors.correctable_guardian_ids`
    (the account page's pencils), and medical fields only while the medical module is on and only
    when they already hold a value (no new medical data through the portal).
    """
    if field not in ALLOWED_FIELDS.get(target, ()):
        raise Http404
    obj: models.Model | None = None
    if target == Target.PUPIL:
        obj = next((c for c in children if c.pk == object_id), None)
    elif target == Target.EMERGENCY_CONTACT:
        obj = next(iter(sis_selectors.emergency_contacts_visible_to(account, children, pk=object_id)), None)
    elif target == Target.MEDICAL:
        child_ids = [c.pk for c in children]
        medical = MedicalInfo.objects.filter(pk=object_id, pupil_id__in=child_ids).select_related("pupil").first()
        if medical is not None and getattr(medical, field):
            if not portal_for(medical.pupil.school_id).is_on(Module.MEDICAL):
                raise ModuleSwitchedOff
            obj = medical
    elif target == Target.GUARDIAN and object_id in selectors.correctable_guardian_ids(guardian_records, children):
        obj = next((g for g in guardian_records if g.pk == object_id), None)
    if obj is None:
        raise Http404
    return obj


def pending_corrections(account: Account, school_ids: Iterable[int]) -> dict[tuple[str, int, str], CorrectionRequest]:
    """The account's own requests the school has not decided yet, by (target, object id, field),
    for the pencils that show them. Only his own: a co-guardian's proposal (a new address, a new
    phone number) is that guardian's personal data. One query."""
    requests = CorrectionRequest.objects.filter(
        requested_by=account, status=CorrectionRequest.Status.PENDING, school_id__in=list(school_ids)
    ).order_by("requested_at", "pk")
    return {(r.target, r.object_id, r.field_name): r for r in requests}


def school_mail_language(school_id: int, address: str) -> str:
    """The language of mail to a school address: that of the staff member whose address it is,
    if any; otherwise the site's language, which is the school's (a school has no language of its
    own)."""
    language = (
        StaffMember.objects.filter(school_id=school_id, is_active=True, account__isnull=False)
        .filter(Q(account__email__iexact=address) | Q(email__iexact=address))
        .values_list("account__language", flat=True)
        .first()
    )
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def correction_mail(*, actor: Account, correction: CorrectionRequest, address: str) -> EmailMessage:
    """The notice to the school's correction address. It names who and what, in the school's
    language, not the values: those stay inside the platform."""
    name = actor.get_full_name() or actor.email
    with translation.override(school_mail_language(correction.school_id, address)):
        target = correction.get_target_display()
        if correction.pupil is not None:
            target = f"{target}, {correction.pupil.full_name}"
        subject = _("Correction request from %(name)s") % {"name": name}
        body = _(
            "%(name)s asks to correct the field '%(field)s' (%(target)s).\n\n"
            "Open the correction requests in Schoolbrug to apply or reject it."
        ) % {"name": name, "field": field_label(correction.target, correction.field_name), "target": target}
    return EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        headers={SCHOOL_HEADER: str(correction.school_id), KIND_HEADER: MAIL_KIND, "Auto-Submitted": "auto-generated"},
    )


@transaction.atomic
def portal_correction_submit(
    *, actor: Account, target: str, obj: models.Model, field: str, proposed_value: str
) -> CorrectionRequest:
    """Files the request in the staff inbox and queues the e-mail to the school's correction
    address; the task worker sends it after commit, with retries, so a mail server that is down
    never costs the guardian his request."""
    correction = correction_request_submit(
        actor=actor, target=target, obj=obj, field=field, proposed_value=proposed_value
    )
    address = portal_for(correction.school_id).correction_email
    if address:
        mail_enqueue(correction_mail(actor=actor, correction=correction, address=address))
    return correction
