from django.urls import path

from . import urls_audit, urls_guardian_accounts, views
from .enrolment import urls as urls_enrolment

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
    *urls_enrolment.urlpatterns,  # enrolment, guardians, emergency numbers, medical data, photo, leaving
]
