"""Portal views: guardian pages (dashboard, child, account, school, corrections) and the
administrator's settings and "log in as guardian"."""
