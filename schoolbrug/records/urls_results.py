"""Tests, reports and correction requests (part of the `records` namespace)."""

from django.urls import path

from .views import corrections, reports, results

urlpatterns = [
    path("tests/", results.tests_home, name="tests"),
    path("groups/<int:group_id>/tests/", results.group_tests, name="group-tests"),
    path("groups/<int:group_id>/tests/new/", results.curriculum_test_new, name="curriculum-test-new"),
    path("groups/<int:group_id>/tests/<int:test_id>/", results.curriculum_entry, name="curriculum-entry"),
    path("groups/<int:group_id>/standardised/new/", results.standardised_test_new, name="standardised-test-new"),
    path("groups/<int:group_id>/standardised/<int:test_id>/", results.standardised_entry, name="standardised-entry"),
    path(
        "groups/<int:group_id>/standardised/<int:test_id>/delete/",
        results.standardised_test_delete,
        name="standardised-test-delete",
    ),
    path("pupils/<int:pupil_id>/results/", results.pupil_results, name="pupil-results"),
    path("pupils/<int:pupil_id>/reports/", reports.pupil_reports, name="pupil-reports"),
    path("pupils/<int:pupil_id>/reports/<int:period_id>/", reports.report_edit, name="report-edit"),
    path("reports/<int:report_id>/lock/", reports.report_lock, name="report-lock"),
    path("reports/<int:report_id>/unlock/", reports.report_unlock, name="report-unlock"),
    path("reports/<int:report_id>/pdf/", reports.report_pdf, name="report-pdf"),
    path("report-periods/", reports.report_periods, name="report-periods"),
    path("corrections/", corrections.inbox, name="corrections"),
    path("corrections/<int:correction_id>/apply/", corrections.apply, name="correction-apply"),
    path("corrections/<int:correction_id>/reject/", corrections.reject, name="correction-reject"),
]
