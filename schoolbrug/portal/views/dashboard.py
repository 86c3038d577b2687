"""The dashboard (POR-6): welcome text, school image, the children across the top and the
items the school publishes, filtered by type."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse

from schoolbrug.messaging.selectors import newest_posts_for_child

from ..feed import dashboard_feed
from .common import PortalRequestContext, portal_page, render_portal

DEFAULT_IMAGE = "portal/dashboard-default.png"


@portal_page()
def home(request: HttpRequest, portal: PortalRequestContext) -> HttpResponse:
    children = portal.children
    selected = children[0] if children else None
    child_id = request.GET.get("child")
    if child_id:
        selected = next((c for c in children if str(c.pk) == child_id), None)
        if selected is None:
            raise Http404
    school_id = selected.school_id if selected else portal.first_school_id
    school_portal = portal.portal(school_id) if school_id else None
    school = selected.school if selected else (portal.guardian_records[0].school if portal.guardian_records else None)
    image_url = static(DEFAULT_IMAGE)
    if school_portal is not None and school_portal.has_image:
        image_url = reverse("portal:dashboard-image", args=[school_portal.school_id])
    feed = dashboard_feed(
        children=children, portals=portal.portals, account=portal.account, kind=request.GET.get("type", "")
    )
    context = {
        "posts": newest_posts_for_child(portal.account, selected) if selected else [],
        "selected": selected,
        "school": school,
        "modules": school_portal,
        "image_url": image_url,
        "tabs_on_dashboard": True,
        **feed,
    }
    return render_portal(request, portal, "portal/home.html", context)
