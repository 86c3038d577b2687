"""Announcements for the demo school, so the timeline, the home, "seen by" and the overview show
real content for the demo accounts (parent, teacher, principal)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Guardianship, School, StaffMember

from .models import Post, PostKind, Receipt, Space, SpaceFollow
from .services import create_post, ensure_spaces

TEACHER_EMAIL = "leerkracht@regenboog.demo"
PARENT_EMAIL = "ouder@regenboog.demo"
PRINCIPAL_EMAIL = "directeur@regenboog.demo"


def demo_photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small made-up photo (a gradient with a sun), so the demo shows pictures without shipping any."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    for y in range(0, 480, 8):
        shade = tuple(max(0, c - y // 6) for c in colour)
        draw.rectangle((0, y, 640, y + 8), fill=shade)
    draw.ellipse((460, 40, 580, 160), fill=(250, 220, 90))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def load_demo_messaging(school: School) -> list[Post]:
    teacher = StaffMember.objects.filter(school=school, account__email=TEACHER_EMAIL).select_related("account").first()
    if teacher is None or teacher.account is None:
        return []
    ensure_spaces(school)
    kinds = {kind.name: kind for kind in PostKind.objects.filter(school=school)}
    impression, practical = kinds["Groepsindruk"], kinds["Praktische mededeling"]
    parent_groups = Space.objects.filter(
        kind=Space.Kind.GROUP,
        group__year__is_current=True,
        group__placements__pupil__in=Guardianship.objects.filter(
            guardian__account__email=PARENT_EMAIL, guardian__school=school
        ).values("pupil_id"),
    ).distinct()
    spaces = list(parent_groups[:2]) or list(
        Space.objects.filter(school=school, kind=Space.Kind.GROUP, group__year__is_current=True)[:1]
    )
    if not spaces:
        return []
    others = list(
        Space.objects.filter(school=school, kind=Space.Kind.GROUP, group__year__is_current=True)
        .exclude(pk__in=[s.pk for s in spaces])
        .order_by("group__name")[:2]
    )
    author = teacher.account
    now = timezone.now()
    posts = [
        create_post(
            actor=author,
            text="Vandaag zijn we met de groep naar **de kinderboerderij** geweest. De kinderen mochten de geiten "
            "voeren en hebben veel geleerd over de dieren.",
            kind=impression,
            spaces=[*spaces, *others[:1]],
            files=[demo_photo("geiten.jpg", (120, 170, 90)), demo_photo("stal.jpg", (200, 150, 80))],
        ),
        create_post(
            actor=author,
            text="Denken jullie aan:\n\n- gymschoenen op dinsdag\n- een lege pot voor het knutselwerk\n\n"
            "Meer informatie op [de website](https://www.regenboog.demo).",
            kind=practical,
            spaces=spaces,
        ),
        create_post(
            actor=author,
            text="De tafels van 3 en 4 zijn goed gegaan deze week. Blijf thuis oefenen!",
            kind=impression,
            spaces=spaces,
        ),
    ]
    # Spread over the last weeks, so the timeline and the communication overview show history.
    for age, made in zip((1, 4, 9), posts, strict=True):
        moment = now - dt.timedelta(days=age)
        Post.objects.filter(pk=made.pk).update(publish_at=moment, published_at=moment)
    parent = Account.objects.filter(email=PARENT_EMAIL, kind=Account.Kind.GUARDIAN).first()
    if parent is not None:
        Receipt.objects.filter(post=posts[-1], account=parent).update(seen_at=now - dt.timedelta(days=8))
    principal = Account.objects.filter(email=PRINCIPAL_EMAIL, kind=Account.Kind.STAFF).first()
    if principal is not None:
        SpaceFollow.objects.bulk_create(
            [SpaceFollow(account=principal, space=space) for space in [*spaces, *others]], ignore_conflicts=True
        )
    return posts
