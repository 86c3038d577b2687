from django.urls import path

from .guardian_accounts import deactivation_views, group_invite_views, outbox_views, overview_views

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
    # Inviting a group's guardians to the app (MSG-8)
    path("groups/<id:group_id>/invite/", group_invite_views.group_invite, name="group-invite"),
    path(
        "groups/<id:group_id>/invite/<id:batch_id>/",
        group_invite_views.group_invite_batch,
        name="group-invite-batch",
    ),
    path("guardian-accounts/export/", overview_views.guardian_account_export, name="guardian-accounts-export"),
]
