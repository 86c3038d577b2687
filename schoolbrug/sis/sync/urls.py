from django.urls import path

from . import views

urlpatterns: list = [
    path("sync/", views.sync_upload, name="sync"),
    path("sync/guardian-template.csv", views.sync_guardian_template, name="sync-guardian-template"),
    path("sync/<id:upload_id>/", views.sync_upload_detail, name="sync-upload"),
    path("sync/<id:upload_id>/apply/", views.sync_upload_apply, name="sync-upload-apply"),
    path("sync/<id:upload_id>/discard/", views.sync_upload_discard, name="sync-upload-discard"),
]
