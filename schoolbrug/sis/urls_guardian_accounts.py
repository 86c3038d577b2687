from django.urls import path

from .guardian_accounts import deactivation_views, outbox_views, overview_views

urlpatterns: list = [
    # Sent mail and switching a guardian's account off
    path("accounts/outbox/", outbox_views.outbox_list, name="outbox"),
    path("accounts/outbox/<id:mail_id>/", outbox_views.outbox_mail, name="outbox-mail"),
    path(
        "pupils/<id:pupil_id>/guardians/<id:guardianship_id>/deactivate/",
        deactivation_views.guardian_account_deactivate_view,
        name="guardian-account-deactivate",
    ),
    # Guardian account overview, bulk invitations, Excel export
    path("guardian-accounts/", overview_views.guardian_account_overview, name="guardian-accounts"),
    path("guardian-accounts/confirm/", overview_views.guardian_account_confirm, name="guardian-accounts-confirm"),
    path("guardian-accounts/send/", overview_views.guardian_account_send, name="guardian-accounts-send"),
    path(
        "guardian-accounts/batches/<id:batch_id>/",
        overview_views.invitation_batch_detail,
        name="guardian-accounts-batch",
    ),
    path(
        "guardian-accounts/batches/<id:batch_id>/resume/",
        overview_views.invitation_batch_resume_view,
        name="guardian-accounts-batch-resume",
    ),
    path("guardian-accounts/export/", overview_views.guardian_account_export, name="guardian-accounts-export"),
]
