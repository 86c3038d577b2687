"""Enrolment pages (included once from `sis.urls`, in the `staff` namespace)."""

from django.urls import path

from . import emergency, guardians, medical, photo, pupils

urlpatterns = [
    path("pupils/new/", pupils.enrol, name="pupil-enrol"),
    path("pupils/<id:pupil_id>/placement/", pupils.placement, name="pupil-placement"),
    path("pupils/<id:pupil_id>/leave/", pupils.leave, name="pupil-leave"),
    path("pupils/<id:pupil_id>/guardians/add/", guardians.add, name="guardian-add"),
    path("pupils/<id:pupil_id>/guardians/<id:guardianship_id>/remove/", guardians.remove, name="guardianship-remove"),
    path("pupils/<id:pupil_id>/emergency/", emergency.contact_list, name="emergency"),
    path("pupils/<id:pupil_id>/emergency/<id:contact_id>/edit/", emergency.contact_edit, name="emergency-edit"),
    path("pupils/<id:pupil_id>/emergency/<id:contact_id>/remove/", emergency.contact_delete, name="emergency-remove"),
    path("pupils/<id:pupil_id>/emergency/<id:contact_id>/move/", emergency.contact_reorder, name="emergency-move"),
    path("pupils/<id:pupil_id>/medical/", medical.edit, name="medical-edit"),
    path("pupils/<id:pupil_id>/photo/", photo.edit, name="pupil-photo-edit"),
    path("pupils/<id:pupil_id>/photo.png", photo.image, name="pupil-photo"),
]
