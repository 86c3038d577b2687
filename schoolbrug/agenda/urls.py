from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.agenda, name="home"),
    path("events/<id:event_id>/", views.event, name="event"),
    path("events/<id:event_id>/attachment/", views.event_file, name="event-file"),
    path("conferences/<id:round_id>/", views.conference, name="round"),
    path("bookings/<id:booking_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("feed/", views.feed_settings, name="feed"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed-ics"),
]
