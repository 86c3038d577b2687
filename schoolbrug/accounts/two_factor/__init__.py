"""Two-factor authentication for staff: TOTP apps with single-use recovery codes (django-otp).

Which staff must use it is a role question that `sis` answers (its middleware); this package
only knows accounts and devices.
"""
