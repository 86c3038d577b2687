"""Staff pages for news (POR-11): overview with filters and paging; changes by managers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from schoolbrug.core.confirm import confirmation_page, is_confirmed
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.decorators import staff_required
from schoolbrug.sis.policies import require_staff_member

from ..forms.common import add_service_error
from ..forms.news import NewsFilterForm, NewsForm
from ..models import NewsItem
from ..policies import news as policies
from ..selectors import news as selectors
from ..services import news as services

PAGE_SIZE = 20


@staff_required
def news_list(request: HttpRequest) -> HttpResponse:
    staff = require_staff_member(request.user)
    filters = NewsFilterForm(request.GET or None, school=staff.school)
    subject, group = "", None
    if filters.is_valid():
        subject, group = filters.cleaned_data["subject"], filters.cleaned_data["group"]
    items = selectors.news_overview(school=staff.school, subject=subject, group=group)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_manage": policies.can_manage_news(request.user),
        "today": school_today(staff.school),
    }
    return render(request, "records/news_list.html", context)


@staff_required
def news_detail(request: HttpRequest, news_id: int) -> HttpResponse:
    item = policies.get_news_for_staff_or_404(request.user, news_id)
    context = {"item": item, "can_manage": policies.can_manage_news(request.user)}
    return render(request, "records/news_detail.html", context)


def _edit(request: HttpRequest, item: NewsItem | None) -> HttpResponse:
    staff = policies.require_news_manager(request.user)
    initial = None
    if item is not None:
        initial = {field: getattr(item, field) for field in services.NEWS_FIELDS}
        initial["groups"] = list(item.groups.all())
    else:
        today = school_today(staff.school)
        initial = {"date": today, "publish_from": today}
    form = NewsForm(request.POST or None, initial=initial, school=staff.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved, removed = services.news_save(actor=request.user, item=item, data=data, groups=list(data["groups"]))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The news item has been saved."))
            if removed:
                messages.warning(
                    request,
                    _("Formatting that is not allowed was removed from the text: %(items)s.")
                    % {"items": ", ".join(removed)},
                )
            return redirect("records:news-detail", news_id=saved.pk)
    return render(request, "records/news_form.html", {"form": form, "item": item})


@staff_required
@never_cache
def news_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@staff_required
@never_cache
def news_edit(request: HttpRequest, news_id: int) -> HttpResponse:
    return _edit(request, policies.get_news_for_manager_or_404(request.user, news_id))


@staff_required
@require_http_methods(["GET", "POST"])
@never_cache
def news_delete(request: HttpRequest, news_id: int) -> HttpResponseBase:
    item = policies.get_news_for_manager_or_404(request.user, news_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            question=_("Remove this news item?"),
            subject=f"{item.subject} · {date_format(item.date, 'j F Y')}",
            consequence=_("Guardians will no longer see it. This cannot be undone."),
            button=_("Yes, remove the news item"),
            cancel_url=reverse("records:news-detail", args=[item.pk]),
        )
    services.news_delete(actor=request.user, item=item)
    messages.success(request, _("The news item has been removed."))
    return redirect("records:news")
