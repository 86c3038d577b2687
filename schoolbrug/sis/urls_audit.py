from django.urls import path

from . import audit_views

urlpatterns = [
    path("audit-log/", audit_views.audit_log, name="audit-log"),
]
