from django.contrib import admin
from django.urls import include, path

from schoolbrug.core import views as core_views
from schoolbrug.notifications.push import views as push_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("more/", core_views.more, name="more"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("schoolbrug.accounts.urls")),
    path("staff/", include("schoolbrug.sis.urls")),
    path("staff/file/", include("schoolbrug.records.urls")),
    path("staff/consent/", include("schoolbrug.consent.urls")),
    path("portal/", include("schoolbrug.portal.urls")),
    path("agenda/", include("schoolbrug.agenda.urls")),
    path("staff/agenda/", include("schoolbrug.agenda.urls_staff")),
    path("notifications/", include("schoolbrug.notifications.urls")),
    path("messages/", include("schoolbrug.messaging.urls")),
    path("conversations/", include("schoolbrug.conversations.urls")),
    path("operator/", admin.site.urls),
    path("notifications/push/", include("schoolbrug.notifications.push.urls")),
    # At the root: a service worker controls only the paths below its own address.
    path("sw.js", push_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", push_views.manifest, name="web-manifest"),
]
