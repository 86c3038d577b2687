"""Spaces: the places school and home talk in.

A school has one school-wide space (all guardians and staff with an account), one staff-only
"colleagues" space, and one space per group, so per group per school year. Group spaces are made
from the records (signals and `services.ensure_spaces`), never by hand; who is a member is not
stored but derived from the records at the moment it is asked (`selectors`), so a pupil moving
group or a guardian losing the access right changes membership at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Group, School


class Space(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("whole school")
        COLLEAGUES = "colleagues", _("colleagues")
        GROUP = "group", _("group")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="spaces")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="space")
    # Empty means the default name: the group's name, or "whole school" / "colleagues".
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_enabled = models.BooleanField(
        _("switched on"), default=True, help_text=_("A space that is switched off is not shown to anyone.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["kind", "group__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind"], condition=~Q(kind="group"), name="space_one_school_and_colleagues_space"
            ),
            models.CheckConstraint(
                condition=(Q(kind="group") & Q(group__isnull=False)) | (~Q(kind="group") & Q(group__isnull=True)),
                name="space_group_iff_group_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.kind == self.Kind.GROUP and self.group is not None:
            return self.group.name
        return str(self.Kind(self.kind).label).capitalize()

    @property
    def mute_key(self) -> str:
        """The key under which notifications.SpaceMute remembers that someone muted this space."""
        return f"space:{self.pk}"


class SpaceFollow(models.Model):
    """A staff member follows a group's space by choice (MSG-2): it appears in his overview and
    he is reached by its posts. A group's own staff follow it without a row."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_spaces")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "space"], name="spacefollow_unique")]

    def __str__(self) -> str:
        return f"{self.account_id} follows {self.space_id}"


class PostKind(models.Model):
    """A kind of announcement the school defines ("group impression", "practical notice").

    `weekly_target` is the school's agreed rhythm for the kind per group per week (MSG-9); 0 means
    the kind is not counted in the communication overview."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="post_kinds")
    name = models.CharField(_("name"), max_length=60)
    weekly_target = models.PositiveSmallIntegerField(
        _("posts per group per week"),
        default=0,
        help_text=_("The school's agreed rhythm for this kind; 0 leaves it out of the communication overview."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("kind of post")
        verbose_name_plural = _("kinds of post")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="postkind_unique_name")]

    def __str__(self) -> str:
        return self.name


# Made for every school; names as the school reads them (school data, not interface text).
DEFAULT_POST_KINDS = (("Groepsindruk", 2), ("Praktische mededeling", 0))

POST_TEXT_MAX = 5000


class Post(models.Model):
    """An announcement (MSG-3) to one or several spaces. Recipients are fixed at publication:
    a `Receipt` per reached account, written with the post's notifications in one transaction."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts", verbose_name=_("author")
    )
    author_staff = models.ForeignKey(
        "sis.StaffMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    author_name = models.CharField(_("author"), max_length=200)
    kind = models.ForeignKey(PostKind, on_delete=models.PROTECT, related_name="posts", verbose_name=_("kind"))
    text = models.TextField(_("text"), max_length=POST_TEXT_MAX)
    urgent = models.BooleanField(_("urgent"), default=False)
    spaces = models.ManyToManyField(Space, related_name="posts", verbose_name=_("spaces"))
    publish_at = models.DateTimeField(_("publish at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["-publish_at", "-id"], name="post_newest"),
            models.Index(fields=["publish_at"], condition=Q(published_at__isnull=True), name="post_due"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Receipt(models.Model):
    """One recipient of a published post and when he saw it ("seen by N of M")."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="receipts")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_receipts")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="receipt_unique")]
        indexes = [models.Index(fields=["account"], condition=Q(seen_at__isnull=True), name="receipt_unseen")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.post_id}"


class Attachment(models.Model):
    """A photo or document of a post, stored by the media app; served only through the post's
    visibility (`selectors.get_attachment_for_user_or_404`)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.OneToOneField("media.StoredFile", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["post", "position"], name="attachment_post_order")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.file_id}"
