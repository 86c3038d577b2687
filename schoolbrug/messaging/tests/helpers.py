from __future__ import annotations

from typing import Any

from schoolbrug.messaging.models import Post, PostKind, Space
from schoolbrug.messaging.services import create_post
from schoolbrug.sis.testing import Persona


def school_space(school: Any) -> Space:
    return Space.objects.get(school=school, kind=Space.Kind.SCHOOL)


def post(author: Persona, *spaces: Space, text: str = "Vandaag naar de boerderij!", **fields: Any) -> Post:
    kind = PostKind.objects.filter(school_id=spaces[0].school_id).first()
    assert kind is not None
    return create_post(actor=author.user, text=text, kind=kind, spaces=list(spaces), **fields)
