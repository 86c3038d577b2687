"""The outbox: recent e-mail sent for the administrator's school (its own messages only).

In the embedded default no mail leaves the machine, so this page is where a demo finds the
invitation links; in production it lets the school see what was sent and when.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from schoolbrug.core.mail import KEEP_DAYS, OutgoingMail

from .. import policies
from ..decorators import staff_required
from ..models import Guardian, StaffMember

PAGE_SIZE = 50


def outbox_of_school(school_id: int) -> QuerySet[OutgoingMail]:
    """Mail sent for this school, plus mail about an account linked to it (its staff and its
    guardians) that no school sent (a password reset or username reminder). One query."""
    linked_accounts = (
        StaffMember.objects.filter(school_id=school_id, account__isnull=False)
        .values("account_id")
        .union(Guardian.objects.filter(school_id=school_id, account__isnull=False).values("account_id"))
    )
    # The list never needs the bodies, which are the bulk of each row.
    return (
        OutgoingMail.objects.filter(Q(school_id=school_id) | Q(school_id__isnull=True, account_id__in=linked_accounts))
        .defer("body")
        .order_by("-sent_at", "-pk")
    )


@staff_required
@never_cache
def outbox_list(request: HttpRequest) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    page: Page[OutgoingMail] = Paginator(outbox_of_school(staff.school_id), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sis/guardian_accounts/outbox_list.html", {"page": page, "keep_days": KEEP_DAYS})


@staff_required
@never_cache
def outbox_mail(request: HttpRequest, mail_id: int) -> HttpResponse:
    staff = policies.require_application_admin(request.user)
    mail = get_object_or_404(outbox_of_school(staff.school_id).defer(None), pk=mail_id)
    return render(request, "sis/guardian_accounts/outbox_mail.html", {"mail": mail})
