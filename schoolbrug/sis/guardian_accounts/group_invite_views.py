"""Inviting a group's guardians to the app (MSG-8): the page, the confirmation and the result.

For a teacher of the group or a communication/application administrator of its school; anyone
else, another school's group and a group of an earlier year answer 404.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from schoolbrug.core.converters import parse_object_id
from schoolbrug.core.outgoing import site_base_url

from .. import policies
from ..decorators import staff_required
from . import batch_services, group_invitations


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def group_invite(request: HttpRequest, group_id: int) -> HttpResponse:
    group = policies.get_group_for_inviter_or_404(request.user, group_id)
    errors: list[str] = []
    ticked: set[int] | None = None
    client_key = uuid.uuid4()
    if request.method == "POST":
        try:
            client_key = uuid.UUID(request.POST.get("client_key", ""))
        except ValueError:
            errors.append(_("This confirmation is not valid. Please start again."))
        posted = [parse_object_id(value) for value in request.POST.getlist("guardianship")]
        if any(pk is None for pk in posted):
            raise Http404
        ticked = {pk for pk in posted if pk is not None}
        if not errors:
            try:
                batch = group_invitations.group_invitation_start(
                    actor=request.user,  # type: ignore[arg-type]
                    group=group,
                    guardianship_ids=ticked,
                    client_key=client_key,
                    base_url=site_base_url(request),
                )
            except group_invitations.NotInGroup:
                raise Http404 from None
            except batch_services.RateLimited as error:
                return render(
                    request, "sis/guardian_accounts/overview_limited.html", {"message": error.message}, status=429
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                return redirect("staff:group-invite-batch", group_id=group.pk, batch_id=batch.pk)
    reach = group_invitations.group_reach(group)
    context = {
        "group": group,
        "reach": reach,
        "ticked": ticked,
        "errors": errors,
        "client_key": client_key if not errors else uuid.uuid4(),
    }
    return render(request, "sis/guardian_accounts/group_invite.html", context, status=400 if errors else 200)


@staff_required
@never_cache
@require_GET
def group_invite_batch(request: HttpRequest, group_id: int, batch_id: int) -> HttpResponse:
    group = policies.get_group_for_inviter_or_404(request.user, group_id)
    batch = group_invitations.get_group_batch_or_404(group, batch_id)
    items = list(batch.items.select_related("guardian").order_by("guardian__last_name", "guardian__first_name", "pk"))
    context = {"group": group, "batch": batch, "items": items}
    return render(request, "sis/guardian_accounts/group_invite_batch.html", context)
