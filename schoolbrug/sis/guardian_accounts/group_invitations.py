"""Inviting a group's guardians to the app (MSG-8), on top of the bulk invitation batches (ACC-2).

The page lists every enrolled pupil of the group with his guardians. A guardian is pre-ticked
unless he is already in the app, or his guardianship lacks the app invitation flag; he cannot
be ticked at all without the portal access right (the app would show him nothing) or without a
usable e-mail address. Ticking a guardian whose app invitation flag is off switches the flag on:
the teacher chose to invite him (docs/decisions/0024).

Confirming writes one `InvitationBatch` with `group` set and one item per ticked guardian; the
task worker then sends each guardian the app invitation e-mail (through the mail queue, with its
retries) and, only when he has no working way in yet, the activation e-mail of `guardian_invite`
(no account, an inactive one, or an unused link that expired). The batch's request key makes a
double submit return the first batch; the items make a re-run send nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from schoolbrug.accounts.activation import ActivationToken
from schoolbrug.accounts.models import Account
from schoolbrug.core.mail import KIND_HEADER, SCHOOL_HEADER
from schoolbrug.core.mail_queue import mail_enqueue
from schoolbrug.core.outgoing import EmailMessage, email_link

from .. import policies
from ..models import Group, Guardian, Guardianship, Pupil
from ..selectors import families_of_pairs
from . import batch_services
from .batch_models import InvitationBatch, InvitationBatchItem
from .invitations import guardian_invite
from .selectors import as_flag, email_problem, guardianship_in_app, skip_reason_label

MAIL_KIND = "app_invitation"

NO_ACCESS_RIGHT = _("no access right")
NOT_FLAGGED = _("not invited for the app yet")
ALREADY_IN_APP = _("already in the app")


@dataclass(frozen=True)
class Invitee:
    guardianship_id: int
    guardian_id: int
    name: str
    relation: str
    email: str
    in_app: bool
    # Why he cannot be ticked at all ("" when he can).
    blocked: str
    flag_off: bool

    @property
    def ticked(self) -> bool:
        """The pre-ticking rule of MSG-8."""
        return not self.blocked and not self.flag_off and not self.in_app

    @property
    def note(self) -> str:
        if self.blocked:
            return self.blocked
        if self.in_app:
            return str(ALREADY_IN_APP)
        return str(NOT_FLAGGED) if self.flag_off else ""


@dataclass(frozen=True)
class PupilInvitees:
    pupil_id: int
    name: str
    invitees: list[Invitee]


@dataclass(frozen=True)
class GroupReach:
    pupils: list[PupilInvitees]
    families: int
    families_in_app: int
    by_guardianship: dict[int, Invitee] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.families_in_app / self.families) if self.families else 0


def _blocked_reason(link: Guardianship) -> str:
    if not link.portal_access:
        return str(NO_ACCESS_RIGHT)
    problem = email_problem(link.guardian.email)
    return skip_reason_label(problem) if problem else ""


def group_reach(group: Group) -> GroupReach:
    """The group's enrolled pupils with their guardians and the share of families in the app.

    Families are the group's pupils joined by shared guardians (`families_of_pairs`: twins are
    one family); a family counts as reachable when one of its guardians is in the app for one of
    its children. Two queries, whatever the size of the group."""
    links = (
        Guardianship.objects.select_related("guardian")
        .annotate(in_app=as_flag(guardianship_in_app()))
        .order_by("contact_order", "pk")
    )
    pupils = (
        Pupil.objects.filter(status=Pupil.Status.ENROLLED, placements__group=group, placements__year_id=group.year_id)
        .distinct()
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(Prefetch("guardianships", queryset=links, to_attr="links"))
    )
    rows: list[PupilInvitees] = []
    by_guardianship: dict[int, Invitee] = {}
    pairs: list[tuple[int, int]] = []
    in_app_pupils: set[int] = set()
    for pupil in pupils:
        invitees = []
        for link in pupil.links:  # type: ignore[attr-defined]
            invitee = Invitee(
                guardianship_id=link.pk,
                guardian_id=link.guardian_id,
                name=link.guardian.full_name,
                relation=link.get_relation_display(),
                email=link.guardian.email,
                in_app=link.in_app,
                blocked=_blocked_reason(link),
                flag_off=not link.app_invitation,
            )
            invitees.append(invitee)
            by_guardianship[link.pk] = invitee
            pairs.append((link.guardian_id, pupil.pk))
            if link.in_app:
                in_app_pupils.add(pupil.pk)
        # A pupil without guardians is a family of his own (and not reachable).
        pairs.append((-pupil.pk, pupil.pk))
        rows.append(PupilInvitees(pupil_id=pupil.pk, name=pupil.sort_name, invitees=invitees))
    families = families_of_pairs(pairs)
    return GroupReach(
        pupils=rows,
        families=len(families),
        families_in_app=sum(1 for family in families if family & in_app_pupils),
        by_guardianship=by_guardianship,
    )


class NotInGroup(Exception):
    """A posted guardianship is not one of this group's: the form was tampered with (404)."""


def group_invitation_start(
    *, actor: Account, group: Group, guardianship_ids: Iterable[int], client_key: UUID, base_url: str = ""
) -> InvitationBatch:
    """Writes the batch of the ticked guardians and enqueues its sending; a repeated key returns
    the first batch. Raises NotInGroup for a guardianship outside the group, ValidationError for
    a guardian who cannot be invited or an empty choice, batch_services.RateLimited."""
    if not policies.may_invite_group(actor, group):
        raise PermissionDenied
    existing = InvitationBatch.objects.filter(created_by=actor, client_key=client_key).first()
    if existing is not None:
        return existing
    reach = group_reach(group)
    chosen = [reach.by_guardianship.get(pk) for pk in set(guardianship_ids)]
    if any(invitee is None for invitee in chosen):
        raise NotInGroup
    invitees = [invitee for invitee in chosen if invitee is not None]
    blocked = sorted({f"{i.name}: {i.blocked}" for i in invitees if i.blocked})
    if blocked:
        raise ValidationError(
            _("These guardians cannot be invited: %(names)s.") % {"names": "; ".join(blocked)}, code="blocked"
        )
    guardian_ids = sorted({invitee.guardian_id for invitee in invitees})
    if not guardian_ids:
        raise ValidationError(_("Tick at least one guardian."), code="empty")
    batch_services.check_batch_rate(actor)
    try:
        with transaction.atomic():
            # The teacher ticked a guardian the records had not flagged for the app: his choice.
            Guardianship.objects.filter(
                pk__in=[i.guardianship_id for i in invitees if i.flag_off], portal_access=True
            ).update(app_invitation=True, updated_at=timezone.now())
            batch = InvitationBatch.objects.create(
                school_id=group.school_id, group=group, created_by=actor, client_key=client_key, total=len(guardian_ids)
            )
            InvitationBatchItem.objects.bulk_create(
                InvitationBatchItem(batch=batch, guardian_id=guardian_id) for guardian_id in guardian_ids
            )
            batch_id = batch.pk
            transaction.on_commit(lambda: batch_services.enqueue(batch_id, base_url))
    except IntegrityError:
        return InvitationBatch.objects.get(created_by=actor, client_key=client_key)
    return batch


def needs_activation(guardian: Guardian) -> bool:
    """Whether the guardian needs the activation e-mail along with the app invitation: he has no
    account, his account is inactive, or it was never activated and no unused link still works
    (links expire after 7 days). An activated, active account never gets one."""
    account = guardian.account
    if account is None or not account.is_active:
        return True
    tokens = ActivationToken.objects.filter(account=account)
    if account.last_login is not None or tokens.filter(used_at__isnull=False).exists():
        return False
    return not tokens.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()).exists()


def _children_in_group(guardian: Guardian, group: Group) -> list[str]:
    pupils = Pupil.objects.filter(
        guardianships__guardian=guardian, placements__group=group, placements__year_id=group.year_id
    ).order_by("first_name")
    return [pupil.display_name for pupil in pupils.distinct()]


def app_invitation_message(
    *, guardian: Guardian, group: Group, sender_name: str, activation: bool, base_url: str = ""
) -> EmailMessage:
    """The app invitation e-mail, in the guardian's language. It holds no secret (the login
    address only), so the mail queue may keep it in its task arguments."""
    school = group.school
    language = guardian.language if guardian.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = {
        "guardian": guardian,
        "school": school,
        "group": group,
        "children": _children_in_group(guardian, group),
        "login_url": email_link(reverse("accounts:login"), base_url=base_url),
        "username": guardian.email.strip().lower(),
        "activation": activation,
        "sender_name": sender_name,
    }
    with translation.override(language):
        subject = " ".join(render_to_string("sis/email/app_invitation_subject.txt", context).split())
        body = render_to_string("sis/email/app_invitation_body.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[guardian.email.strip()],
        reply_to=[school.email] if school.email else None,
        headers={
            SCHOOL_HEADER: str(school.pk),
            KIND_HEADER: MAIL_KIND,
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )


def invite_to_app(
    *, actor: Account, guardian: Guardian, group: Group, batch_id: int, base_url: str
) -> tuple[str, bool]:
    """One guardian of a group batch, inside the worker's transaction for his item: the
    activation e-mail when needed, then the app invitation. Returns (skip reason, activation sent)."""
    activation = False
    if needs_activation(guardian):
        try:
            outcome = guardian_invite(
                actor=actor, guardian=guardian, batch_key=str(batch_id), base_url=base_url, group=group
            )
        except (ValidationError, PermissionDenied) as error:
            return "; ".join(getattr(error, "messages", [])) or str(_("refused")), False
        activation = outcome.sent
    sender = policies.staff_member_of(actor)
    message = app_invitation_message(
        guardian=guardian,
        group=group,
        sender_name=sender.full_name if sender is not None else actor.get_full_name(),
        activation=activation or needs_activation(guardian),
        base_url=base_url,
    )
    mail_enqueue(message)
    return "", activation


def get_group_batch_or_404(group: Group, batch_id: int) -> InvitationBatch:
    """A batch of this group (whose visibility the caller has established), else 404."""
    return get_object_or_404(InvitationBatch, pk=batch_id, group=group, school_id=group.school_id)
