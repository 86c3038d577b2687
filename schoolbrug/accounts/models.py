from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def create_account(self, *, kind: str, email: str, password: str | None = None, **fields: Any) -> Account:
        email = self.normalize_email(email).lower()
        account = self.model(kind=kind, email=email, username=Account.make_username(kind, email), **fields)
        account.set_password(password)  # None gives an unusable password (invitation pending)
        account.save(using=self._db)
        return account

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> Account:
        kind = fields.pop("kind", Account.Kind.STAFF)
        email = fields.pop("email", username)
        return self.create_account(kind=kind, email=email, password=password, **fields)

    def create_superuser(self, username: str, password: str | None = None, **fields: Any) -> Account:
        fields.update(is_superuser=True)
        return self.create_user(username, password, **fields)


class Account(AbstractBaseUser, PermissionsMixin):
    """A login. Staff and guardian accounts are separate kinds with their own rules.

    One person may hold one account of each kind under the same e-mail address (a teacher whose
    child attends the school); `username` is the internal unique key "<kind>:<email>".
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("staff member")
        GUARDIAN = "guardian", _("guardian")

    kind = models.CharField(_("kind of account"), max_length=10, choices=Kind.choices)
    username = models.CharField(max_length=300, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[AccountManager] = AccountManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "email"], name="account_unique_email_per_kind"),
            models.CheckConstraint(condition=models.Q(kind__in=["staff", "guardian"]), name="account_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @staticmethod
    def make_username(kind: str, email: str) -> str:
        return f"{kind}:{email.strip().lower()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The internal key always follows kind and e-mail; nothing else may set it.
        self.email = self.email.strip().lower()
        self.username = self.make_username(self.kind, self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_staff(self) -> bool:
        # Django's admin site is for the operator (superuser) only, never for school staff.
        return self.is_superuser

    @property
    def is_guardian(self) -> bool:
        return self.kind == self.Kind.GUARDIAN

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF


from .activation import ActivationToken  # noqa: E402  (registers the model with this app)
from .audit import AuditEvent  # noqa: E402  (registers the model with this app)
from .contact_pin import ContactPin  # noqa: E402  (registers the model with this app)
from .sessions import AccountSession  # noqa: E402  (registers the model and its logout receiver)

__all__ = ["Account", "AccountManager", "AccountSession", "ActivationToken", "AuditEvent", "ContactPin"]
