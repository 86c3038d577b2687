from django.urls import path

from . import urls_audit, urls_guardian_accounts, views
from .contact_card import urls as urls_contact_card
from .enrolment import urls as urls_enrolment
from .rollover import urls as urls_rollover
from .setup import urls as setup_urls
from .sync import urls as urls_sync

app_name = "staff"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<id:group_id>/", views.group_detail, name="group"),
    path("pupils/<id:pupil_id>/", views.pupil_detail, name="pupil"),
    path("pupils/<id:pupil_id>/edit/", views.pupil_edit, name="pupil-edit"),
    path(
        "pupils/<id:pupil_id>/guardians/<id:guardianship_id>/edit/", views.guardianship_edit, name="guardianship-edit"
    ),
    *urls_guardian_accounts.urlpatterns,  # guardian account overview, invitations, export
    *urls_audit.urlpatterns,  # the school's audit log
    *setup_urls.urlpatterns,  # school set-up by the application administrator
    *urls_sync.urlpatterns,  # sync from an administration export: upload, preview, apply
    *urls_rollover.urlpatterns,  # next school year's groups from this year's
    *urls_contact_card.urlpatterns,  # child contact information behind the personal PIN
    *urls_enrolment.urlpatterns,  # enrolment, guardians, emergency numbers, medical data, photo, leaving
]
