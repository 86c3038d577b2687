"""Contact cards of the pupils a staff member may see: the one rule is `pupils_visible_to` (group
authorisation), so the list can never hold a pupil the pupil file would hide from him."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch

from ..models import Group, Guardianship, Placement, Pupil
from ..policies import pupils_visible_to


@dataclass
class ContactCard:
    pupil: Pupil
    groups: list[str]
    guardianships: list[Guardianship]
    has_medical: bool


def contact_cards(*, user: AbstractBaseUser, group: Group | None = None) -> list[ContactCard]:
    """Three queries whatever the number of pupils: pupils (with medical data), their
    guardians, their current groups. Each guardian is his own entry with his own address and
    numbers: staff see both households of a divorced family, each as that guardian's data."""
    pupils = pupils_visible_to(user).filter(status=Pupil.Status.ENROLLED)
    if group is not None:
        pupils = pupils.filter(placements__group=group)
    else:
        pupils = pupils.filter(placements__year__is_current=True)
    found = list(
        pupils.distinct()
        .select_related("medical")
        .prefetch_related(
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.select_related("guardian").order_by("contact_order", "pk"),
            ),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(year__is_current=True)
                .select_related("group")
                .order_by("group__name"),
                to_attr="current_placements_for_card",
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    cards = []
    for pupil in found:
        medical = getattr(pupil, "medical", None)
        cards.append(
            ContactCard(
                pupil=pupil,
                groups=[p.group.name for p in pupil.current_placements_for_card],  # type: ignore[attr-defined]
                guardianships=list(pupil.guardianships.all()),
                has_medical=medical is not None and not medical.is_empty,
            )
        )
    return cards
