"""Pages of messaging: the timeline ("Berichten"), spaces, writing and managing announcements,
who has seen a post, following groups, and the school's settings for communication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schoolbrug.accounts.models import Account
from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.media.models import StoredFile
from schoolbrug.media.services import store_uploads
from schoolbrug.media.serving import serve_stored_file
from schoolbrug.notifications.models import SpaceMute
from schoolbrug.sis.dates import school_zone
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import communication_admin_of, require_communication_admin, require_staff_member

from . import overview as overview_module
from . import photo_consent, selectors, services
from .forms import FollowForm, PostForm, PostKindForm, SchoolSpaceForm
from .models import Post, PostKind, Space

PAGE_SIZE = 20


def _account(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)
    return user


def base_template(account: Account) -> str:
    """The person's own shell: a guardian keeps the portal's, staff the school's."""
    return "portal/portal_base.html" if account.is_guardian else "staff_base.html"


def _page(request: HttpRequest, posts: QuerySet[Post]) -> tuple[object, list[Post]]:
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # Opening the page is seeing what it shows (MSG-3 "seen by"): one update for the whole page.
    services.mark_seen(_account(request), [p.pk for p in shown if getattr(p, "unseen", False)])
    return page, shown


@login_required
@never_cache
def timeline(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    page, posts = _page(request, selectors.my_timeline(account))
    return render(
        request,
        "messaging/timeline.html",
        {
            "page": page,
            "posts": posts,
            "base_template": base_template(account),
            "may_post": selectors.postable_spaces(account).exists(),
            "manage_school": communication_admin_of(account) is not None,
        },
    )


@login_required
@never_cache
def space_list(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    current, previous = selectors.current_and_previous_spaces(account)
    muted = set(SpaceMute.objects.filter(account=account).values_list("space_key", flat=True))
    admin = communication_admin_of(account)
    school_space = (
        Space.objects.filter(school_id=admin.school_id, kind=Space.Kind.SCHOOL).first() if admin is not None else None
    )
    return render(
        request,
        "messaging/spaces.html",
        {
            "current": current,
            "previous": previous,
            "muted": muted,
            "school_space": school_space,
            "is_staff": account.is_staff_member,
            "base_template": base_template(account),
        },
    )


@login_required
@never_cache
def space_detail(request: HttpRequest, space_id: int) -> HttpResponse:
    account = _account(request)
    space = selectors.get_space_for_user_or_404(account, space_id)
    page, posts = _page(request, selectors.timeline(account, Space.objects.filter(pk=space.pk)))
    return render(
        request,
        "messaging/space.html",
        {
            "space": space,
            "page": page,
            "posts": posts,
            "muted": SpaceMute.objects.filter(account=account, space_key=space.mute_key).exists(),
            "may_post": selectors.postable_spaces(account).filter(pk=space.pk).exists(),
            "base_template": base_template(account),
        },
    )


@login_required
@require_POST
def space_mute(request: HttpRequest, space_id: int) -> HttpResponse:
    account = _account(request)
    space = selectors.get_space_for_user_or_404(account, space_id)
    muted = request.POST.get("muted") == "1"
    services.set_muted(account, space, muted)
    if muted:
        messages.success(request, _("You will not be notified of new posts in %(space)s.") % {"space": space})
    else:
        messages.success(request, _("You will be notified of new posts in %(space)s again.") % {"space": space})
    if request.POST.get("next") == "list":
        return redirect("messaging:spaces")
    return redirect("messaging:space", space.pk)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_everything_read(_account(request))
    messages.success(request, _("Everything is marked as read (%(count)d posts).") % {"count": count})
    return redirect("messaging:timeline")


@login_required
@never_cache
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    account = _account(request)
    post = selectors.get_post_for_user_or_404(account, post_id)
    post = selectors.timeline(account).get(pk=post.pk)
    if getattr(post, "unseen", False):
        services.mark_seen(account, [post.pk])
    return render(
        request,
        "messaging/post.html",
        {"post": post, "base_template": base_template(account)},
    )


def _post_form(request: HttpRequest, account: Account, post: Post | None = None) -> PostForm:
    staff = require_staff_member(account)
    # Schools made in bulk (imports) may not have their default kinds yet.
    services.ensure_post_kinds(staff.school)
    scheduled = post is None or not post.is_published
    initial = {}
    if post is not None:
        initial = {
            "text": post.text,
            "kind": post.kind_id,
            "spaces": [s.pk for s in post.spaces.all()],
            "publish_at": timezone.localtime(post.publish_at, school_zone(staff.school)) if scheduled else None,
        }
    else:
        chosen = request.GET.get("space")
        if chosen and chosen.isdigit():
            initial["spaces"] = [int(chosen)]
    return PostForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        kinds=selectors.kinds_of_school(staff.school_id),
        spaces=selectors.postable_spaces(account),
        zone=school_zone(staff.school),
        may_mark_urgent=post is None and communication_admin_of(account, staff.school_id) is not None,
        scheduled=scheduled,
    )


def _apply_errors(form: PostForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@staff_required
def post_new(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if request.method == "POST" and "back" in request.POST:
        # "Go back" from the consent warning: the form again with what was typed (photos to choose anew).
        return render(request, "messaging/post_form.html", {"form": _back_form(request, account), "post": None})
    form = _post_form(request, account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stored: list[StoredFile] = []
        token = request.POST.get("pending", "")
        try:
            if token:
                pending = photo_consent.pending_files(account, token)
                if pending is None:
                    raise ValidationError({"uploads": [_("Choose the photos and files again.")]})
                stored = pending
            elif data.get("uploads"):
                warned = photo_consent.children_to_warn_about(list(data["spaces"]))
                if warned:
                    with transaction.atomic():
                        stored = store_uploads_for_post(account, data["uploads"])
                    if any(f.is_image for f in stored):
                        return _consent_warning(request, form, warned, stored)
            with transaction.atomic():
                post = services.create_post(
                    actor=account,
                    text=data["text"],
                    kind=data["kind"],
                    spaces=list(data["spaces"]),
                    urgent=data.get("urgent", False),
                    publish_at=data.get("publish_at"),
                    files=[] if stored else data.get("uploads") or [],
                    stored=stored,
                )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if post.is_published:
                messages.success(request, _("Your announcement is published."))
            else:
                messages.success(request, _("Your announcement will be published at the chosen moment."))
            return redirect("messaging:post", post.pk)
    return render(request, "messaging/post_form.html", {"form": form, "post": None})


def store_uploads_for_post(account: Account, files: list[Any]) -> list[StoredFile]:
    staff = require_staff_member(account)
    try:
        return store_uploads(files, school=staff.school, uploaded_by=account)
    except ValidationError as error:
        raise ValidationError({"uploads": error.messages}) from error


def _back_form(request: HttpRequest, account: Account) -> PostForm:
    form = _post_form(request, account)
    data = request.POST
    return PostForm(
        initial={
            "text": data.get("text", ""),
            "kind": data.get("kind"),
            "spaces": data.getlist("spaces"),
            "publish_at": data.get("publish_at") or None,
        },
        kinds=form.fields["kind"].queryset,  # type: ignore[attr-defined]
        spaces=form.fields["spaces"].queryset,  # type: ignore[attr-defined]
        zone=form.zone,
        may_mark_urgent="urgent" in form.fields,
    )


def _consent_warning(request: HttpRequest, form: PostForm, pupils: list[Any], stored: list[StoredFile]) -> HttpResponse:
    """The confirmation step (MSG-4): which children may not be photographed, then publish
    anyway (the stored uploads travel signed) or go back."""
    keep = [(name, value) for name in ("text", "kind", "publish_at", "urgent") for value in request.POST.getlist(name)]
    keep += [("spaces", value) for value in request.POST.getlist("spaces")]
    return render(
        request,
        "messaging/consent_warning.html",
        {
            "pupils": pupils,
            "photos": sum(1 for f in stored if f.is_image),
            "keep": keep,
            "pending": photo_consent.sign_pending(_account(request), stored),
        },
    )


@staff_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    account = _account(request)
    post = selectors.get_post_for_editor_or_404(account, post_id)
    form = _post_form(request, account, post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_post(
                actor=account,
                post=post,
                text=data["text"],
                kind=data["kind"],
                spaces=list(data["spaces"]) if "spaces" in data else None,
                publish_at=data.get("publish_at"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The announcement is saved."))
            return redirect("messaging:post", post.pk)
    return render(request, "messaging/post_form.html", {"form": form, "post": post})


@staff_required
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    account = _account(request)
    post = selectors.get_post_for_editor_or_404(account, post_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Delete this announcement?"),
            subject=str(post),
            consequence=_("Nobody will see it any more, also not those who already saw it."),
            button=_("Delete"),
            cancel_url=reverse("messaging:post", args=[post.pk]),
        )
    services.delete_post(actor=account, post=post)
    messages.success(request, _("The announcement is deleted."))
    return redirect("messaging:timeline")


@staff_required
@never_cache
def post_seen(request: HttpRequest, post_id: int) -> HttpResponse:
    account = _account(request)
    post = selectors.get_post_for_editor_or_404(account, post_id)
    families, others = selectors.seen_by_families(post)
    seen = sum(1 for f in families if f.seen)
    return render(
        request,
        "messaging/post_seen.html",
        {"post": post, "families": families, "others": others, "families_seen": seen},
    )


RENDITIONS = {"thumbnail": "thumbnail", "screen": "screen"}


@login_required
def post_file(request: HttpRequest, post_id: int, file_id: int) -> HttpResponseBase:
    """A photo or document of a post: found through the post's visibility first (404 for
    missing and "not yours" alike), only then handed to the media app to send."""
    attachment = selectors.get_attachment_for_user_or_404(_account(request), post_id, file_id)
    rendition = RENDITIONS.get(request.GET.get("size", ""), "original")
    return serve_stored_file(request, attachment.file, rendition=rendition)  # type: ignore[arg-type]


@login_required
@never_cache
def space_media(request: HttpRequest, space_id: int) -> HttpResponse:
    account = _account(request)
    space = selectors.get_space_for_user_or_404(account, space_id)
    photos, documents = selectors.space_media(account, space)
    photo_page = Paginator(photos, 40).get_page(request.GET.get("photos"))
    document_page = Paginator(documents, 20).get_page(request.GET.get("documents"))
    return render(
        request,
        "messaging/space_media.html",
        {
            "space": space,
            "photo_page": photo_page,
            "document_page": document_page,
            "base_template": base_template(account),
        },
    )


@login_required
def author_photo(request: HttpRequest, post_id: int) -> HttpResponseBase:
    """The author's staff photo (MSG-10), only to someone who may read the post."""
    post = selectors.get_post_for_user_or_404(_account(request), post_id)
    photo = post.author_staff.photo if post.author_staff is not None else None
    if not photo:
        raise Http404
    try:
        file = photo.open("rb")
    except OSError:
        raise Http404 from None
    content_type = "image/jpeg" if (photo.name or "").lower().endswith((".jpg", ".jpeg")) else "image/png"
    response = FileResponse(file, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def follow(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    choices = (
        selectors.spaces_visible_to(account)
        .filter(kind=Space.Kind.GROUP, group__year__is_current=True)
        .select_related("group")
        .order_by("group__name")
    )
    chosen = selectors.followed_spaces_of(account).filter(follows__account=account).values_list("pk", flat=True)
    form = FollowForm(request.POST or None, spaces=choices, initial={"spaces": list(chosen)})
    if request.method == "POST" and form.is_valid():
        services.set_followed_spaces(account, list(form.cleaned_data["spaces"]))
        messages.success(request, _("Your groups are saved."))
        return redirect("messaging:spaces")
    return render(request, "messaging/follow.html", {"form": form})


@staff_required
def school_space(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    admin = require_communication_admin(account)
    services.ensure_spaces(admin.school)  # schools built in bulk (imports) may lack it
    space = get_object_or_404(Space, school_id=admin.school_id, kind=Space.Kind.SCHOOL)
    form = SchoolSpaceForm(request.POST or None, initial={"name": space.name, "is_enabled": space.is_enabled})
    if request.method == "POST" and form.is_valid():
        services.rename_school_space(
            account, space, name=form.cleaned_data["name"], enabled=form.cleaned_data["is_enabled"]
        )
        messages.success(request, _("The school-wide space is saved."))
        return redirect("messaging:spaces")
    return render(request, "messaging/school_space.html", {"form": form, "space": space})


@staff_required
def kinds(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    admin = require_communication_admin(account)
    form = PostKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = form.save(commit=False)
        if PostKind.objects.filter(school_id=admin.school_id, name=kind.name).exists():
            form.add_error("name", _("The school already has a kind with this name."))
        else:
            kind.school_id = admin.school_id
            kind.position = PostKind.objects.filter(school_id=admin.school_id).count()
            kind.save()
            messages.success(request, _("The kind is added."))
            return redirect("messaging:kinds")
    return render(request, "messaging/kinds.html", {"form": form, "kinds": selectors.kinds_of_school(admin.school_id)})


@staff_required
def kind_edit(request: HttpRequest, kind_id: int) -> HttpResponse:
    admin = require_communication_admin(_account(request))
    kind = get_object_or_404(PostKind, pk=kind_id, school_id=admin.school_id)
    form = PostKindForm(request.POST or None, instance=kind)
    if request.method == "POST" and form.is_valid():
        if (
            PostKind.objects.filter(school_id=admin.school_id, name=form.cleaned_data["name"])
            .exclude(pk=kind.pk)
            .exists()
        ):
            form.add_error("name", _("The school already has a kind with this name."))
        else:
            form.save()
            messages.success(request, _("The kind is saved."))
            return redirect("messaging:kinds")
    return render(request, "messaging/kind_form.html", {"form": form, "kind": kind})


@staff_required
@never_cache
def communication_overview(request: HttpRequest) -> HttpResponse:
    admin = require_communication_admin(_account(request))
    return render(request, "messaging/overview.html", overview_module.communication_overview(admin.school))
