"""Conversation pages. Every id goes through `selectors.get_conversation_for_user_or_404` (or the
messaging space selector): missing and "not yours" are both 404, on GET and POST alike.

The pages work without JavaScript (forms and links); chat.js adds the WebSocket, and a periodic
refresh through `updates` when the socket is down."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schoolbrug.accounts.models import Account
from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.core.converters import parse_object_id
from schoolbrug.media.serving import serve_stored_file
from schoolbrug.messaging.models import Space
from schoolbrug.messaging.selectors import get_space_for_user_or_404
from schoolbrug.messaging.views import base_template
from schoolbrug.sis.policies import communication_admin_of, require_communication_admin

from . import policies, realtime, selectors, services
from .forms import GroupSettingsForm, MessageForm, SchoolSettingsForm, StartForm
from .models import Conversation, GroupChatSettings, SchoolChatSettings

# How often the page asks for news while its socket is down (milliseconds).
REFRESH_MS = 5000


def _account(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)
    return user


def _group_space_or_404(user: Account, space_id: int) -> Space:
    space = get_space_for_user_or_404(user, space_id)
    if space.kind != Space.Kind.GROUP:
        raise Http404
    return space


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    rows = selectors.conversation_list(account)
    items = [
        {
            "conversation": c,
            "title": selectors.display_title(c, account, c.members),  # type: ignore[attr-defined]
            "last_body": c.last_body,  # type: ignore[attr-defined]
            "last_sender": c.last_sender,  # type: ignore[attr-defined]
            "unread": c.unread,  # type: ignore[attr-defined]
        }
        for c in rows
    ]
    return render(
        request,
        "conversations/list.html",
        {"items": items, "base_template": base_template(account)},
    )


@login_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    spaces = list(policies.group_spaces_for(account))
    rows = [
        {
            "space": space,
            "may_change": policies.may_change_group_settings(account, space),
        }
        for space in spaces
    ]
    is_admin = communication_admin_of(account) is not None
    return render(
        request,
        "conversations/start.html",
        {"rows": rows, "base_template": base_template(account), "is_admin": is_admin},
    )


@login_required
def start_in_space(request: HttpRequest, space_id: int) -> HttpResponse:
    account = _account(request)
    space = _group_space_or_404(account, space_id)
    options = policies.start_options(account, space)
    form = StartForm(request.POST or None, options=options, group_name=space.display_name)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_conversation(
                account,
                space,
                teachers=form.cleaned_data.get("teachers", False),
                people=list(form.cleaned_data["people"]),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("conversations:detail", conversation.pk)
    nothing_allowed = not options.teachers and not options.people.exists()
    return render(
        request,
        "conversations/start_in_space.html",
        {"form": form, "space": space, "base_template": base_template(account), "nothing_allowed": nothing_allowed},
    )


def _page_context(request: HttpRequest, account: Account, conversation: Conversation, form: MessageForm) -> dict:
    before = parse_object_id(request.GET.get("before", "")) if request.GET.get("before") else None
    page = selectors.message_page(conversation, before=before)
    members = selectors.members_of(conversation)
    reads = {p.account_id: p for p in selectors.readers(conversation) if p.account_id != account.pk}
    rows = []
    for message in page.messages:
        mine = message.sender_id == account.pk
        readers = [selectors.public_name(p.account) for p in reads.values() if p.read_up_to >= message.pk]
        rows.append(
            {"message": message, "mine": mine, "readers": readers, "sender": selectors.public_name(message.sender)}
        )
    return {
        "conversation": conversation,
        "title": selectors.display_title(conversation, account, members),
        "members": [selectors.public_name(p.account) for p in members],
        "rows": rows,
        "older_than": page.older_than,
        "paging_back": before is not None,
        "form": form,
        "may_post": policies.may_post(account, conversation),
        "may_leave": policies.may_leave(conversation) and any(p.account_id == account.pk for p in members),
        "may_pause": policies.may_pause(account, conversation),
        "unavailable": selectors.unavailable_staff(conversation, account, members),
        "reads": {
            str(p.account_id): {"name": selectors.public_name(p.account), "up_to": p.read_up_to} for p in reads.values()
        },
        "refresh_ms": REFRESH_MS,
        "base_template": base_template(account),
    }


@login_required
@require_GET
def detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    account = _account(request)
    conversation = selectors.get_conversation_for_user_or_404(account, conversation_id)
    if not request.GET.get("before"):
        services.mark_read(account, conversation)
    context = _page_context(request, account, conversation, MessageForm())
    return render(request, "conversations/detail.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    account = _account(request)
    conversation = selectors.get_conversation_for_user_or_404(account, conversation_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message, _created = services.send_message(
                account,
                conversation,
                form.cleaned_data["body"] or "",
                form.cleaned_data["client_id"],
                form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            if _wants_json(request):
                return JsonResponse(realtime.message_payload(message))
            return redirect("conversations:detail", conversation.pk)
    if _wants_json(request):
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"type": "error", "error": " ".join(errors)}, status=400)
    context = _page_context(request, account, conversation, form)
    return render(request, "conversations/detail.html", context, status=400)


@login_required
@require_GET
def attachment(request: HttpRequest, conversation_id: int, file_id: int) -> HttpResponseBase:
    """A photo or document of a message: only after the conversation selector found the caller a
    participant (404 otherwise, as for a missing file)."""
    conversation = selectors.get_conversation_for_user_or_404(_account(request), conversation_id)
    found = selectors.get_attachment_or_404(conversation, file_id)
    rendition = request.GET.get("rendition", "original")
    if rendition not in ("original", "screen", "thumbnail"):
        raise Http404
    return serve_stored_file(request, found.file, rendition=rendition)  # type: ignore[arg-type]


@login_required
@require_GET
def updates(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """What the page missed while its socket was down: newer messages and everyone's read marks.
    Asking for them is reading them, as opening the page is."""
    account = _account(request)
    conversation = selectors.get_conversation_for_user_or_404(account, conversation_id)
    after = parse_object_id(request.GET.get("after", "0")) or 0
    page = selectors.message_page(conversation, after=after)
    services.mark_read(account, conversation)
    reads = [
        realtime.read_payload(conversation.pk, p.account_id, selectors.public_name(p.account), p.read_up_to)
        for p in selectors.readers(conversation)
        if p.account_id != account.pk
    ]
    return JsonResponse({"messages": [realtime.message_payload(m) for m in page.messages], "reads": reads})


@login_required
def leave(request: HttpRequest, conversation_id: int) -> HttpResponse:
    account = _account(request)
    conversation = selectors.get_conversation_for_user_or_404(account, conversation_id)
    if not policies.may_leave(conversation):
        raise Http404
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Leave this conversation?"),
            subject=selectors.display_title(conversation, account, selectors.members_of(conversation)),
            consequence=_("You will no longer see this conversation or receive its messages."),
            button=_("Leave"),
            cancel_url=reverse("conversations:detail", args=[conversation.pk]),
            base_template=base_template(account),
        )
    services.leave(account, conversation)
    messages.success(request, _("You have left the conversation."))
    return redirect("conversations:list")


@login_required
@require_POST
def pause(request: HttpRequest, conversation_id: int) -> HttpResponse:
    account = _account(request)
    conversation = selectors.get_conversation_for_user_or_404(account, conversation_id)
    if not policies.may_pause(account, conversation):
        raise Http404
    services.set_paused(account, conversation, not conversation.replies_paused)
    return redirect("conversations:detail", conversation.pk)


@login_required
def group_settings(request: HttpRequest, space_id: int) -> HttpResponse:
    account = _account(request)
    space = _group_space_or_404(account, space_id)
    if not policies.may_change_group_settings(account, space):
        raise Http404
    instance = GroupChatSettings.objects.filter(space=space).first() or GroupChatSettings(space=space)
    form = GroupSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The conversation settings of %(group)s are saved.") % {"group": space})
        return redirect("conversations:group-settings", space.pk)
    return render(
        request,
        "conversations/group_settings.html",
        {"form": form, "space": space, "base_template": base_template(account)},
    )


@login_required
def family_conversations(request: HttpRequest, space_id: int) -> HttpResponse:
    account = _account(request)
    space = _group_space_or_404(account, space_id)
    if not policies.may_change_group_settings(account, space):
        raise Http404
    cancel = reverse("conversations:start")
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Start a family conversation for every pupil of %(group)s?") % {"group": space},
            subject=str(space),
            consequence=_(
                "Each pupil's guardians get a conversation with the teachers of the group for this school year. "
                "Pupils who already have one are skipped."
            ),
            button=_("Start the conversations"),
            cancel_url=cancel,
            base_template=base_template(account),
        )
    made = services.create_family_conversations(account, space)
    messages.success(request, _("%(count)d family conversations were started.") % {"count": made})
    return redirect("conversations:list")


@login_required
def school_settings(request: HttpRequest) -> HttpResponse:
    staff = require_communication_admin(request.user)
    instance = SchoolChatSettings.objects.filter(school_id=staff.school_id).first() or SchoolChatSettings(
        school_id=staff.school_id
    )
    form = SchoolSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The conversation settings are saved."))
        return redirect("conversations:school-settings")
    context: dict[str, Any] = {"form": form, "base_template": "staff_base.html"}
    return render(request, "conversations/school_settings.html", context)
