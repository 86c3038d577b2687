"""The first start of a real school (`manage.py school_create`): board, school, its current
school year and its first application administrator, who gets an activation e-mail.

Safe to run again: a school that already exists (same BRIN and branch code, or the same name
under the same board when there is no BRIN) is never created twice; the command then stops with
a message, or with `resend` invites its first administrator again if he has not activated his
account yet. Everything is validated before anything is written, and written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..models import Board, School, SchoolYear, StaffMember
from .staff_invitations import StaffInvitation, staff_invite_by_operator


@dataclass(frozen=True)
class NewSchool:
    board_name: str
    school_name: str
    brin: str
    branch_code: str
    time_zone: str
    admin_email: str
    admin_first_name: str
    admin_prefix: str
    admin_last_name: str


@dataclass(frozen=True)
class SchoolCreated:
    school: School
    created: bool
    administrator: StaffMember
    invitation: StaffInvitation | None


class SchoolExists(Exception):
    def __init__(self, school: School) -> None:
        super().__init__(school.name)
        self.school = school


def first_school_year(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The school year `today` falls in (or the one starting after the summer): from the Monday of
    the week holding 1 September to the Friday 46 weeks later, mid-July."""
    start_year = today.year if today.month >= 8 else today.year - 1
    september = dt.date(start_year, 9, 1)
    start = september - dt.timedelta(days=september.weekday())
    end = start + dt.timedelta(weeks=46, days=4)
    return f"{start_year}-{start_year + 1}", start, end


def existing_school(data: NewSchool) -> School | None:
    schools = School.objects.select_related("board")
    if data.brin:
        return schools.filter(brin=data.brin, branch_code=data.branch_code).first()
    return schools.filter(board__name=data.board_name, name=data.school_name).first()


def validate(data: NewSchool) -> None:
    """All problems at once, as a ValidationError keyed by field (nothing is written)."""
    errors: dict[str, list[str]] = {}
    board = Board(name=data.board_name)
    school = School(
        board=board, name=data.school_name, brin=data.brin, branch_code=data.branch_code, time_zone=data.time_zone
    )
    admin = StaffMember(
        first_name=data.admin_first_name.strip() or "-",
        prefix=data.admin_prefix.strip(),
        last_name=data.admin_last_name.strip() or "-",
    )
    checks: list[tuple[Board | School | StaffMember, str, list[str]]] = [
        (board, "board_", ["name"]),
        (school, "", ["name", "brin", "branch_code", "time_zone"]),
        (admin, "admin_", ["first_name", "prefix", "last_name"]),
    ]
    for instance, prefix, fields in checks:
        try:
            instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in fields])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(prefix + field, []).extend(messages)
    try:
        validate_email(data.admin_email)
    except ValidationError:
        errors.setdefault("admin_email", []).append(_("Enter a valid e-mail address."))
    if not data.admin_first_name.strip():
        errors.setdefault("admin_first_name", []).append(_("The administrator needs a first name."))
    if not data.admin_last_name.strip():
        errors.setdefault("admin_last_name", []).append(_("The administrator needs a last name."))
    if errors:
        raise ValidationError(errors)


def school_create(data: NewSchool, *, base_url: str = "") -> SchoolCreated:
    validate(data)
    if existing_school(data) is not None:
        raise SchoolExists(existing_school(data))  # type: ignore[arg-type]
    with transaction.atomic():
        board, _created = Board.objects.get_or_create(name=data.board_name)
        school = School.objects.create(
            board=board,
            name=data.school_name,
            brin=data.brin,
            branch_code=data.branch_code,
            time_zone=data.time_zone,
        )
        name, start, end = first_school_year(timezone.localdate())
        SchoolYear.objects.create(school=school, name=name, start_date=start, end_date=end, is_current=True)
        admin = StaffMember.objects.create(
            school=school,
            first_name=data.admin_first_name.strip(),
            prefix=data.admin_prefix.strip(),
            last_name=data.admin_last_name.strip(),
            email=data.admin_email.strip().lower(),
            position=StaffMember.Position.ADMINISTRATION,
            is_application_admin=True,
            group_authorisation=False,
        )
        invitation = staff_invite_by_operator(staff=admin, base_url=base_url)
    return SchoolCreated(school=school, created=True, administrator=admin, invitation=invitation)


def first_administrator(school: School) -> StaffMember | None:
    return policies.active_administrators(school.pk).order_by("pk").first()


def resend_first_invitation(school: School, *, base_url: str = "") -> SchoolCreated:
    """Invites the school's first administrator again, unless he has already set his password."""
    admin = first_administrator(school)
    if admin is None:
        raise ValidationError(_("This school has no active application administrator."), code="no_admin")
    if admin.account is not None and admin.account.has_usable_password():
        raise ValidationError(
            _("%(name)s has already activated his account; he can use the password reset instead."),
            code="activated",
            params={"name": admin.full_name},
        )
    invitation = staff_invite_by_operator(staff=admin, base_url=base_url)
    return SchoolCreated(school=school, created=False, administrator=admin, invitation=invitation)
