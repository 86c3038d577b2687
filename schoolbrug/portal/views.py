from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from schoolbrug.sis import selectors
from schoolbrug.sis.decorators import guardian_required


@guardian_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """The guardian's home: his own enrolled children across the top, the chosen one below."""
    children = selectors.children_of_guardian(request.user)
    selected = children[0] if children else None
    child_id = request.GET.get("child")
    if child_id:
        selected = next((c for c in children if str(c.pk) == child_id), None)
        if selected is None:
            raise Http404
    context = {
        "children": children,
        "selected": selected,
        "guardian_records": list(selectors.guardian_records_of(request.user)),
    }
    return render(request, "portal/home.html", context)
