"""Addresses of the set-up pages, included once from sis.urls (names start with "setup-")."""

from django.urls import path

from . import groups, school, staff, timetable, years

urlpatterns: list = [
    path("setup/school/", school.school_edit, name="setup-school"),
    path("setup/branches/new/", school.branch_edit, name="setup-branch-new"),
    path("setup/branches/<id:branch_id>/", school.branch_edit, name="setup-branch"),
    path("setup/years/", years.year_list, name="setup-years"),
    path("setup/years/next/", years.year_create_next, name="setup-year-next"),
    path("setup/years/<id:year_id>/", years.year_edit, name="setup-year"),
    path("setup/groups/", groups.group_list, name="setup-groups"),
    path("setup/groups/new/", groups.group_edit, name="setup-group-new"),
    path("setup/groups/<id:group_id>/", groups.group_edit, name="setup-group"),
    path("setup/groups/<id:group_id>/timetable/", timetable.timetable, name="setup-timetable"),
    path(
        "setup/groups/<id:group_id>/timetable/<id:entry_id>/",
        timetable.timetable_entry_edit,
        name="setup-timetable-entry",
    ),
    path(
        "setup/groups/<id:group_id>/timetable/<id:entry_id>/remove/",
        timetable.timetable_entry_remove,
        name="setup-timetable-entry-remove",
    ),
    path("setup/staff/", staff.staff_list, name="setup-staff"),
    path("setup/staff/new/", staff.staff_edit, name="setup-staff-new"),
    path("setup/staff/<id:staff_id>/", staff.staff_edit, name="setup-staff-member"),
    path("setup/staff/<id:staff_id>/invite/", staff.staff_invite_view, name="setup-staff-invite"),
    path("setup/staff/<id:staff_id>/deactivate/", staff.staff_deactivate_view, name="setup-staff-deactivate"),
    path("setup/staff/<id:staff_id>/reactivate/", staff.staff_reactivate_view, name="setup-staff-reactivate"),
]
