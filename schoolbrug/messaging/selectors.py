"""Who belongs to which space: the one source of truth for messaging.

Membership is derived from the records each time, never stored:
- a guardian belongs to the space of every group (of any school year) in which one of his
  enrolled children is placed, for whom he holds the portal access right and the app invitation
  flag, and to the school-wide space of those children's schools;
- an active staff member sees every enabled space of his own school (SPEC MSG-2: he may read and
  post in a group he does not follow);
- nobody reaches another school's spaces; a space that is switched off is reached by no one.

`spaces_visible_to` decides what a person may open; `member_accounts_of` decides who is reached
(notified, counted in "seen by N of M") when something is posted. Both read the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Placement, Pupil, StaffMember
from schoolbrug.sis.policies import communication_admin_of, guardianships_reaching_app, staff_member_of

from .models import Attachment, Post, PostKind, Receipt, Space

Actor = Account | AnonymousUser


def spaces_visible_to(user: Actor) -> QuerySet[Space]:
    """The enabled spaces this person may open, read and (for staff) post in."""
    if not user.is_authenticated or not user.is_active:
        return Space.objects.none()
    if getattr(user, "is_guardian", False):
        reach = guardianships_reaching_app().filter(guardian__account=user)
        return Space.objects.filter(is_enabled=True).filter(
            Q(
                kind=Space.Kind.GROUP,
                group_id__in=Placement.objects.filter(pupil_id__in=reach.values("pupil_id")).values("group_id"),
            )
            | Q(kind=Space.Kind.SCHOOL, school_id__in=reach.values("pupil__school_id"))
        )
    staff = staff_member_of(user)
    if staff is None:
        return Space.objects.none()
    return Space.objects.filter(school_id=staff.school_id, is_enabled=True)


def get_space_for_user_or_404(user: Actor, space_id: int) -> Space:
    return get_object_or_404(spaces_visible_to(user).select_related("group__year", "school"), pk=space_id)


def member_accounts_of(spaces: QuerySet[Space] | list[Space]) -> QuerySet[Account]:
    """The active accounts a post in these spaces reaches, each once.

    Guardians by the membership rule above; staff: everyone of the school for the school-wide and
    colleagues spaces, the group's own staff for a group space (others follow groups by choice;
    those following the space by choice (`SpaceFollow`) are reached too)."""
    space_ids = (
        [space.pk for space in spaces] if isinstance(spaces, list) else list(spaces.values_list("pk", flat=True))
    )
    enabled = Space.objects.filter(pk__in=space_ids, is_enabled=True)
    group_ids = enabled.filter(kind=Space.Kind.GROUP).values("group_id")
    school_wide = enabled.filter(kind=Space.Kind.SCHOOL).values("school_id")
    staff_wide = enabled.filter(kind__in=[Space.Kind.SCHOOL, Space.Kind.COLLEAGUES]).values("school_id")
    guardian_pupils = Placement.objects.filter(group_id__in=group_ids).values("pupil_id")
    reach = guardianships_reaching_app()
    guardians = Q(
        kind=Account.Kind.GUARDIAN,
        guardian_records__guardianships__in=reach.filter(
            Q(pupil_id__in=guardian_pupils) | Q(pupil__school_id__in=school_wide)
        ),
    )
    active_staff = StaffMember.objects.filter(is_active=True)
    staff = Q(
        kind=Account.Kind.STAFF,
        staff_member__in=active_staff.filter(
            Q(school_id__in=staff_wide)
            | Q(group_links__group_id__in=group_ids)
            | Q(account__followed_spaces__space__in=enabled.filter(kind=Space.Kind.GROUP))
        ),
    )
    return Account.objects.filter(is_active=True).filter(pk__in=Account.objects.filter(guardians | staff).values("pk"))


def is_member(user: Actor, space: Space) -> bool:
    return spaces_visible_to(user).filter(pk=space.pk).exists()


# --- Following (MSG-2) --------------------------------------------------------------------------


def followed_spaces_of(user: Actor) -> QuerySet[Space]:
    """A staff member's own spaces: the school-wide and colleagues spaces, the current groups he
    teaches (followed without a row) and the group spaces he ticked. Guardians: all of theirs."""
    visible = spaces_visible_to(user)
    staff = staff_member_of(user)
    if staff is None:
        return visible
    return visible.filter(
        Q(kind__in=[Space.Kind.SCHOOL, Space.Kind.COLLEAGUES])
        | Q(group__staff_links__staff_member=staff)
        | Q(follows__account=user)
    ).distinct()


def postable_spaces(user: Actor) -> QuerySet[Space]:
    """Where this person may post: staff in any current group space of his school and the
    colleagues space; the school-wide space only as communication administrator. Guardians never."""
    staff = staff_member_of(user)
    if staff is None:
        return Space.objects.none()
    allowed = Q(kind=Space.Kind.GROUP, group__year__is_current=True) | Q(kind=Space.Kind.COLLEAGUES)
    if communication_admin_of(user, staff.school_id) is not None:
        allowed |= Q(kind=Space.Kind.SCHOOL)
    return spaces_visible_to(user).filter(allowed).select_related("group")


def current_and_previous_spaces(user: Actor) -> tuple[list[Space], list[Space]]:
    """The person's spaces of the current school year (and the school-wide ones), and those of
    earlier years, each in reading order."""
    spaces = list(followed_spaces_of(user).select_related("group__year").order_by("kind", "group__name", "pk"))
    current = [s for s in spaces if s.group is None or s.group.year.is_current]
    previous = [s for s in spaces if s.group is not None and not s.group.year.is_current]
    return current, previous


# --- Announcements (MSG-3) ----------------------------------------------------------------------


def can_manage_posts_of_school(user: Actor, school_id: int) -> bool:
    """Communication and application administrators edit and delete any post of their school."""
    return communication_admin_of(user, school_id) is not None


def posts_visible_to(user: Actor) -> QuerySet[Post]:
    """Published posts in a space the person may open; for staff also their own scheduled posts,
    and for administrators every scheduled post of their school."""
    if not user.is_authenticated or not user.is_active:
        return Post.objects.none()
    in_my_spaces = Q(
        published_at__isnull=False,
        pk__in=Post.spaces.through.objects.filter(space__in=spaces_visible_to(user)).values("post_id"),
    )
    staff = staff_member_of(user)
    if staff is None:
        return Post.objects.filter(in_my_spaces)
    mine = Q(school_id=staff.school_id, author=user)
    if can_manage_posts_of_school(user, staff.school_id):
        mine = Q(school_id=staff.school_id)
    return Post.objects.filter(in_my_spaces | mine)


def get_post_for_user_or_404(user: Actor, post_id: int) -> Post:
    return get_object_or_404(posts_visible_to(user).select_related("kind", "author_staff"), pk=post_id)


def can_edit_post(user: Actor, post: Post) -> bool:
    return user.is_authenticated and (post.author_id == user.pk or can_manage_posts_of_school(user, post.school_id))


def get_post_for_editor_or_404(user: Actor, post_id: int) -> Post:
    """A post its author or an administrator of its school may change; anyone else gets 404."""
    post = get_post_for_user_or_404(user, post_id)
    if not can_edit_post(user, post):
        raise Http404
    return post


def timeline(user: Actor, spaces: QuerySet[Space] | None = None) -> QuerySet[Post]:
    """Posts newest first, annotated for the cards in a fixed number of queries: whether the
    person has seen each one, and (read only for authors and administrators) how many have."""
    posts = posts_visible_to(user)
    me = user.pk or 0
    if spaces is not None:
        posts = posts.filter(pk__in=Post.spaces.through.objects.filter(space__in=spaces).values("post_id"))
    return (
        posts.select_related("kind", "author_staff")
        .prefetch_related(
            Prefetch("spaces", queryset=Space.objects.select_related("group")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("file")),
        )
        .annotate(
            unseen=Exists(Receipt.objects.filter(post=OuterRef("pk"), account_id=me, seen_at__isnull=True)),
            seen_count=Coalesce(
                Subquery(
                    Receipt.objects.filter(post=OuterRef("pk"), seen_at__isnull=False)
                    .order_by()
                    .values("post")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by("-publish_at", "-pk")
    )


def my_timeline(user: Actor) -> QuerySet[Post]:
    """The combined "Berichten": staff read their own spaces and their own posts; guardians all
    of their spaces."""
    staff = staff_member_of(user)
    posts = timeline(user)
    if staff is None:
        return posts
    return posts.filter(
        Q(author=user)
        | Q(pk__in=Post.spaces.through.objects.filter(space__in=followed_spaces_of(user)).values("post_id"))
    )


@dataclass
class FamilySeen:
    pupil: Pupil
    guardians: list[tuple[str, bool]]  # name, seen

    @property
    def seen(self) -> bool:
        return any(seen for _name, seen in self.guardians)


def seen_by_families(post: Post) -> tuple[list[FamilySeen], list[tuple[str, bool]]]:
    """Who has seen the post, per family (each pupil of the target groups with his reached
    guardians), and the other recipients (staff) by name. A fixed number of queries."""
    receipts = dict(Receipt.objects.filter(post=post).values_list("account_id", "seen_at"))
    group_ids = [space.group_id for space in post.spaces.all() if space.group_id]
    school_wide = any(space.kind == Space.Kind.SCHOOL for space in post.spaces.all())
    reach = guardianships_reaching_app().filter(guardian__account_id__in=list(receipts))
    if school_wide:
        reach = reach.filter(pupil__school_id=post.school_id)
    else:
        reach = reach.filter(pupil__placements__group_id__in=group_ids)
    families: dict[int, FamilySeen] = {}
    counted: set[int] = set()
    for guardianship in (
        reach.select_related("pupil", "guardian")
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id", "guardian__last_name")
        .distinct()
    ):
        family = families.setdefault(guardianship.pupil_id, FamilySeen(guardianship.pupil, []))
        account_id = guardianship.guardian.account_id
        if account_id is None:
            continue
        family.guardians.append((guardianship.guardian.full_name, receipts.get(account_id) is not None))
        counted.add(account_id)
    others = [
        (account.get_full_name(), receipts.get(account.pk) is not None)
        for account in Account.objects.filter(pk__in=[a for a in receipts if a not in counted]).order_by(
            "last_name", "first_name"
        )
    ]
    return list(families.values()), others


def kinds_of_school(school_id: int) -> QuerySet[PostKind]:
    return PostKind.objects.filter(school_id=school_id)


HOME_POSTS = 5


def newest_posts_for_child(user: Actor, pupil: Pupil, limit: int = HOME_POSTS) -> list[Post]:
    """What is new for one child on the guardian's home: the announcements of the child's current
    group spaces and his school's school-wide space, unseen first, then newest. Two queries."""
    spaces = Space.objects.filter(
        Q(kind=Space.Kind.GROUP, group__year__is_current=True, group__placements__pupil=pupil)
        | Q(kind=Space.Kind.SCHOOL, school_id=pupil.school_id)
    )
    newest = timeline(user, spaces).order_by("-unseen", "-publish_at", "-pk")  # type: ignore[misc]  # annotated
    return list(newest[:limit])


def get_attachment_for_user_or_404(user: Actor, post_id: int, file_id: int) -> Attachment:
    """A post's file, for someone who may read the post: the one gate before `serve_stored_file`."""
    post = get_post_for_user_or_404(user, post_id)
    return get_object_or_404(Attachment.objects.select_related("file"), post=post, file_id=file_id)


def space_media(user: Actor, space: Space) -> tuple[QuerySet[Attachment], QuerySet[Attachment]]:
    """The photos and the documents of the posts in a space the person may read, newest first
    (MSG-5)."""
    attachments = (
        Attachment.objects.filter(
            post__in=posts_visible_to(user).filter(published_at__isnull=False),
            post__spaces=space,
        )
        .select_related("file", "post")
        .order_by("-post__publish_at", "-post_id", "position")
    )
    return attachments.filter(file__kind="image"), attachments.filter(file__kind="document")
