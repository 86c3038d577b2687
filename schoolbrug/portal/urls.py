from django.urls import path

from .views import absence_reporting, child, consent, corrections, dashboard, guardian, letter, staff

app_name = "portal"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("account/", guardian.account, name="account"),
    path("school/", guardian.school, name="school"),
    path("more/", guardian.more, name="more"),
    path("image/<id:school_id>/", guardian.dashboard_image, name="dashboard-image"),
    path("child/<id:pupil_id>/", guardian.child_about, name="child-about"),
    path("child/<id:pupil_id>/group/", guardian.child_group, name="child-group"),
    path("child/<id:pupil_id>/absences/", child.absences, name="child-absences"),
    path("child/<id:pupil_id>/absences/report/", absence_reporting.report, name="child-absence-report"),
    path(
        "child/<id:pupil_id>/absences/<id:absence_id>/withdraw/",
        absence_reporting.withdraw,
        name="child-absence-withdraw",
    ),
    path("child/<id:pupil_id>/leave/", absence_reporting.leave, name="child-leave"),
    path(
        "child/<id:pupil_id>/leave/<id:leave_id>/attachment/",
        absence_reporting.leave_attachment,
        name="child-leave-attachment",
    ),
    path("child/<id:pupil_id>/notes/", child.notes, name="child-notes"),
    path("child/<id:pupil_id>/notes/<id:note_id>/reply/", child.note_reply, name="child-note-reply"),
    path("child/<id:pupil_id>/plans/", child.plans, name="child-plans"),
    path("child/<id:pupil_id>/tests/", child.tests, name="child-tests"),
    path("child/<id:pupil_id>/reports/", child.reports, name="child-reports"),
    path("child/<id:pupil_id>/reports/<id:report_id>/pdf/", child.report_download, name="child-report-pdf"),
    path("child/<id:pupil_id>/privacy/", consent.child_privacy, name="child-privacy"),
    path("correct/<str:target>/<id:object_id>/<str:field>/", corrections.correction, name="correction"),
    path("correct/sent/", corrections.correction_sent, name="correction-sent"),
    # Application administrators
    path("settings/", staff.settings_page, name="settings"),
    path("settings/modules/<str:module>/", staff.module_update, name="settings-module"),
    path("settings/schedules/", staff.schedule_add, name="settings-schedule-add"),
    path("settings/schedules/<id:schedule_id>/delete/", staff.schedule_delete, name="settings-schedule-delete"),
    # The instruction letter (ACC-2): staff
    path("letter/", letter.letter_page, name="letter"),
    path("letter/pdf/", letter.letter_school_pdf, name="letter-pdf"),
    path("letter/groups/<id:group_id>/pdf/", letter.letter_group_pdf, name="letter-group-pdf"),
    path("letter/groups/<id:group_id>/send/", letter.letter_group_send, name="letter-group-send"),
    path("log-in-as/", staff.impersonate, name="impersonate"),
    path("log-in-as/stop/", staff.impersonate_stop, name="impersonate-stop"),
]
