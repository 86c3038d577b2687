from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Dutch postcode: four digits (no leading zero) and two letters, with or without a space.
# SS, SD and SA are not issued.
postcode_validator = RegexValidator(
    regex=r"^[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Za-z]{2}$",
    message=_("Enter a Dutch postcode such as 7411 AB."),
    code="invalid_postcode",
)

phone_validator = RegexValidator(
    regex=r"^\+?[0-9][0-9 \-()]{7,19}$",
    message=_("Enter a telephone number of 9 to 15 digits, such as 0570 123456 or +31 6 12345678."),
    code="invalid_phone",
)


def normalise_postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else value


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Address(models.Model):
    """Dutch address parts; abstract so each owner keeps its own columns."""

    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    house_number_suffix = models.CharField(_("suffix"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True, default="Nederland")

    class Meta:
        abstract = True

    @property
    def address_line(self) -> str:
        number = f"{self.house_number}{self.house_number_suffix}".strip()
        return f"{self.street} {number}".strip()

    @property
    def place_line(self) -> str:
        return f"{self.postcode}  {self.city}".strip()


class ExternalKeyMixin(models.Model):
    """The key of the record in an external SIS, kept for later synchronisation."""

    external_key = models.CharField(_("external key"), max_length=100, blank=True, default="")

    class Meta:
        abstract = True


class Person(models.Model):
    """Dutch name parts: 'Sanne de Vries' is first name Sanne, prefix 'de', last name Vries."""

    first_name = models.CharField(_("first name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True, help_text=_("For example 'van der'."))
    last_name = models.CharField(_("last name"), max_length=150)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.prefix, self.last_name) if part)

    @property
    def sort_name(self) -> str:
        # Dutch lists sort on the last name without its prefix: "Vries, Sanne de".
        return f"{self.last_name}, {self.first_name} {self.prefix}".strip()


class SchedulerLease(models.Model):
    """Which scheduler process may run the periodic jobs until `expires_at`.

    A row, not an advisory lock, because it has to work the same on SQLite and PostgreSQL and
    survive connection drops; see `schoolbrug.core.scheduler` for how it is taken.
    """

    name = models.CharField(_("name"), max_length=50, unique=True)
    holder = models.CharField(_("holder"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("scheduler lease")
        verbose_name_plural = _("scheduler leases")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or '-'} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class JobRun(models.Model):
    """The last run of each periodic job, so a restarted scheduler does not run a job early."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started at"))
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    # None while the run is in progress (or if the process died during it).
    last_succeeded = models.BooleanField(_("last run succeeded"), null=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")

    def __str__(self) -> str:
        return f"{self.name} at {self.last_started_at:%Y-%m-%d %H:%M:%S}"


from .mail import OutgoingMail  # noqa: E402,F401  (registers the outbox model with this app)
