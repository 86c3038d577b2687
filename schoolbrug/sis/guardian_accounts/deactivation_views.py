"""Withdrawing a guardian's access from the family page (ACC-3); see services.guardian_account_deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolbrug.accounts.models import Account

from .. import policies
from ..decorators import staff_required
from .services import guardian_account_deactivate


@staff_required
@require_POST
def guardian_account_deactivate_view(request: HttpRequest, pupil_id: int, guardianship_id: int) -> HttpResponse:
    guardianship = policies.get_guardianship_for_editor_or_404(request.user, pupil_id, guardianship_id)
    guardian = guardianship.guardian
    back = redirect("staff:guardianship-edit", pupil_id=pupil_id, guardianship_id=guardianship_id)
    if request.POST.get("confirm") != "yes":
        messages.warning(request, _("Confirm that the account should be made inactive."))
        return back
    try:
        actor = request.user
        assert isinstance(actor, Account)  # staff_required
        outcome = guardian_account_deactivate(actor=actor, guardian=guardian, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if outcome.account_deactivated:
        text = _(
            "The account of %(name)s is inactive: logging in is no longer possible. "
            "Send an invitation to reactivate it."
        )
    else:
        text = _(
            "%(name)s no longer has access to this school. The account stays active for another "
            "school that uses it. Send an invitation to give access again."
        )
    messages.success(request, text % {"name": guardian.full_name})
    return back
