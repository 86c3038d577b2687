"""Keeping a school's pupils current by hand: enrolment and placement, guardians, emergency
numbers, medical data, the photo and leaving. One module per entity, each with its forms, its
writes (which check `sis.policies` again and are audited like the family edit) and its thin
views; `urls.py` is included once from `sis.urls`. Pages belong to the school's application
administrator; teachers keep reading everything on the pupil page as before.
"""
