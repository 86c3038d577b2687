from django.urls import path

from . import views_staff as views

app_name = "agenda-staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/new/", views.event_new, name="event-new"),
    path("events/<id:event_id>/", views.event, name="event"),
    path("import/", views.import_upload, name="import"),
    path("import/<id:import_id>/", views.import_preview, name="import-preview"),
    path("conferences/new/", views.round_new, name="round-new"),
    path("conferences/<id:round_id>/", views.conference_round, name="round"),
    path("conferences/<id:round_id>/overview/", views.round_overview, name="round-overview"),
    path("conferences/<id:round_id>/overview.pdf", views.round_pdf, name="round-pdf"),
    path("conferences/<id:round_id>/overview.xlsx", views.round_xlsx, name="round-xlsx"),
]
