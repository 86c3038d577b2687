"""What a school's portal shows right now: settings and modules read fresh on every request.

Nothing is cached in the session, so a module switched by the school (or by the scheduler) is
visible on the guardian's next page (POR-12: "settings changes are visible at once").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import Http404

from .models import PortalModule, PortalSettings
from .modules import Module


@dataclass
class SchoolPortal:
    school_id: int
    settings: PortalSettings | None
    modules: dict[str, PortalModule] = field(default_factory=dict)

    def is_on(self, module: str) -> bool:
        row = self.modules.get(module)
        return row is not None and row.enabled

    def on_dashboard(self, module: str) -> bool:
        row = self.modules.get(module)
        return row is not None and row.on_dashboard

    def module(self, module: str) -> PortalModule:
        """The row of a module (an unsaved default when the school never touched it)."""
        return self.modules.get(module) or PortalModule(school_id=self.school_id, module=module)

    @property
    def maintenance(self) -> bool:
        return self.settings is not None and self.settings.maintenance_mode

    @property
    def correction_email(self) -> str:
        return self.settings.correction_email if self.settings else ""

    @property
    def has_image(self) -> bool:
        return bool(self.settings and self.settings.dashboard_image)

    def require(self, module: str) -> None:
        """Pages of a module that is off do not exist (404)."""
        if not self.is_on(module):
            raise Http404


def portals_for(school_ids: Iterable[int]) -> dict[int, SchoolPortal]:
    """Settings and modules of several schools in two queries."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    portals = {sid: SchoolPortal(school_id=sid, settings=None) for sid in ids}
    for row in PortalSettings.objects.filter(school_id__in=ids):
        portals[row.school_id].settings = row
    for module in PortalModule.objects.filter(school_id__in=ids):
        portals[module.school_id].modules[module.module] = module
    return portals


def portal_for(school_id: int) -> SchoolPortal:
    return portals_for([school_id])[school_id]


__all__ = ["Module", "SchoolPortal", "portal_for", "portals_for"]
