"""Child contact information for staff (PRIV-2), behind the personal PIN."""
