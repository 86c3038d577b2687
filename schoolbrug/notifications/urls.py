from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<id:notification_id>/read/", views.mark_read, name="read"),
    path("read/", views.mark_all_read, name="read-all"),
    path("settings/", views.settings_page, name="settings"),
    path("school-hours/", views.school_hours, name="school-hours"),
]
