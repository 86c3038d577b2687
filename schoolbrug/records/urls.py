"""The pupil file under /staff/file/, grouped by entity: absences, notes, support plans, year
plan, news (REC-1/2/3/6, POR-11), tests, reports and correction requests (REC-4/5/7)."""

from django.urls import URLPattern, path

from .views import absences, corrections, news, notes, plans, reporting, reports, results, yearplan

app_name = "records"

urlpatterns: list[URLPattern] = [
    # Absences
    path("absences/", absences.absence_groups, name="absences"),
    path("pupils/<id:pupil_id>/absences/", absences.pupil_absences, name="pupil-absences"),
    path("pupils/<id:pupil_id>/absences/new/", absences.pupil_absence_new, name="pupil-absence-new"),
    path("absences/<id:absence_id>/processed/", absences.absence_processed, name="absence-processed"),
    path("absences/<id:absence_id>/delete/", absences.absence_delete, name="absence-delete"),
    path("groups/<id:group_id>/absences/", absences.group_absences, name="group-absences"),
    path("groups/<id:group_id>/absences/new/", absences.group_absence_new, name="group-absence-new"),
    path("absence-reasons/", absences.absence_reasons, name="absence-reasons"),
    path("absence-reasons/new/", absences.absence_reason_edit, name="absence-reason-new"),
    path("absence-reasons/<id:reason_id>/edit/", absences.absence_reason_edit, name="absence-reason-edit"),
    path("absence-rules/", reporting.absence_rules, name="absence-rules"),
    path("groups/<id:group_id>/absences/register/", reporting.group_register, name="group-register"),
    path("leave/", reporting.leave_requests, name="leave-requests"),
    path("leave/<id:leave_id>/", reporting.leave_request_detail, name="leave-request"),
    path("leave/<id:leave_id>/attachment/", reporting.leave_attachment, name="leave-attachment"),
    path("absence-signals/", reporting.absence_signals, name="absence-signals"),
    path("absence-signals/export/", reporting.absence_signals_export, name="absence-signals-export"),
    # Notes
    path("pupils/<id:pupil_id>/notes/", notes.pupil_notes, name="pupil-notes"),
    path("pupils/<id:pupil_id>/notes/new/", notes.note_new, name="note-new"),
    path("notes/<id:note_id>/", notes.note_detail, name="note-detail"),
    path("notes/unread/", notes.notes_unread, name="notes-unread"),
    path("note-categories/", notes.note_categories, name="note-categories"),
    path("note-categories/new/", notes.note_category_edit, name="note-category-new"),
    path("note-categories/<id:category_id>/edit/", notes.note_category_edit, name="note-category-edit"),
    # Support plans and the pupil-file settings
    path("pupils/<id:pupil_id>/plans/", plans.pupil_plans, name="pupil-plans"),
    path("pupils/<id:pupil_id>/plans/new/", plans.plan_new, name="plan-new"),
    path("plans/<id:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plans/<id:plan_id>/edit/", plans.plan_edit, name="plan-edit"),
    path("settings/", plans.records_settings, name="settings"),
    # Year plan
    path("year-plan/", yearplan.yearplan, name="yearplan"),
    path("year-plan/new/", yearplan.activity_new, name="activity-new"),
    path("year-plan/<id:activity_id>/edit/", yearplan.activity_edit, name="activity-edit"),
    path("year-plan/<id:activity_id>/delete/", yearplan.activity_delete, name="activity-delete"),
    # News
    path("news/", news.news_list, name="news"),
    path("news/new/", news.news_new, name="news-new"),
    path("news/<id:news_id>/", news.news_detail, name="news-detail"),
    path("news/<id:news_id>/edit/", news.news_edit, name="news-edit"),
    path("news/<id:news_id>/delete/", news.news_delete, name="news-delete"),
    # Tests and their results
    path("tests/", results.tests_home, name="tests"),
    path("groups/<id:group_id>/tests/", results.group_tests, name="group-tests"),
    path("groups/<id:group_id>/tests/new/", results.curriculum_test_new, name="curriculum-test-new"),
    path("groups/<id:group_id>/tests/<id:test_id>/", results.curriculum_entry, name="curriculum-entry"),
    path("groups/<id:group_id>/standardised/new/", results.standardised_test_new, name="standardised-test-new"),
    path("groups/<id:group_id>/standardised/<id:test_id>/", results.standardised_entry, name="standardised-entry"),
    path(
        "groups/<id:group_id>/standardised/<id:test_id>/delete/",
        results.standardised_test_delete,
        name="standardised-test-delete",
    ),
    path("pupils/<id:pupil_id>/results/", results.pupil_results, name="pupil-results"),
    # Reports and report periods
    path("pupils/<id:pupil_id>/reports/", reports.pupil_reports, name="pupil-reports"),
    path("pupils/<id:pupil_id>/reports/<id:period_id>/", reports.report_edit, name="report-edit"),
    path("reports/<id:report_id>/lock/", reports.report_lock, name="report-lock"),
    path("reports/<id:report_id>/unlock/", reports.report_unlock, name="report-unlock"),
    path("reports/<id:report_id>/pdf/", reports.report_pdf, name="report-pdf"),
    path("report-periods/", reports.report_periods, name="report-periods"),
    # Correction requests
    path("corrections/", corrections.inbox, name="corrections"),
    path("corrections/<id:correction_id>/apply/", corrections.apply, name="correction-apply"),
    path("corrections/<id:correction_id>/reject/", corrections.reject, name="correction-reject"),
]
