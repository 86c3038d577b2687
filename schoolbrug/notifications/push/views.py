"""Subscribe and unsubscribe a device (JSON, CSRF-protected), remove one from the account page,
and the two files that make Schoolbrug an installable web app: service worker and manifest."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from schoolbrug.accounts.models import Account

from . import services
from .validation import device_label, parse_endpoint_body, parse_subscription
from .vapid import application_server_key

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "push" / "sw.js"
MAX_BODY = 8 * 1024
# Pico's primary colour, so the installed app's title bar matches the pages.
THEME_COLOUR = "#0172ad"


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _account(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)
    return user


@require_POST
@login_required
def subscribe(request: HttpRequest) -> JsonResponse:
    if application_server_key() is None:
        return _error(_("Push notifications are not set up on this server."), status=503)
    if len(request.body) > MAX_BODY:
        return _error(_("The push subscription could not be read."))
    try:
        data = parse_subscription(request.body)
    except ValidationError as error:
        return _error(error.messages[0])
    subscription = services.subscribe(
        account=_account(request), data=data, label=device_label(request.headers.get("User-Agent", ""))
    )
    return JsonResponse({"id": subscription.pk, "device": subscription.user_agent_label}, status=201)


@require_POST
@login_required
def unsubscribe(request: HttpRequest) -> JsonResponse:
    if len(request.body) > MAX_BODY:
        return _error(_("The push subscription could not be read."))
    try:
        endpoint = parse_endpoint_body(request.body)
    except ValidationError as error:
        return _error(error.messages[0])
    if not services.unsubscribe(account=_account(request), endpoint=endpoint):
        # Missing and someone else's alike.
        return _error(_("This device is not subscribed."), status=404)
    return JsonResponse({"removed": True})


@require_POST
@login_required
def remove(request: HttpRequest, subscription_id: int) -> HttpResponse:
    if not services.remove(account=_account(request), subscription_id=subscription_id):
        raise Http404
    messages.success(request, _("The device no longer receives push notifications."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("home")
    return redirect(target)


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope is the whole site (a script under /static/ may only
    control /static/ unless the response allows more)."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static("push/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("push/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": static("push/icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "id": "/",
        "name": "Schoolbrug",
        "short_name": "Schoolbrug",
        "description": _("Your school and your family, connected."),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/manifest+json; charset=utf-8"
    )
