"""Synchronisation of the school records from an administration export (SIS-9)."""
