from django.urls import path

from . import recovery
from .two_factor import views as two_factor

urlpatterns = [
    path("two-factor/", two_factor.manage, name="two-factor"),
    path("two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path("two-factor/recovery-codes/", two_factor.renew_recovery_codes, name="two-factor-recovery-codes"),
    path("two-factor/replace/", two_factor.replace_app, name="two-factor-replace"),
    path("two-factor/disable/", two_factor.disable, name="two-factor-disable"),
    path("password/forgot/", recovery.password_reset_request, name="password-reset"),
    path("password/forgot/sent/", recovery.password_reset_sent, name="password-reset-sent"),
    path(
        "password/reset/<uidb64>/<token>/", recovery.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    path("password/reset/done/", recovery.password_reset_complete, name="password-reset-complete"),
    path("username/forgot/", recovery.username_reminder, name="username-reminder"),
    path("username/forgot/sent/", recovery.username_reminder_sent, name="username-reminder-sent"),
]
