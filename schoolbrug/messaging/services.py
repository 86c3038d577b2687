"""Spaces follow the records: made for every school and group, never by hand."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.media.models import StoredFile
from schoolbrug.media.services import mark_attached, store_uploads
from schoolbrug.notifications.models import TEXT_MAX, TITLE_MAX, Notification, NotificationKind, SpaceMute
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify_each
from schoolbrug.sis.models import Group, School
from schoolbrug.sis.policies import communication_admin_of, staff_member_of

from .models import DEFAULT_POST_KINDS, POST_TEXT_MAX, Attachment, Post, PostKind, Receipt, Space, SpaceFollow
from .rendering import has_readable_text, render_post
from .selectors import can_edit_post, member_accounts_of, postable_spaces, spaces_visible_to

# A moment chosen in the form a minute ago (a slow submit) still counts as "now".
PAST_GRACE = timedelta(minutes=2)


def ensure_spaces(school: School) -> None:
    """Create the school's missing spaces in a fixed number of queries (also after bulk imports,
    which send no signals: sync, rollover)."""
    existing_kinds = set(
        Space.objects.filter(school=school).exclude(kind=Space.Kind.GROUP).values_list("kind", flat=True)
    )
    new = [
        Space(school=school, kind=kind)
        for kind in (Space.Kind.SCHOOL, Space.Kind.COLLEAGUES)
        if kind not in existing_kinds
    ]
    new += [
        Space(school=school, kind=Space.Kind.GROUP, group_id=group_id)
        for group_id in Group.objects.filter(school=school, space__isnull=True).values_list("pk", flat=True)
    ]
    if new:
        Space.objects.bulk_create(new, ignore_conflicts=True)
    ensure_post_kinds(school)


def ensure_group_space(group: Group) -> None:
    Space.objects.get_or_create(group=group, defaults={"school_id": group.school_id, "kind": Space.Kind.GROUP})


def ensure_post_kinds(school: School) -> None:
    """The default kinds of post for a school that has none yet."""
    if PostKind.objects.filter(school=school).exists():
        return
    PostKind.objects.bulk_create(
        [
            PostKind(school=school, name=name, weekly_target=target, position=position)
            for position, (name, target) in enumerate(DEFAULT_POST_KINDS)
        ],
        ignore_conflicts=True,
    )


# --- Announcements (MSG-3) ----------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not has_readable_text(text):
        raise ValidationError({"text": _("Write a message; an empty announcement cannot be posted.")})
    if len(text) > POST_TEXT_MAX:
        raise ValidationError({"text": _("The message is too long.")})
    return text


def _check_spaces(actor: Account, spaces: Sequence[Space]) -> None:
    if not spaces:
        raise ValidationError({"spaces": _("Choose at least one group or space.")})
    allowed = set(postable_spaces(actor).filter(pk__in=[s.pk for s in spaces]).values_list("pk", flat=True))
    if any(space.pk not in allowed for space in spaces):
        raise ValidationError({"spaces": _("You cannot post in one of the chosen spaces.")})


def create_post(
    *,
    actor: Account,
    text: str,
    kind: PostKind,
    spaces: Sequence[Space],
    urgent: bool = False,
    publish_at: datetime | None = None,
    files: Sequence[IO[bytes]] = (),
    stored: Sequence[StoredFile] = (),
    now: datetime | None = None,
) -> Post:
    """Save an announcement with its photos and documents; published (and fanned out) at once
    unless `publish_at` lies ahead. Files, post, receipts and notifications share one
    transaction: a bad file or any other failure leaves nothing behind (the media app deletes
    the files of a rolled-back transaction)."""
    staff = staff_member_of(actor)
    if staff is None:
        raise PermissionDenied
    now = now or timezone.now()
    text = _clean_text(text)
    _check_spaces(actor, spaces)
    if kind.school_id != staff.school_id:
        raise ValidationError({"kind": _("Choose one of the school's kinds.")})
    if urgent and communication_admin_of(actor, staff.school_id) is None:
        raise ValidationError({"urgent": _("Only communication administrators can mark a post as urgent.")})
    if publish_at is not None and publish_at < now - PAST_GRACE:
        raise ValidationError({"publish_at": _("This moment has passed; choose a moment in the future.")})
    with transaction.atomic():
        post = Post.objects.create(
            school_id=staff.school_id,
            author=actor,
            author_staff=staff,
            author_name=staff.full_name,
            kind=kind,
            text=text,
            urgent=urgent,
            publish_at=publish_at if publish_at is not None and publish_at > now else now,
        )
        post.spaces.set(spaces)
        attach_files(post, files, actor, stored)
        if post.publish_at <= now:
            publish(post, now=now)
    return post


def attach_files(
    post: Post, files: Sequence[IO[bytes]], actor: Account, already_stored: Sequence[StoredFile] = ()
) -> list[StoredFile]:
    """Store the uploads (checked by content; all or none) and link them, with any stored
    earlier by the same author (the consent warning's step), to the post."""
    stored = [f for f in already_stored if f.uploaded_by_id == actor.pk and f.school_id == post.school_id]
    if len(stored) != len(already_stored):
        raise PermissionDenied
    if files:
        try:
            stored += store_uploads(files, school=post.school, uploaded_by=actor)
        except ValidationError as error:
            raise ValidationError({"uploads": error.messages}) from error
    if not stored:
        return []
    Attachment.objects.bulk_create(
        [Attachment(post=post, file=item, position=position) for position, item in enumerate(stored)]
    )
    mark_attached(stored)
    return stored


def update_post(
    *,
    actor: Account,
    post: Post,
    text: str,
    kind: PostKind,
    spaces: Sequence[Space] | None = None,
    publish_at: datetime | None = None,
    now: datetime | None = None,
) -> Post:
    """Change an announcement. Its recipients stay those of its publication; a scheduled post
    may still change its spaces and moment."""
    if not can_edit_post(actor, post):
        raise PermissionDenied
    now = now or timezone.now()
    post.text = _clean_text(text)
    if kind.school_id != post.school_id:
        raise ValidationError({"kind": _("Choose one of the school's kinds.")})
    post.kind = kind
    with transaction.atomic():
        if not post.is_published:
            if publish_at is not None:
                if publish_at < now - PAST_GRACE:
                    raise ValidationError({"publish_at": _("This moment has passed; choose a moment in the future.")})
                post.publish_at = max(publish_at, now)
            if spaces is not None:
                _check_spaces(actor, spaces)
                post.spaces.set(spaces)
        else:
            post.edited_at = now
        post.save()
        if not post.is_published and post.publish_at <= now:
            publish(post, now=now)
    return post


def delete_post(*, actor: Account, post: Post) -> None:
    if not can_edit_post(actor, post):
        raise PermissionDenied
    with transaction.atomic():
        # Its notifications point at a page that is gone; their unsent deliveries go with them.
        Notification.objects.filter(dedupe_key=f"announcement:{post.pk}").delete()
        post.delete()


def _summary(post: Post) -> str:
    plain = " ".join(strip_tags(render_post(post.text)).split())
    return plain[: TEXT_MAX - 1] + "…" if len(plain) > TEXT_MAX else plain


def publish(post: Post, *, now: datetime | None = None) -> int:
    """Fan the post out: a receipt per recipient and the notifications with their deliveries, in
    the caller's transaction, in a fixed number of queries however many recipients there are
    (bulk inserts). Returns the number of recipients."""
    now = now or timezone.now()
    spaces = list(post.spaces.select_related("group"))
    with transaction.atomic():
        # Which of the post's spaces each recipient belongs to: the per-space mute applies only
        # when every one of them is muted. One query per target space, none per recipient.
        spaces_of: dict[int, list[Space]] = {}
        for space in spaces:
            for account_id in member_accounts_of([space]).values_list("pk", flat=True):
                if account_id != post.author_id:
                    spaces_of.setdefault(account_id, []).append(space)
        muted = set(
            SpaceMute.objects.filter(
                account_id__in=list(spaces_of), space_key__in=[s.mute_key for s in spaces]
            ).values_list("account_id", "space_key")
        )
        Receipt.objects.bulk_create([Receipt(post=post, account_id=account_id) for account_id in spaces_of])
        link = reverse("messaging:post", args=[post.pk])
        title = _title(post)
        text = _summary(post)
        pairs = []
        for account_id, theirs in spaces_of.items():
            space = next((s for s in theirs if (account_id, s.mute_key) not in muted), theirs[0])
            event = Event(
                kind=NotificationKind.ANNOUNCEMENT,
                title=title,
                text=text,
                link=link,
                urgent=post.urgent,
                space_key=space.mute_key,
                dedupe_key=f"announcement:{post.pk}",
                space=space.display_name,
            )
            pairs.append((Account(pk=account_id), event))
        notify_each(pairs, now=now)
        post.published_at = now
        post.recipient_count = len(spaces_of)
        Post.objects.filter(pk=post.pk).update(published_at=now, recipient_count=len(spaces_of))
    return len(spaces_of)


def _title(post: Post) -> str:
    title = _("%(author)s: %(kind)s") % {"author": post.author_name, "kind": post.kind.name}
    return title[:TITLE_MAX]


def publish_due_posts(now: datetime | None = None) -> int:
    """Publish every scheduled post whose moment has come (the scheduler's job). Each in its own
    transaction, locked so two schedulers never publish the same post twice."""
    now = now or timezone.now()
    done = 0
    for post_id in Post.objects.filter(published_at__isnull=True, publish_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            post = (
                Post.objects.select_for_update(skip_locked=True)
                .select_related("kind")
                .filter(pk=post_id, published_at__isnull=True)
                .first()
            )
            if post is not None:
                publish(post, now=now)
                done += 1
    return done


# --- Following, mute and read state (MSG-2, MSG-6, MSG-7) -------------------------------------


def set_followed_spaces(actor: Account, spaces: Sequence[Space]) -> None:
    """Replace the group spaces the staff member follows by choice."""
    staff = staff_member_of(actor)
    if staff is None:
        raise PermissionDenied
    allowed = set(spaces_visible_to(actor).filter(kind=Space.Kind.GROUP).values_list("pk", flat=True))
    wanted = {s.pk for s in spaces if s.pk in allowed}
    with transaction.atomic():
        SpaceFollow.objects.filter(account=actor).exclude(space_id__in=wanted).delete()
        SpaceFollow.objects.bulk_create(
            [SpaceFollow(account=actor, space_id=pk) for pk in wanted], ignore_conflicts=True
        )


def set_muted(actor: Account, space: Space, muted: bool) -> None:
    if muted:
        SpaceMute.objects.get_or_create(account=actor, space_key=space.mute_key)
    else:
        SpaceMute.objects.filter(account=actor, space_key=space.mute_key).delete()


def mark_seen(actor: Account, post_ids: Collection[int], now: datetime | None = None) -> int:
    """The person saw these posts: their receipts and announcement notifications (one update each)."""
    if not post_ids:
        return 0
    now = now or timezone.now()
    count = Receipt.objects.filter(account=actor, post_id__in=post_ids, seen_at__isnull=True).update(seen_at=now)
    if count:
        Notification.objects.filter(
            recipient=actor, read_at__isnull=True, dedupe_key__in=[f"announcement:{pk}" for pk in post_ids]
        ).update(read_at=now)
    return count


def mark_everything_read(actor: Account, now: datetime | None = None) -> int:
    """MSG-7: every post and notification of the person read, one bulk update each."""
    now = now or timezone.now()
    count = Receipt.objects.filter(account=actor, seen_at__isnull=True).update(seen_at=now)
    Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=now)
    return count


def rename_school_space(actor: Account, space: Space, *, name: str, enabled: bool) -> None:
    if space.kind != Space.Kind.SCHOOL or communication_admin_of(actor, space.school_id) is None:
        raise PermissionDenied
    space.name = name.strip()
    space.is_enabled = enabled
    space.save(update_fields=["name", "is_enabled"])
