"""The school records core: boards, schools, years, groups, pupils, guardians and staff."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import Address, ExternalKeyMixin, Person, TimestampedModel, phone_validator


def validate_time_zone(value: str) -> None:
    # An unknown zone would make every "today" of the school fail, so it never gets stored.
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone; use a name such as Europe/Amsterdam."),
            code="unknown_time_zone",
            params={"value": value},
        )


# BRIN: two digits and two letters or digits (DUO's "12AB"); the branch code (vestigingsnummer)
# is two digits. Stored upper case, as DUO and EDEXML write them.
brin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z0-9]{2}$", _("A BRIN code is two digits followed by two letters or digits, e.g. 12AB."), "brin"
)
branch_code_validator = RegexValidator(r"^[0-9]{2}$", _("A branch code is two digits, e.g. 00."), "branch_code")


def sis_values_field() -> models.JSONField:
    # What the last sync took from the administration's export (SIS-9, sis/sync/service.py): a
    # value edited in Schoolbrug since then is kept until the export changes that value.
    return models.JSONField(_("values of the last synchronisation"), default=dict, blank=True, editable=False)


def _unique_external_key(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["school", "external_key"],
        condition=~Q(external_key=""),
        name=f"{model}_unique_external_key_per_school",
    )


class Board(ExternalKeyMixin, TimestampedModel):
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.UniqueConstraint(
                fields=["external_key"], condition=~Q(external_key=""), name="board_unique_external_key"
            )
        ]

    def __str__(self) -> str:
        return self.name


class School(ExternalKeyMixin, Address, TimestampedModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools", verbose_name=_("board"))
    name = models.CharField(_("name"), max_length=200)
    brin = models.CharField(_("BRIN code"), max_length=6, blank=True, validators=[brin_validator])
    branch_code = models.CharField(
        _("branch code"), max_length=2, blank=True, validators=[branch_code_validator], help_text=_("For example 00.")
    )
    phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    # Set by every applied sync from the administration's export (SIS-9); records changed in
    # Schoolbrug after this moment count as edited by hand in the next sync's report.
    last_synced_at = models.DateTimeField(_("last synchronised at"), null=True, blank=True)
    last_synced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last synchronised by"),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(
                fields=["external_key"], condition=~Q(external_key=""), name="school_unique_external_key"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Branch(ExternalKeyMixin, Address, TimestampedModel):
    # `external_key` is the EDEXML vestiging key; a sync creates and renames branches, never
    # deletes one (sis/sync/service.py).
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[phone_validator])

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]
        constraints = [_unique_external_key("branch")]

    def __str__(self) -> str:
        return self.name


class SchoolYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="years")
    name = models.CharField(_("name"), max_length=20, help_text=_("For example 2026-2027."))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    is_current = models.BooleanField(_("current school year"), default=False)

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(is_current=True), name="schoolyear_one_current_per_school"
            ),
            models.UniqueConstraint(fields=["school", "name"], name="schoolyear_unique_name_per_school"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="schoolyear_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Group(ExternalKeyMixin, TimestampedModel):
    """A class in one school year; mixed groups carry several year levels (3/4/5)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=50)
    classroom = models.CharField(_("classroom"), max_length=50, blank=True)
    sis_values = sis_values_field()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            _unique_external_key("group"),
            models.UniqueConstraint(fields=["year", "name"], name="group_unique_name_per_year"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def year_level_label(self) -> str:
        # Relies on prefetched levels where lists are shown (see selectors).
        return "/".join(str(level.level) for level in self.year_levels.all())


class GroupYearLevel(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="year_levels")
    level = models.PositiveSmallIntegerField(_("year level"), validators=[MinValueValidator(1), MaxValueValidator(8)])

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["group", "level"], name="groupyearlevel_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=8), name="groupyearlevel_range"),
        ]

    def __str__(self) -> str:
        return str(self.level)


class TimetableEntry(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="timetable")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    subject = models.CharField(_("subject"), max_length=100)

    class Meta:
        verbose_name = _("timetable entry")
        verbose_name_plural = _("timetable")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="timetable_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} {self.subject}"


class Pupil(ExternalKeyMixin, Person, Address, TimestampedModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        NOT_YET = "not_yet", _("not yet enrolled")
        LEFT = "left", _("left")

    class Sex(models.TextChoices):
        FEMALE = "f", _("girl")
        MALE = "m", _("boy")
        OTHER = "x", _("other / unknown")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupils")
    called_name = models.CharField(_("called name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.OTHER)
    phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[phone_validator])
    address_secret = models.BooleanField(
        _("secret address"), default=False, help_text=_("Shown only to this pupil's own guardians and staff.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED)
    enrolled_on = models.DateField(_("date of registration"), null=True, blank=True)
    left_on = models.DateField(_("date of leaving"), null=True, blank=True)
    remark = models.TextField(_("remark"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="pupils/", blank=True)
    eck_id = models.CharField(_("ECK iD"), max_length=256, blank=True)
    sis_values = sis_values_field()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name"]
        constraints = [
            _unique_external_key("pupil"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(enrolled_on__isnull=True)
                | Q(left_on__gte=models.F("enrolled_on")),
                name="pupil_leaves_after_enrolment",
            ),
        ]

    @property
    def display_first_name(self) -> str:
        return self.called_name or self.first_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.display_first_name, self.prefix, self.last_name) if p)


class Placement(models.Model):
    """A pupil in a group for one school year; together they make the school career."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="placements")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="placements")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="placements")

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("school career")
        constraints = [models.UniqueConstraint(fields=["pupil", "year"], name="placement_one_group_per_year")]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.group_id}"


class Guardian(ExternalKeyMixin, Person, Address, TimestampedModel):
    class EducationLevel(models.TextChoices):
        UNKNOWN = "", _("unknown")
        PRIMARY = "primary", _("primary education or less")
        SECONDARY_LOW = "secondary_low", _("vmbo / mbo 1")
        SECONDARY = "secondary", _("havo / vwo / mbo 2-4")
        HIGHER = "higher", _("hbo / university")

    class Sex(models.TextChoices):
        FEMALE = "f", _("woman")
        MALE = "m", _("man")
        OTHER = "x", _("other / unknown")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="guardians")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_records",
        limit_choices_to={"kind": "guardian"},
    )
    initials = models.CharField(_("initials"), max_length=20, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.OTHER)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone_mobile = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[phone_validator])
    phone_home = models.CharField(_("home phone"), max_length=20, blank=True, validators=[phone_validator])
    phone_work = models.CharField(_("work phone"), max_length=20, blank=True, validators=[phone_validator])
    birth_country = models.CharField(_("country of birth"), max_length=80, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices, blank=True, default=""
    )
    gp_name = models.CharField(_("GP"), max_length=120, blank=True)
    gp_phone = models.CharField(_("GP telephone"), max_length=20, blank=True, validators=[phone_validator])
    language = models.CharField(_("language"), max_length=8, default="nl")
    sis_values = sis_values_field()

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]
        constraints = [_unique_external_key("guardian")]


class Guardianship(TimestampedModel):
    """A guardian's relation to one pupil, with custody and the portal access right."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        PARENT = "parent", _("parent")
        STEPPARENT = "stepparent", _("step-parent")
        FOSTER_PARENT = "foster_parent", _("foster parent")
        CARER = "carer", _("carer")
        GRANDPARENT = "grandparent", _("grandparent")
        OTHER = "other", _("other")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    has_custody = models.BooleanField(_("has parental authority"), default=True)
    portal_access = models.BooleanField(_("portal access right"), default=True)
    portal_access_reason = models.CharField(_("reason for the access right"), max_length=200, blank=True)
    portal_access_changed_on = models.DateField(_("access right changed on"), null=True, blank=True)
    app_invitation = models.BooleanField(_("invite for the app"), default=True)
    lives_with_pupil = models.BooleanField(_("the pupil lives at this address"), default=True)
    contact_order = models.PositiveSmallIntegerField(_("contact order"), default=1)
    sis_values = sis_values_field()

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        ordering = ["contact_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pupil", "guardian"], name="guardianship_unique")]


class EmergencyContact(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="emergency_contacts")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=80, blank=True)
    phone = models.CharField(_("telephone"), max_length=20, validators=[phone_validator])
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("emergency number")
        verbose_name_plural = _("emergency numbers")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_relation(self) -> str:
        """The name with the relation once ("Oma Ria (grootmoeder)"), also when the relation
        was typed into the name as well ("Thomas van den Berg (vader)")."""
        relation = self.relation.strip()
        if not relation or f"({relation.casefold()})" in self.name.casefold():
            return self.name
        return f"{self.name} ({relation})"


class MedicalInfo(TimestampedModel):
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="medical")
    gp_name = models.CharField(_("GP"), max_length=120, blank=True)
    gp_phone = models.CharField(_("GP telephone"), max_length=20, blank=True, validators=[phone_validator])
    medicines = models.TextField(_("medicines"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    other = models.TextField(_("other"), blank=True)

    class Meta:
        verbose_name = _("medical data")
        verbose_name_plural = _("medical data")

    @property
    def is_empty(self) -> bool:
        return not any((self.gp_name, self.gp_phone, self.medicines, self.limitations, self.allergies, self.other))


class StaffMember(ExternalKeyMixin, Person, TimestampedModel):
    """An employee of one school. Roles decide what he may manage; group authorisation decides
    which pupils he may see."""

    class Position(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        PRINCIPAL = "principal", _("principal")
        COORDINATOR = "coordinator", _("special-needs coordinator")
        SUPPORT = "support", _("support staff")
        ADMINISTRATION = "administration", _("administration")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        limit_choices_to={"kind": "staff"},
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.TEACHER)
    function_title = models.CharField(_("function"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=20, blank=True, validators=[phone_validator])
    photo = models.ImageField(_("photo"), upload_to="staff/", blank=True)
    is_application_admin = models.BooleanField(_("application administrator"), default=False)
    is_communication_admin = models.BooleanField(_("communication administrator"), default=False)
    group_authorisation = models.BooleanField(
        _("group authorisation"),
        default=True,
        help_text=_("When on, this staff member sees only the pupils of his own groups."),
    )
    is_active = models.BooleanField(_("employed"), default=True)
    groups = models.ManyToManyField(Group, through="GroupStaff", related_name="staff_members", blank=True)
    eck_id = models.CharField(_("ECK iD"), max_length=256, blank=True)
    sis_values = sis_values_field()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name"]
        constraints = [
            _unique_external_key("staffmember"),
        ]


class GroupStaff(models.Model):
    """A staff member linked to a group: its teacher, or someone who follows it."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="staff_links")
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="group_links")
    is_teacher = models.BooleanField(_("group teacher"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "staff_member"], name="groupstaff_unique")]

    def __str__(self) -> str:
        return f"{self.staff_member_id} in {self.group_id}"


from .guardian_accounts.batch_models import InvitationBatch, InvitationBatchItem  # noqa: E402,F401
from .sync.upload_models import SyncUpload, SyncUploadFile  # noqa: E402,F401
