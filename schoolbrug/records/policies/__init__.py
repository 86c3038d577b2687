"""Who may see and change what in the pupil file, one module per entity (as models, selectors,
services and views are).

Pupil records follow pupil reach (`sis.policies.pupils_visible_to`); a school's own lists and
settings are read by all staff and changed by its application administrators
(`sis.policies.application_admin_of`). "Missing" and "not yours" both answer 404.
"""
