"""Conversations: private chats between school and home under the school's rules (SPEC CHAT-1…4).

A conversation has explicit participants (rows) and may also be addressed to "the teachers of a
group": every teacher linked to that group at the moment a message is sent or the list is opened
belongs to it, so parents need not know who works which day. Who sees a conversation is decided in
one place, `selectors.conversations_visible_to`.

Reading is a watermark per participant (`Participant.read_up_to`): a message is read by a person
when his watermark has reached it, which gives read confirmations per message per person without a
row per message per person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.media.models import StoredFile
from schoolbrug.messaging.models import Space
from schoolbrug.sis.models import Group, Pupil, School, SchoolYear

# A chat message, not a letter: long texts belong in an announcement or an attachment.
MESSAGE_MAX = 4000
TITLE_MAX = 120


class SchoolChatSettings(models.Model):
    """School-wide choices for conversations (set by the communication administrator)."""

    class FamilySplit(models.TextChoices):
        TOGETHER = "together", _("one conversation with all guardians of the pupil")
        PER_HOUSEHOLD = "per_household", _("one conversation per household (for example divorced parents)")

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="chat_settings")
    family_split = models.CharField(
        _("family conversations"), max_length=20, choices=FamilySplit.choices, default=FamilySplit.TOGETHER
    )

    class Meta:
        verbose_name = _("conversation settings of the school")
        verbose_name_plural = _("conversation settings of the schools")

    def __str__(self) -> str:
        return str(self.school)


class GroupChatSettings(models.Model):
    """What guardians may do in one group space (SPEC CHAT-2); a space without a row has the defaults."""

    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="chat_settings")
    guardians_may_start_with_teacher = models.BooleanField(
        _("guardians may start a conversation with the teachers"), default=True
    )
    guardians_may_start_with_each_other = models.BooleanField(
        _("guardians may start conversations with each other"), default=False
    )
    guardians_may_share_photos = models.BooleanField(
        _("guardians may share photos in group conversations"), default=True
    )
    contact_parents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("contact parents"),
        help_text=_("Guardians of the group who may start group conversations with other guardians."),
    )

    class Meta:
        verbose_name = _("group conversation settings")
        verbose_name_plural = _("group conversation settings")

    def __str__(self) -> str:
        return str(self.space)


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("one-to-one")
        GROUP = "group", _("group conversation")
        FAMILY = "family", _("family conversation")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The group space whose rules apply (CHAT-2); empty for conversations among staff only.
    space = models.ForeignKey(Space, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations")
    title = models.CharField(_("subject"), max_length=TITLE_MAX, blank=True)
    # "The teachers of group 5": resolved from GroupStaff whenever asked, never copied.
    teachers_of = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("teachers of")
    )
    # Family conversations (CHAT-1): per pupil per school year, per household when the school splits.
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    household = models.CharField(max_length=60, blank=True)
    replies_paused = models.BooleanField(_("replies paused"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "year", "household"],
                condition=Q(kind="family"),
                name="conversation_one_family_thread_per_household",
            ),
        ]
        indexes = [models.Index(fields=["school", "-last_message_at"], name="conversation_recent")]

    def __str__(self) -> str:
        return self.title or str(self.Kind(self.kind).label)


class Participant(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        # A teacher reached through `Conversation.teachers_of`: the row only keeps his reading.
        GROUP_TEACHER = "group_teacher", _("teacher of the group")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=15, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    read_up_to = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "account"], name="participant_once_per_conversation")
        ]
        indexes = [models.Index(fields=["account", "conversation"], name="participant_account")]

    def __str__(self) -> str:
        return f"{self.account_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Made by the client before the first try: a retry, a double click or a resend after a
    # reconnect carries the same id and finds the message already there.
    client_id = models.UUIDField()
    body = models.TextField(_("message"), max_length=MESSAGE_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "sender", "client_id"], name="message_once_per_client_id")
        ]
        indexes = [models.Index(fields=["conversation", "-id"], name="message_recent")]

    def __str__(self) -> str:
        return self.body[:40]


class Attachment(models.Model):
    """A photo or document sent with a message: served only through the conversation's own
    visibility selector (views.attachment), never by a public URL."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.OneToOneField(StoredFile, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.file.original_name
