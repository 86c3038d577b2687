"""Signals of the records for the apps above them (which sis may not import).

`groups_created` is sent after groups were created in bulk (sync, year rollover), which sends no
`post_save`: messaging makes the groups' spaces on it."""

from django.dispatch import Signal

groups_created = Signal()  # keyword argument: school
