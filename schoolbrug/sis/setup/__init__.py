"""Set-up of a school by its application administrator: school data and branches, school years,
groups, staff members and timetables. One module per entity, each with its forms, writes and
pages; `urls` gathers their addresses under /staff/setup/. Every page asks
`policies.require_application_admin` first and looks objects up within that administrator's
school, so anyone else gets 404."""
