"""The digest: what waited for a person (channel "digest" deliveries), in one e-mail at the time
he chose (`DigestSchedule`), computed in his time zone with a few minutes of jitter.

`send_due_digests` runs as a scheduler job (only the scheduler holding the lease acts, so no claim
is needed). Items read meanwhile are left out and their deliveries cancelled; one e-mail per
person per digest, grouped by child (his called name as heading), then by space or kind; the
e-mail's Message-ID is derived from the person and the digest time, so a retry after a crash is
the same message.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.core.mail_queue import is_transient
from schoolbrug.core.outgoing import EmailMessage, email_link

from .models import Channel, Delivery, DigestSchedule, Notification, NotificationKind
from .planning import next_digest_at
from .selectors import time_zone_of

logger = logging.getLogger("schoolbrug.notifications")

JITTER = timedelta(minutes=10)


def jitter_for(account_id: int) -> timedelta:
    # Deterministic per person: his digest comes at the same minute every day.
    return timedelta(seconds=(account_id * 7919) % int(JITTER.total_seconds()))


def digest_message_id(account_id: int, due: datetime) -> str:
    return f"<digest-{account_id}-{int(due.timestamp())}@notifications.schoolbrug>"


def digest_body(items: list[Notification]) -> str:
    """The e-mail text: a section per child (under his called name), in it the items by space or
    kind; items about no child follow, by space or kind. Sections in the order of their first item."""
    sections: dict[int | None, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    names: dict[int, str] = {}
    for item in items:
        if item.pupil is not None:
            names[item.pupil.pk] = item.pupil.display_first_name
        heading = item.space or str(NotificationKind(item.kind).label)
        line = f"- {item.title}" + (f"\n  {email_link(item.link)}" if item.link else "")
        sections[item.pupil_id][heading].append(line)

    def groups(by_heading: dict[str, list[str]]) -> list[str]:
        return [f"{heading[:1].upper()}{heading[1:]}\n" + "\n".join(lines) for heading, lines in by_heading.items()]

    parts: list[str] = []
    for pupil_id, by_heading in sorted(sections.items(), key=lambda section: section[0] is None):
        if pupil_id is None:
            parts += groups(by_heading)
        else:
            name = names[pupil_id]
            parts.append(f"{name}\n{'=' * len(name)}\n\n" + "\n\n".join(groups(by_heading)))
    return "\n\n".join(parts)


def schedule_for(account: Account, now: datetime) -> DigestSchedule:
    schedule, _created = DigestSchedule.objects.get_or_create(account=account)
    if schedule.next_at is None:
        schedule.next_at = next_digest_at(
            frequency=schedule.frequency,
            weekday=schedule.weekday,
            at=schedule.at,
            tz=time_zone_of(account),
            now=now,
            jitter=jitter_for(account.pk),
        )
        schedule.save(update_fields=["next_at"])
    return schedule


def send_due_digests(now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many e-mails went out."""
    now = now or timezone.now()
    waiting = (
        Delivery.objects.filter(channel=Channel.DIGEST, state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .values_list("notification__recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for account in Account.objects.filter(pk__in=list(waiting)):
        schedule = schedule_for(account, now)
        assert schedule.next_at is not None
        if schedule.next_at > now:
            continue
        if _send_digest(account, schedule, now):
            sent += 1
    return sent


def _send_digest(account: Account, schedule: DigestSchedule, now: datetime) -> bool:
    assert schedule.next_at is not None
    deliveries = list(
        Delivery.objects.filter(
            channel=Channel.DIGEST,
            state=Delivery.State.PENDING,
            next_attempt_at__lte=now,
            notification__recipient=account,
        )
        .select_related("notification__pupil")
        .order_by("notification__created_at", "pk")
    )
    unread = [d for d in deliveries if d.notification.read_at is None]
    read = [d for d in deliveries if d.notification.read_at is not None]
    message_sent = False
    if unread and account.is_active and account.email:
        with translation.override(account.language or "nl"):
            body = digest_body([d.notification for d in unread])
            subject = _("What you missed in Schoolbrug (%(count)s)") % {"count": len(unread)}
        message = EmailMessage(
            subject=subject,
            body=body + "\n",
            to=[account.email],
            headers={
                "Message-ID": f"<digest-{account.pk}-{int(schedule.next_at.timestamp())}@notifications.schoolbrug>"
            },
        )
        try:
            message.send()
        except Exception as error:
            if is_transient(error):
                # The next run tries again; nothing is marked, so nothing is lost.
                logger.warning("digest for account %s not sent yet: %s", account.pk, error)
                return False
            logger.exception("digest for account %s refused", account.pk)
        message_sent = True
    with transaction.atomic():
        Delivery.objects.filter(pk__in=[d.pk for d in unread]).update(
            state=Delivery.State.SENT if message_sent else Delivery.State.CANCELLED, sent_at=now, attempts=1
        )
        Delivery.objects.filter(pk__in=[d.pk for d in read]).update(state=Delivery.State.CANCELLED)
        schedule.next_at = next_digest_at(
            frequency=schedule.frequency,
            weekday=schedule.weekday,
            at=schedule.at,
            tz=time_zone_of(account),
            now=now,
            jitter=jitter_for(account.pk),
        )
        schedule.save(update_fields=["next_at"])
    return message_sent
