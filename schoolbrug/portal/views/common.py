"""What every guardian-facing portal page shares: whose portal it is, the children across the
top, the schools' settings, maintenance mode and no caching."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from schoolbrug.accounts.models import Account
from schoolbrug.sis import selectors as sis_selectors
from schoolbrug.sis.models import Guardian, Pupil

from ..config import SchoolPortal, portals_for
from ..policies import impersonation, impersonation_school_id, portal_account_of


@dataclass
class PortalRequestContext:
    account: Account
    impersonating: bool
    children: list[Pupil]
    guardian_records: list[Guardian]
    portals: dict[int, SchoolPortal]

    def portal(self, school_id: int) -> SchoolPortal:
        return self.portals[school_id]

    def child(self, pupil_id: int) -> Pupil:
        """One of the account's reachable children; anyone else's pupil does not exist (404)."""
        child = next((c for c in self.children if c.pk == pupil_id), None)
        if child is None:
            raise Http404
        return child

    def child_with_module(self, pupil_id: int, module: str) -> tuple[Pupil, SchoolPortal]:
        """The child and his school's portal, for a page that exists only while `module` is on."""
        child = self.child(pupil_id)
        school_portal = self.portal(child.school_id)
        school_portal.require(module)
        return child, school_portal

    @property
    def in_maintenance(self) -> bool:
        return any(p.maintenance for p in self.portals.values())

    @property
    def first_school_id(self) -> int | None:
        if self.children:
            return self.children[0].school_id
        if self.guardian_records:
            return self.guardian_records[0].school_id
        return None

    def template_context(self) -> dict[str, Any]:
        return {
            "portal_account": self.account,
            "impersonating": self.impersonating,
            "children": self.children,
            "guardian_records": self.guardian_records,
        }


def load_portal_context(request: HttpRequest, account: Account) -> PortalRequestContext:
    # Four queries whatever the number of children or schools: children (+ placements),
    # own guardian records, settings and modules.
    children = sis_selectors.children_of_guardian(account)
    guardian_records = sis_selectors.guardian_records_of(account).select_related("school__board")
    only_school = impersonation_school_id(request)
    if only_school is not None:
        # Everything else on the portal derives from these two lists (child pages, dashboard,
        # schools, corrections), so narrowing them here keeps the administrator in his school.
        children = [c for c in children if c.school_id == only_school]
        guardian_records = guardian_records.filter(school_id=only_school)
    records = list(guardian_records)
    school_ids = {c.school_id for c in children} | {g.school_id for g in records}
    return PortalRequestContext(
        account=account,
        impersonating=impersonation(request) is not None and account.pk != request.user.pk,
        children=children,
        guardian_records=records,
        portals=portals_for(school_ids),
    )


View = Callable[..., HttpResponseBase]


def portal_page(*, maintenance_ok: bool = False) -> Callable[[View], View]:
    """A guardian page (or the administrator's read-only look at one): 404 for anyone else,
    never cached, and replaced by the maintenance page while the school works on the portal."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        @never_cache
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            account = portal_account_of(request)
            if account is None:
                raise Http404
            portal = load_portal_context(request, account)
            request.portal = portal  # type: ignore[attr-defined]
            if portal.in_maintenance and not maintenance_ok:
                return maintenance_page(request, portal)
            return view(request, portal, *args, **kwargs)

        return wrapper

    return decorator


def maintenance_page(request: HttpRequest, portal: PortalRequestContext) -> HttpResponse:
    """POR-2: only the guardian's own data and the message."""
    context = portal.template_context()
    context["children"] = []
    return render(request, "portal/maintenance.html", context)


def render_portal(
    request: HttpRequest, portal: PortalRequestContext, template: str, context: dict[str, Any]
) -> HttpResponse:
    full = portal.template_context()
    full.update(context)
    return render(request, template, full)
